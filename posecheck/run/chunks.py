"""One video over several processes: `analyze --jobs N`.

The frames are split into N consecutive chunks. This process runs the first chunk
itself, streaming into the coach as usual; each later chunk runs in a spawned
process with a fresh landmarker that starts `OVERLAP_S` (>= 1 s) before its chunk,
so MediaPipe's tracking has settled when the chunk's own frames begin; the warm-up
poses are dropped. The per-frame poses come back in frame order with their container
timestamps, so the measuring, smoothing and coach downstream run once over the
merged stream, exactly as in a single-process run.
"""

from __future__ import annotations

import math
import queue as queue_mod
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from posecheck.errors import InputError, UserError
from posecheck.media.videoio import Frame, VideoReader, open_video
from posecheck.run.posestream import PoseSettings, PoseStream

OVERLAP_S = 1.0        # warm-up of each later chunk's landmarker
MIN_CHUNK_S = 3.0      # shorter chunks are not worth a process
# This process also measures, coaches and logs every frame (and with the annotated video
# decodes, draws and encodes every frame): its own chunk is the smaller share. With model
# time c and this process's extra p per frame, equal finish times give a first chunk of
# (c - p) / 2c of the video for two chunks: ~0.46 without the video (p ~ 1 ms, c ~ 14-25 ms),
# ~0.33 with it (p ~ 5 ms).
LEAD_SHARE = 0.85
LEAD_SHARE_VIDEO = 0.5
BATCH = 32             # poses sent per message


@dataclass(frozen=True)
class Chunk:
    warm: int     # first frame the landmarker sees
    start: int    # first frame whose pose is kept
    stop: int | None  # one past the last frame kept (None: to the end)


def plan_chunks(frames: int, fps: float, jobs: int, overlap_s: float = OVERLAP_S,
                lead_share: float = LEAD_SHARE) -> list[Chunk]:
    """Consecutive chunks covering [0, frames); the first gets `lead_share` of an equal share."""
    n = max(1, min(jobs, int(frames / max(fps * MIN_CHUNK_S, 1.0))))
    if n == 1:
        return [Chunk(0, 0, None)]
    first = lead_share / (lead_share + n - 1)
    rest = (1.0 - first) / (n - 1)
    bounds = [0] + [round(frames * (first + i * rest)) for i in range(n - 1)] + [None]
    warm = math.ceil(overlap_s * fps)
    return [Chunk(max(0, bounds[i] - warm), bounds[i], bounds[i + 1]) for i in range(n)]


def _chunk_worker(path: str, settings: PoseSettings, chunk: Chunk, out) -> None:
    """A later chunk, in its own process: ("poses", [(index, t_s, pose), ...])... then ("end", info)."""
    try:
        reader = VideoReader(path, start=chunk.warm, stop=chunk.stop)
        fps = reader.info.fps if reader.info.fps > 0 else 30.0
        stream = PoseStream(settings, fps)
        batch = []
        for frame, pose in stream.run(reader):
            if frame.index >= chunk.start:
                batch.append((frame.index, frame.t_s, pose))
            if len(batch) >= BATCH:
                out.put(("poses", batch))
                batch = []
        out.put(("poses", batch))
        out.put(("end", {"model_frames": stream.model_frames, "broke_at": reader.broke_at,
                         "frames_read": reader.frames_read, "warm_frames": chunk.start - chunk.warm}))
    except UserError as err:
        out.put(("error", str(err)))
    except BaseException as err:  # the parent turns it into its own error
        out.put(("error", f"{type(err).__name__}: {err}"))


class ChunkedSource:
    """The poses of one video from N processes, in frame order (see the module docstring).

    need_images: the annotated video needs every frame's pixels here; without it this
    process decodes only its own chunk."""

    def __init__(self, path: Path, settings: PoseSettings, jobs: int, need_images: bool = True):
        self.path, self.settings, self.need_images = Path(path), settings, need_images
        cap, self.info = open_video(path)
        cap.release()
        fps = self.info.fps if self.info.fps > 0 else 30.0
        self.chunks = plan_chunks(self.info.frames, fps, jobs,
                                  lead_share=LEAD_SHARE_VIDEO if need_images else LEAD_SHARE)
        self._stream = PoseStream(settings, fps)
        self.model = self._stream.model
        self._ends: list[dict] = []
        self._reader: VideoReader | None = None

    # -- what analyze reads after the run ----------------------------------------
    @property
    def model_frames(self) -> int:
        return self._stream.model_frames + sum(e["model_frames"] for e in self._ends)

    @property
    def broke_at(self):
        return self._ends[-1]["broke_at"] if self._ends else self._reader and self._reader.broke_at

    @property
    def frames_read(self) -> int:
        return self._ends[-1]["frames_read"] if self._ends else self._reader.frames_read

    # -- the stream --------------------------------------------------------------
    def run(self):
        ctx = get_context("spawn")  # MediaPipe's threads must not be forked mid-flight
        procs = []
        try:
            for chunk in self.chunks[1:]:
                q = ctx.Queue()
                p = ctx.Process(target=_chunk_worker, args=(str(self.path), self.settings, chunk, q),
                                name=f"posecheck-chunk-{chunk.start}", daemon=True)
                p.start()
                procs.append((p, q))
            first = self.chunks[0]
            stop = None if self.need_images or len(self.chunks) == 1 else first.stop
            self._reader = VideoReader(self.path, stop=stop)
            frames = iter(self._reader)
            yield from self._stream.run(_take(frames, first.stop))
            for p, q in procs:
                yield from self._merge(frames, p, q)
        finally:
            for p, _ in procs:
                if p.is_alive():
                    p.terminate()
                p.join(timeout=5)
            if self._reader is not None:
                self._reader.close()

    def _merge(self, frames, proc, q):
        """A later chunk's poses, paired with this process's decoded frames when it has them."""
        while True:
            kind, payload = _get(proc, q)
            if kind == "error":
                raise InputError(f"{self.path}: chunk worker failed: {payload}")
            if kind == "end":
                self._ends.append(payload)
                return
            for index, t_s, pose in payload:
                frame = next(frames, None) if self.need_images else None
                if frame is None:
                    frame = Frame(index, t_s, None)
                elif frame.index != index:
                    raise InputError(f"{self.path}: chunks disagree on frame {index} "
                                     f"(decoded {frame.index}); run without --jobs")
                yield frame, pose


def _take(frames, stop: int | None):
    """Frames from the iterator up to (not including) index `stop`, leaving the rest."""
    if stop is None:
        yield from frames
        return
    for frame in frames:
        yield frame
        if frame.index + 1 >= stop:
            return


def _get(proc, q):
    """The next message of a chunk worker; an error if it died without saying why."""
    while True:
        try:
            return q.get(timeout=1.0)
        except queue_mod.Empty:
            if not proc.is_alive():
                try:
                    return q.get(timeout=1.0)
                except queue_mod.Empty:
                    return "error", f"exited with code {proc.exitcode}"
