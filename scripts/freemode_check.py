"""Free-mode `live` (no --stretch) against `analyze --stretch auto` on every sample.

    python scripts/freemode_check.py [NAME ...] [--every-frame]

For each samples/*.mp4 (or the named ones): the holds live finds with no stretch given, and
those analyze finds with auto recognition, must agree (count, sides, start and end within
1 s). Runs the real model twice per clip: use the project's heavy-job lock.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.run.freecheck import auto_analyze, compare, free_live  # noqa: E402


def _holds(summary: dict) -> str:
    return ", ".join(f"{h['side'] or '-'} {h['start_s']:.1f}-{h['end_s']:.1f}" for h in summary["holds"]) or "none"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("names", nargs="*")
    p.add_argument("--every-frame", action="store_true", help="hand live every frame (no drops)")
    args = p.parse_args()
    videos = [REPO / "samples" / f"{n}.mp4" for n in args.names] or sorted((REPO / "samples").glob("*.mp4"))
    agree = 0
    for video in videos:
        live, offline = free_live(video, not args.every_frame), auto_analyze(video)
        diff = compare(live, offline)
        agree += not diff
        print(f"{'ok ' if not diff else 'BAD'} {video.stem:38s} live {live['stretch']}: {_holds(live)} | "
              f"analyze {offline['stretch']}: {_holds(offline)}{'  ' + '; '.join(diff) if diff else ''}",
              flush=True)
    print(f"agree: {agree}/{len(videos)}")
    return 0 if agree == len(videos) else 1


if __name__ == "__main__":
    sys.exit(main())
