"""The Ray engine of `posecheck batch` (the optional `cluster` extra).

Workers are Ray actors with one CPU each; an actor imports MediaPipe once and then
analyses one video after another (a fresh landmarker per video, so its outputs equal
`analyze`'s). An actor that dies is restarted by Ray and the job comes back as
crashed, for the batch to retry.

Safety: a Ray cluster runs whatever code anyone who can reach it sends. Without
`address`, posecheck starts its own single-machine cluster: every Ray server bound to
127.0.0.1 (Ray's multi-node mode off for this process), no dashboard, and it checks the
address it got. With `address`, the user's cluster is used and `SECURITY_NOTE` is
printed once; only then do the videos' bytes travel to the workers (they may be on
other machines); a local cluster reads the files where they are.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from posecheck.errors import UserError
from posecheck.run.batchjob import Job, JobResult, run_job

SECURITY_NOTE = ("note: Ray has no authentication of its own by default: anyone who can reach the "
                 "cluster's ports can run code on it. Use a cluster on a private network you control. "
                 "The videos' bytes are sent to its workers.")
LOCAL_ONLY_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"  # "0": Ray picks 127.0.0.1 as the node address


class _Worker:
    """Ray actor: one video at a time."""

    def __init__(self):
        import mediapipe  # noqa: F401  (imported once per actor)

    def run(self, job: Job) -> JobResult:
        return run_job(job)


def _import_ray(local: bool):
    if local:
        if "ray" in sys.modules and os.environ.get(LOCAL_ONLY_ENV) != "0":
            raise UserError("ray was imported before posecheck could restrict it to 127.0.0.1; "
                            "start posecheck batch in a fresh process")
        os.environ[LOCAL_ONLY_ENV] = "0"
    try:
        import ray
    except ImportError:
        raise UserError("the Ray engine needs the cluster extra: pip install 'posecheck[cluster]'") from None
    return ray


def _loopback(address: str) -> bool:
    host = address.rsplit(":", 1)[0].strip("[]")
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class RayEngine:
    """`with RayEngine(workers=2) as eng: run_batch(..., engine=eng)`."""

    def __init__(self, workers: int | None = None, address: str | None = None,
                 say: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr)):
        self.remote = address is not None
        self.ray = ray = _import_ray(local=not self.remote)
        quiet = dict(log_to_driver=False, logging_level=logging.ERROR)
        if self.remote:
            say(SECURITY_NOTE)
            try:
                ray.init(address=address, **quiet)
            except (ConnectionError, RuntimeError, ValueError) as err:
                raise UserError(f"cannot connect to the Ray cluster at {address}: {str(err).splitlines()[0]}") from None
        else:
            ray.init(num_cpus=workers or os.cpu_count() or 1, include_dashboard=False,
                     _node_ip_address="127.0.0.1", **quiet)
            gcs = ray.get_runtime_context().gcs_address
            if not _loopback(gcs):
                ray.shutdown()
                raise UserError(f"the local Ray cluster came up on {gcs}, not 127.0.0.1; not using it")
        cpus = int(ray.cluster_resources().get("CPU", 1))
        n = max(1, min(workers or cpus, cpus))
        actor = ray.remote(num_cpus=1, max_restarts=2)(_Worker)
        self.actors = [actor.remote() for _ in range(n)]

    def run(self, jobs: list[Job]) -> Iterator[tuple[Job, JobResult]]:
        ray = self.ray
        queue, idle, running = list(jobs), list(self.actors), {}
        while queue or running:
            while queue and idle:
                job, actor = queue.pop(0), idle.pop()
                running[actor.run.remote(self._payload(job))] = (job, actor)
            done, _ = ray.wait(list(running), num_returns=1)
            job, actor = running.pop(done[0])
            idle.append(actor)
            try:
                yield job, ray.get(done[0])
            except (ray.exceptions.RayActorError, ray.exceptions.RayTaskError) as err:
                yield job, JobResult(job.name, crashed=True, error=str(err).splitlines()[0][:200])

    def _payload(self, job: Job) -> Job:
        """What travels: a remote worker gets the video's bytes and name, not the local path."""
        if not self.remote:
            return job
        return replace(job, video=Path(job.video).name, data=_read(job.video))

    def close(self) -> None:
        if self.ray.is_initialized():
            self.ray.shutdown()

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
