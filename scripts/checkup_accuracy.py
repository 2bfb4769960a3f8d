"""The check-up table of docs/ACCURACY.md: each check-up value vs the rendered truth.

    python scripts/checkup_accuracy.py [--clips samples/checkup]

For every rendered check-up clip (samples/checkup/*.toml + .mp4): the trials `posecheck
checkup` finds, each matched to the held key it overlaps, its value against the 3D truth
of that key (posecheck.synth.checkup_truth). Near = the clip filmed from the measured side
(as the check-up asks), far = the other side (the `-far-` clip; its trials are measured but
rejected as filmed from the wrong side). Repeatability = the spread (SD) of the error over
the valid trials of one test and side. Prints markdown to paste into docs/ACCURACY.md.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.coach.checkup import load_tests  # noqa: E402
from posecheck.coach.checkup.trials import find_trials  # noqa: E402
from posecheck.run.checkup import records_from_video, test_for  # noqa: E402
from posecheck.synth.checkup_truth import match, trial_truths  # noqa: E402


def rows(clips: Path) -> list[dict]:
    tests = load_tests()
    out = []
    for toml in sorted(clips.glob("*.toml")):
        tid, video = test_for(str(toml.with_suffix(".mp4")), tests)
        truths = trial_truths(toml, tid)
        for trial in find_trials(tests[tid], records_from_video(video)):
            for side in [trial.side] if trial.side else list(trial.values):
                truth = match(trial.start_s, trial.end_s, [t for t in truths if t["side"] == side])
                if truth is None:
                    continue
                out.append({"clip": toml.stem, "test": tid, "side": side, "view": "far" if "-far-" in toml.stem
                            else "near", "value": trial.value(side), "truth": truth["value"],
                            "valid": trial.valid, "reason": trial.reason, "unit": tests[tid].metric.unit})
    return out


def table(found: list[dict]) -> str:
    groups = defaultdict(list)
    for r in found:
        groups[(r["test"], r["side"], r["view"])].append(r)
    lines = ["| test | side | camera | trials (valid) | mean error | worst | repeatability SD |",
             "|---|---|---|---|---|---|---|"]
    for (test, side, view), rs in sorted(groups.items()):
        counted = [r for r in rs if r["valid"]] if view == "near" else rs
        err = np.array([r["value"] - r["truth"] for r in counted])
        if not len(err):
            lines.append(f"| {test} | {side} | {view} | {len(rs)} (0) | – | – | – |")
            continue
        u, nd = ("°", 1) if rs[0]["unit"] == "deg" else (" torso", 3)
        sd = f"{err.std(ddof=1):.{nd}f}{u}" if len(err) > 1 else "–"
        lines.append(f"| {test} | {side} | {view} | {len(rs)} ({sum(r['valid'] for r in rs)}) | "
                     f"{err.mean():+.{nd}f}{u} | {np.abs(err).max():.{nd}f}{u} | {sd} |")
    rejected = [r for r in found if not r["valid"]]
    lines.append("")
    lines += [f"- rejected: {r['clip']} {r['side']} trial (truth {r['truth']:g}, read {r['value']:g}): "
              f"{r['reason']}" for r in rejected]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=Path, default=REPO / "samples" / "checkup")
    args = ap.parse_args()
    print(table(rows(args.clips)))


if __name__ == "__main__":
    main()
