"""Does the helper change what is measured of the patient? A partner clip against the same
clip rendered without its helper (same camera, same patient): the primary angles' mean
errors vs the renderer's truth, with and without the helper, side by side.

    python -m posecheck.run.partner_check samples/partner-*.toml
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from posecheck.run.analyze import analyze
from posecheck.run.check import angle_errors, read_frames

PRIMARY = {"partner-hamstring": ("hip_{side}", "knee_{side}"),
           "partner-knees-to-chest": ("hip_{near}",)}   # the far hip is often unseen alone


def primary_mae(video: Path, truth_path: Path, out: Path) -> dict[str, float]:
    """Mean absolute error (deg) of the stretch's primary angles over the clip's hold."""
    truth = json.loads(truth_path.read_text())
    expect = truth["expect"]
    summary = analyze(video, expect["stretch"], out_dir=out, annotate=False, plot=False)
    holds = expect["holds"]
    frames = [f for f in truth["frames"] if any(h["start_s"] <= f["t_s"] <= h["end_s"] for h in holds)]
    errors = angle_errors(frames, read_frames(out / f"{video.stem}.frames.csv"))
    side = truth.get("side") or "left"
    near = max(("left", "right"), key=[f["near_side"] for f in frames].count)
    out_mae = {}
    for tpl in PRIMARY[expect["stretch"]]:
        name = tpl.replace("{side}", side).replace("{near}", near)
        e = np.concatenate([d[name] for d in errors.values() if name in d] or [np.empty(0)])
        out_mae[name] = float(e.mean()) if e.size else float("nan")
    out_mae["holds"] = [(h["side"], h["start_s"], h["end_s"]) for h in summary["holds"]]
    return out_mae


def helper_effect(timeline: Path, work: Path) -> dict:
    """Render the timeline without its helper into `work`, analyse both clips."""
    from posecheck.synth.clip import render_clip

    samples = timeline.parent
    name = timeline.stem
    solo_video, solo_truth = render_clip(timeline, work, with_helper=False)
    return {"name": name,
            "with": primary_mae(samples / f"{name}.mp4", samples / f"{name}.truth.json", work / "with"),
            "without": primary_mae(solo_video, solo_truth, work / "without")}


def main(paths: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            r = helper_effect(Path(p), Path(tmp))
            for angle in (k for k in r["with"] if k != "holds"):
                print(f"{r['name']:34s} {angle:11s} with helper {r['with'][angle]:5.2f}°  "
                      f"without {r['without'][angle]:5.2f}°  diff {r['with'][angle] - r['without'][angle]:+.2f}°")
            print(f"{'':34s} holds with {r['with']['holds']}  without {r['without']['holds']}")


if __name__ == "__main__":
    main(sys.argv[1:])
