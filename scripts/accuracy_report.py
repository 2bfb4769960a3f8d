"""Write docs/ACCURACY.md: how well the pipeline measures the standard angles on floor stretches.

    python scripts/accuracy_report.py [--samples samples] [--out docs/ACCURACY.md] [--jobs N]
    python scripts/accuracy_report.py --photos-only     # part 2 alone, rewritten in place

Part 1, rendered samples (ground truth per frame): per stretch and per standard angle, the mean
absolute error and the worst error of the pipeline's angle, split into the side nearer the
camera and the far side, and the detection rate (frames with a pose).
Part 2, real photos (../shared/data/real/fedb_*_1.jpg, read in place, never copied): each photo
held for HOLD_S seconds with camera shake, noise and brightness drift (posecheck.synth.photo_hold).
There is no ground-truth angle for a photo, so it reports detection, the stability of the angles
over the still hold (std-dev and drift) and whether the coach found the hold with the right span.
Regenerate it whenever the pipeline (model, smoothing, metrics, coach) changes.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from multiprocessing import get_context
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.run.check import STANDARD_ANGLES, RunOptions, find_samples, read_frames, run_samples  # noqa: E402

REAL = REPO.parent / "shared" / "data" / "real"
HOLD_S = 12.0
REST_S = 3.0
FPS = 10.0
EDGE_S = 1.0  # left out at each end of a photo hold: the coach's smoothing spans the cut


# -- rendered samples ------------------------------------------------------------------------

def sample_rows(outcomes, samples) -> tuple[dict, dict, list]:
    """errors[stretch][side][angle] -> list of |error| deg; detection[stretch] -> [pose, frames]."""
    errors: dict = defaultdict(lambda: {"near": defaultdict(list), "far": defaultdict(list)})
    detection: dict = defaultdict(lambda: [0, 0])
    clips = []
    for sample, outcome in zip(samples, outcomes):
        key = sample.expect.get("stretch") or "(no stretch)"
        s = outcome.summary
        detection[key][0] += s.get("frames_with_pose", 0)
        detection[key][1] += s.get("frames", 0)
        for side, per_angle in outcome.errors.items():
            for name, errs in per_angle.items():
                errors[key][side][name] += errs
        clips.append((sample, outcome))
    return errors, detection, clips


def _stats(errs) -> tuple[str, str, str]:
    if not errs:
        return "–", "–", "0"
    a = np.asarray(errs)
    return f"{a.mean():.1f}", f"{a.max():.1f}", str(a.size)


def _pooled(per_angle: dict, joints=("hip", "knee")) -> list[float]:
    return [e for n, errs in per_angle.items() if n.split("_")[0] in joints for e in errs]


def overview_table(errors, detection) -> list[str]:
    lines = ["| stretch | detection | near hip/knee MAE° | near worst° | far hip/knee MAE° | far worst° "
             "| near shoulder/elbow MAE° | far shoulder/elbow MAE° |",
             "|---|---|---|---|---|---|---|---|"]
    for key in sorted(detection):
        pose, frames = detection[key]
        near, far = errors[key]["near"], errors[key]["far"]
        nm, nw, _ = _stats(_pooled(near))
        fm, fw, _ = _stats(_pooled(far))
        nse, _, _ = _stats(_pooled(near, ("shoulder", "elbow")))
        fse, _, _ = _stats(_pooled(far, ("shoulder", "elbow")))
        rate = f"{100 * pose / frames:.1f}% ({pose}/{frames})" if frames else "–"
        lines.append(f"| {key} | {rate} | {nm} | {nw} | {fm} | {fw} | {nse} | {fse} |")
    return lines


def detail_table(errors) -> list[str]:
    lines = ["| stretch | angle | near MAE° | near worst° | near frames | far MAE° | far worst° | far frames |",
             "|---|---|---|---|---|---|---|---|"]
    for key in sorted(errors):
        for name in STANDARD_ANGLES:
            n = _stats(errors[key]["near"].get(name, []))
            f = _stats(errors[key]["far"].get(name, []))
            if n[2] == "0" and f[2] == "0":
                continue
            lines.append(f"| {key} | {name} | {' | '.join(n)} | {' | '.join(f)} |")
    return lines


def pooled_table(errors) -> list[str]:
    lines = ["| angle | near MAE° | near worst° | near frames | far MAE° | far worst° | far frames |",
             "|---|---|---|---|---|---|---|"]
    for name in STANDARD_ANGLES:
        n = _stats([e for k in errors for e in errors[k]["near"].get(name, [])])
        f = _stats([e for k in errors for e in errors[k]["far"].get(name, [])])
        lines.append(f"| {name} | {' | '.join(n)} | {' | '.join(f)} |")
    return lines


def clips_table(clips) -> list[str]:
    lines = ["| clip | stretch | holds found/expected | near hip/knee MAE° (worst joint) | "
             "far hip/knee MAE° (worst joint) | check |", "|---|---|---|---|---|---|"]
    for sample, outcome in clips:
        v = outcome.verdict
        cells = []
        for side in ("near", "far"):
            hk = {n: m for n, m in v.mae.get(side, {}).items() if n.split("_")[0] in ("hip", "knee")}
            cells.append(f"{max(hk.values()):.1f} ({max(hk, key=hk.get)})" if hk else "–")
        result = "pass" if v.ok else "FAIL: " + "; ".join(v.reasons).replace("|", "/")
        lines.append(f"| {sample.name} | {sample.expect.get('stretch') or '-'} | {v.holds} | "
                     f"{cells[0]} | {cells[1]} | {result} |")
    return lines


# -- real photos -------------------------------------------------------------------------------

def edges_table(clips) -> list[str]:
    """Each expected hold of a rendered clip: found start/end minus its settled interval."""
    lines = ["| clip | settled s | found s | start error s | end error s |", "|---|---|---|---|---|"]
    starts, ends = [], []
    for sample, outcome in clips:
        found = outcome.summary.get("holds") or []
        for exp in sample.expect.get("holds") or []:
            best = max(found, key=lambda h: min(h["end_s"], exp["end_s"]) - max(h["start_s"], exp["start_s"]),
                       default=None)
            if best is None or min(best["end_s"], exp["end_s"]) <= max(best["start_s"], exp["start_s"]):
                lines.append(f"| {sample.name} | {exp['start_s']:.1f}-{exp['end_s']:.1f} | none | – | – |")
                continue
            ds, de = best["start_s"] - exp["start_s"], best["end_s"] - exp["end_s"]
            starts.append(ds)
            ends.append(de)
            lines.append(f"| {sample.name} | {exp['start_s']:.1f}-{exp['end_s']:.1f} | "
                         f"{best['start_s']:.1f}-{best['end_s']:.1f} | {ds:+.1f} | {de:+.1f} |")
    if starts:
        a, b = np.abs(starts), np.abs(ends)
        lines.append(f"| **all {len(starts)} holds** | | | mean {np.mean(starts):+.2f}, |max| {a.max():.1f} "
                     f"| mean {np.mean(ends):+.2f}, |max| {b.max():.1f} |")
    return lines


def photo_plan(real: Path) -> list[tuple[Path, Path | None, str]]:
    """(hold photo, rest photo or None, stretch id) for each labelled fedb_*_1.jpg.

    The rest photo is the exercise's _0 photo when labelled as not in position."""
    labels = {}
    with open(real / "photo_labels.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            labels[row["file"]] = row
    plan = []
    for hold in sorted(real.glob("fedb_*_1.jpg")):
        start = hold.name[:-len("_1.jpg")] + "_0.jpg"
        own, first = labels.get(hold.name), labels.get(start)
        label = own or first
        if label is None or label["in_position"] != "yes":
            continue  # not one of the catalogue's positions
        rest = real / start if first and first["in_position"] == "no" and first["stretch"] == label["stretch"] else None
        plan.append((hold, rest, label["stretch"]))
    return plan


def run_photo_hold(args) -> dict:
    """Build the shaken hold clip, analyse it, and measure detection, stability and the hold."""
    from posecheck.run.analyze import analyze
    from posecheck.synth.photo_hold import photo_hold_clip

    hold, rest, stretch, model = args
    with tempfile.TemporaryDirectory(prefix="posecheck-photo-") as tmp:
        clip = photo_hold_clip(hold, HOLD_S, fps=FPS, seed=1, rest_photo=rest, rest_s=REST_S,
                               out=Path(tmp) / f"{hold.stem}.mp4")
        summary = analyze(clip.path, stretch, out_dir=tmp, model=model, annotate=False, plot=False)
        rows = read_frames(Path(tmp) / f"{hold.stem}.frames.csv")
    t = np.array([float(r["t_s"]) for r in rows])
    inside = (t >= clip.hold_start_s + EDGE_S) & (t < clip.hold_end_s - EDGE_S)
    stability = {}
    for name in STANDARD_ANGLES:
        v = np.array([float(r[name]) if r[name] else math.nan for r in rows])[inside]
        v = v[np.isfinite(v)]
        if v.size >= 0.5 * inside.sum():  # seen most of the hold
            k = max(1, int(2 * FPS))
            stability[name] = (float(v.std()), float(abs(v[-k:].mean() - v[:k].mean())), float(np.median(v)))
    in_hold = (t >= clip.hold_start_s) & (t < clip.hold_end_s)
    pose_in_hold = sum(1 for r, i in zip(rows, in_hold) if i and r["pose"] == "1")
    return {"photo": hold.name, "rest": rest.name if rest else None, "stretch": stretch,
            "truth": (clip.hold_start_s, clip.hold_end_s), "frames": summary["frames"],
            "pose": summary["frames_with_pose"], "hold_frames": int(in_hold.sum()), "pose_in_hold": pose_in_hold,
            "holds": [(h["side"], h["start_s"], h["end_s"]) for h in summary["holds"]],
            "reps": summary.get("reps"), "stability": stability}


def photo_table(results, tol: float = 0.5) -> list[str]:
    lines = ["| photo (hold / rest) | stretch | detection in hold | holds found (side start-end s) | truth s "
             "| span error s | hold ok | hip/knee std° (max) | hip/knee drift° (max) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        a, b = r["truth"]
        holds = ", ".join(f"{s or '-'} {x:.1f}-{y:.1f}" for s, x, y in r["holds"]) or "none"
        main = max(r["holds"], key=lambda h: min(h[2], b) - max(h[1], a), default=None)
        err = f"{(main[2] - main[1]) - (b - a):+.1f}" if main else "–"
        ok = main is not None and len(r["holds"]) == 1 and abs(main[1] - a) <= tol and abs(main[2] - b) <= tol
        if r.get("reps") is not None and not r["holds"]:  # a dynamic stretch held still: no hold, no rep
            holds, ok = f"none (reps: {r['reps']})", r["reps"] == 0
        hk = {n: s for n, s in r["stability"].items() if n.split("_")[0] in ("hip", "knee")}
        std = f"{max(s[0] for s in hk.values()):.1f}" if hk else "–"
        drift = f"{max(s[1] for s in hk.values()):.1f}" if hk else "–"
        name = r["photo"] + (f" / {r['rest']}" if r["rest"] else "")
        det = f"{100 * r['pose_in_hold'] / r['hold_frames']:.0f}%" if r["hold_frames"] else "–"
        lines.append(f"| {name} | {r['stretch']} | {det} | {holds} | {a:.1f}-{b:.1f} | {err} | "
                     f"{'yes' if ok else 'no'} | {std} | {drift} |")
    return lines


# -- the document ---------------------------------------------------------------------------

def write_report(out: Path, sample_part: list[str], photo_part: list[str], model: str) -> None:
    head = [
        "# Accuracy of posecheck's angles on floor stretches",
        "",
        f"Generated by `python scripts/accuracy_report.py` on {date.today().isoformat()} with the "
        f"`{model}` pose model. Regenerate it whenever the pipeline changes (model, smoothing, metrics, coach).",
        "",
        "Angles are the standard 2D interior angles of `stretches.md` (degrees), after the pipeline's "
        "offline smoothing, compared frame by frame with the ground truth the renderer computes from the "
        "same camera. **Near** is the body side nearer the camera in that frame, **far** the hidden side; "
        "a frame counts only where both the truth and the pipeline know the angle (the pipeline leaves "
        "an angle empty when its landmarks are not visible enough). MAE = mean absolute error, worst = "
        "largest single-frame error. Detection = frames with a pose / frames.",
        "",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    kept = _own_sections(out, {sample_part[0], photo_part[0]})
    out.write_text("\n".join(head + sample_part + [""] + photo_part + kept) + "\n")


def replace_section(out: Path, part: list[str]) -> None:
    """Rewrite the existing "## " section titled part[0] in place, the rest of the file as is."""
    lines = out.read_text().splitlines()
    start = lines.index(part[0])
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    out.write_text("\n".join(lines[:start] + part + [""] + lines[end:]) + "\n")


def _own_sections(out: Path, generated: set[str]) -> list[str]:
    """The "## " sections of the existing file that this script does not write (kept as is)."""
    if not out.exists():
        return []
    kept, keep = [], False
    for line in out.read_text().splitlines():
        if line.startswith("## "):
            keep = line not in generated
            if keep:
                kept.append("")
        if keep:
            kept.append(line)
    return kept


def photo_section(args, model: str) -> list[str]:
    """Part 2: the real photos held still (run now), as the section's lines."""
    photo_part = ["## Real photos held still", ""]
    if not args.real.is_dir():
        photo_part.append(f"Skipped: {args.real} is absent.")
    else:
        plan = photo_plan(args.real)
        print(f"{len(plan)} photo holds ...", file=sys.stderr)
        work = [(h, r, s, args.model) for h, r, s in plan]
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(run_photo_hold, work))
        photo_part += [
            f"Each photo of a person in position (`fedb_*_1.jpg` of the public-domain exercise database in "
            f"`../shared/data/real/`, read in place) held for {HOLD_S:g} s at {FPS:g} fps with hand-held "
            f"shake (±3 px, ±0.6°, ±0.8% zoom), sensor noise and ±8% brightness drift; preceded and followed "
            f"by {REST_S:g} s of the exercise's start photo when that one is out of position. There is no "
            "ground-truth angle for a photo: **std** is the standard deviation of each hip/knee angle over "
            f"the hold (without its first and last {EDGE_S:g} s), **drift** the difference between the means "
            "of its first and last 2 s — both should be near 0 for a still body. **hold ok**: exactly one "
            "hold found, start and end within ±0.5 s of the truth (the photo switch). "
            f"Measured on {date.today().isoformat()} with the `{model}` model.", ""] + photo_table(results)
    return photo_part


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=Path, default=REPO / "samples")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "ACCURACY.md")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--model", default=None, help="lite, full, heavy or a .task path")
    ap.add_argument("--real", type=Path, default=REAL, help="folder of the real photos (skipped when absent)")
    ap.add_argument("--photos-only", action="store_true", help="re-measure the real photos alone (in place)")
    args = ap.parse_args(argv)

    from posecheck.pose.modelstore import resolve_model

    model = resolve_model(args.model)
    if args.photos_only:
        replace_section(args.out, photo_section(args, model.name))
        print(f"wrote {args.out}", file=sys.stderr)
        return 0
    samples = [s for s in find_samples(args.samples) if s.rendered]
    print(f"{len(samples)} rendered samples ...", file=sys.stderr)
    outcomes = run_samples(samples, RunOptions(model=args.model), args.jobs)
    errors, detection, clips = sample_rows(outcomes, samples)
    sample_part = ["## Rendered samples", "",
                   f"{len(samples)} clips rendered by `posecheck samples render` (mannequin, randomised look "
                   "and camera), each analysed with its stretch given.", "",
                   "### Per stretch", ""] + overview_table(errors, detection) + [
                   "", "### Per stretch and angle", ""] + detail_table(errors) + [
                   "", "### All stretches, per angle", ""] + pooled_table(errors) + [
                   "", "### Per clip (the `posecheck check` verdict: hold edges ±0.5 s of the settled interval, "
                   "cues ±1 s, 10° near hip/knee MAE)", ""
                   ] + clips_table(clips) + [
                   "", "### Hold edges vs the settled interval", "",
                   "The settled interval is the hold key's stay: from the end of the move into the pose to "
                   "the start of the move out (moves are eased over 1-1.5 s). Error = found - settled.", ""
                   ] + edges_table(clips)
    photo_part = photo_section(args, model.name)
    write_report(args.out, sample_part, photo_part, model.name)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
