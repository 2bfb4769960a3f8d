"""The local engine of `posecheck batch`: one spawned process per core, each analysing
one video at a time (MediaPipe's threads must not be forked mid-flight, hence spawn).
A worker process that dies breaks the pool: its unfinished jobs come back as crashed
(the batch retries them on a fresh pool)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Iterator

from posecheck.run.batchjob import Job, JobResult, run_job


def _warm() -> None:
    """Import the heavy modules once per worker, not once per video."""
    import mediapipe  # noqa: F401

    import posecheck.run.analyze  # noqa: F401


class LocalEngine:
    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)

    def run(self, jobs: list[Job]) -> Iterator[tuple[Job, JobResult]]:
        with ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)) or 1,
                                 mp_context=get_context("spawn"), initializer=_warm) as pool:
            futures = {pool.submit(run_job, job): job for job in jobs}
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    yield job, fut.result()
                except BrokenProcessPool:
                    yield job, JobResult(job.name, crashed=True, error=None)
                except Exception as err:  # a bug in the worker: reported, retried
                    yield job, JobResult(job.name, crashed=True, error=f"{type(err).__name__}: {err}")

    def close(self) -> None:
        pass

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
