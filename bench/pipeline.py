"""(2) `analyze` end to end and (3) a naive peer, on the same clip and model.

The naive peer is the loop most tutorials show: read -> convert -> detect_for_video ->
mediapipe's draw_landmarks -> cv2.VideoWriter.write, all on one thread. Both are timed
from the call to the last byte written, model loading included (a user waits for it too);
`analyze` also writes its CSV, summary JSON and plot.

    python bench/pipeline.py [--model full] [--reps 3] [--large]
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from pathlib import Path

import cv2

try:
    from bench import common
    from bench.limit import landmarker, model_path
except ImportError:  # run as a script from bench/
    import common
    from limit import landmarker, model_path


def thread_cpu() -> dict[int, float]:
    """CPU seconds of each live thread of this process (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / tick
    return out


class ThreadSampler:
    """Per-thread CPU over analyze's frame loop, sampled from the progress hook: the main
    thread (which waits for MediaPipe) plus MediaPipe's own threads form the critical path;
    the reader and writer threads run beside it."""

    EVERY = 10

    def __init__(self):
        self.first: dict[int, tuple[int, float]] = {}
        self.last: dict[int, tuple[int, float]] = {}
        self.names: dict[int, str] = {}

    def sample(self, frame: int) -> None:
        for t in threading.enumerate():
            if t.native_id is not None:
                self.names[t.native_id] = t.name
        for tid, cpu in thread_cpu().items():
            self.first.setdefault(tid, (frame, cpu))
            self.last[tid] = (frame, cpu)

    def ms_per_frame(self) -> dict[str, float]:
        """CPU ms per frame of: main, reader, writer, coach (a post-inference stage thread,
        when analyze has one), mediapipe (every other thread)."""
        out = {"main": 0.0, "reader": 0.0, "writer": 0.0, "coach": 0.0, "mediapipe": 0.0}
        main = threading.main_thread().native_id
        for tid, (f1, c1) in self.last.items():
            f0, c0 = self.first[tid]
            if f1 <= f0:
                continue
            name = self.names.get(tid, "")
            key = ("main" if tid == main else "reader" if name == "video-reader"
                   else "writer" if name == "video-writer" else "coach" if name == "coach" else "mediapipe")
            out[key] += (c1 - c0) * 1000 / (f1 - f0)
        return out


def analyze_once(clip: common.Clip, model: str, out_dir: Path, annotate: bool = True,
                 plot: bool = True) -> dict:
    """One `analyze` call; also the time of its first and last frame (from the progress hook),
    which splits the wall time into setup, frame loop and finishing, and the CPU per frame
    of each thread during the loop."""
    from posecheck.run.analyze import analyze

    marks: list[float] = []
    threads = ThreadSampler()

    def progress(done: int, total: int) -> None:
        marks.append(time.perf_counter())
        if done == 1 or done % ThreadSampler.EVERY == 0 or done == total:
            threads.sample(done)

    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    with common.timed() as t:
        summary = analyze(clip.path, clip.stretch, out_dir=out_dir, model=model, annotate=annotate,
                          plot=plot, people=1, progress=progress)
    end = start + t.wall_s
    n = summary["frames"]
    loop = (marks[-1] - marks[0]) / max(len(marks) - 1, 1) if len(marks) > 1 else float("nan")
    return {"fps": n / t.wall_s, "cpu_ms": t.cpu_s * 1000 / n, "frames": n,
            "setup_s": marks[0] - start if marks else float("nan"),
            "loop_fps": 1.0 / loop, "finish_s": end - marks[-1] if marks else float("nan"),
            "holds": len(summary["holds"]), **{f"cpu_{k}": v for k, v in threads.ms_per_frame().items()}}


def naive_once(clip: common.Clip, model: str, out_path: Path) -> dict:
    """The common single-threaded loop with the same model."""
    import mediapipe as mp
    from mediapipe.tasks.python.vision import PoseLandmarksConnections, drawing_styles, drawing_utils

    connections = PoseLandmarksConnections.POSE_LANDMARKS
    style = drawing_styles.get_default_pose_landmarks_style()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with common.timed() as t:
        lm = landmarker(model_path(model))
        cap = cv2.VideoCapture(str(clip.path))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        size = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        writer = cv2.VideoWriter(str(out_path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            result = lm.detect_for_video(image, int(n * 1000 / fps))
            for landmarks in result.pose_landmarks:
                drawing_utils.draw_landmarks(frame, landmarks, connections, style)
            writer.write(frame)
            n += 1
        writer.release()
        cap.release()
        lm.close()
    return {"fps": n / t.wall_s, "cpu_ms": t.cpu_s * 1000 / n, "frames": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="full")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--large", action="store_true", help="use 300 frames of the real 854x480 lunge video")
    args = ap.parse_args()
    common.quiet_mediapipe()
    clip = common.large_clip(300) if args.large else common.sample_clip()
    if clip is None:
        raise SystemExit("../shared/data/real absent: no large clip")
    a, b = [], []
    for _ in range(args.reps):
        a.append(analyze_once(clip, args.model, common.TMP / "analyze"))
        b.append(naive_once(clip, args.model, common.TMP / "naive" / "out.mp4"))
    fa, fb = common.median(x["fps"] for x in a), common.median(x["fps"] for x in b)
    print(common.table(["case", "fps", "CPU ms/frame"], [
        ["analyze", fa, common.median(x["cpu_ms"] for x in a)],
        ["naive", fb, common.median(x["cpu_ms"] for x in b)],
        ["analyze / naive", fa / fb, None]]))


if __name__ == "__main__":
    main()
