"""Recognition evaluation: a confusion matrix of `--stretch auto` over every kind of clip.

    python scripts/recognition_eval.py [--only STRETCH ...] [--cache DIR] [--jobs N] [--no-renders]
                                       [--size WxH] [--floor] [--real DIR] [--markdown]

Clips (posecheck.run.recogeval): the samples; renders of every catalogue stretch from both
sides at the camera yaws of scripts/recognition_set.toml, each with a 5 s form fault inside
the hold (rendered once, small, into the cache folder; from the camera its catalogue entry
advises where the set names one, from the set's floor-height camera with --floor); the
labelled in-position real photos held as clips; real footage of no stretch (squats, push-ups, lunges, walking). Renders and the
pose model are heavy: run it under the project's heavy-job lock. Prints one line per clip,
then the matrix (rows: truth, columns: what was said), per-stretch recall and precision,
and how the confidence relates to being right.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.coach.catalog import load_catalog  # noqa: E402
from posecheck.coach.recognize import UNSURE  # noqa: E402
from posecheck.run import recogeval as ev  # noqa: E402
from posecheck.run.posecache import cached_poses, replay_values  # noqa: E402


def collect(args) -> list[ev.Clip]:
    cache = Path(args.cache)
    clips = [c for c in ev.sample_clips(REPO / "samples") if not args.only or c.stretch in args.only]
    if not args.no_renders:
        data = ev.load_set(REPO / "scripts" / "recognition_set.toml")
        if args.size:
            data["render"]["size"] = [int(x) for x in args.size.lower().split("x")]
        w, h = data["render"]["size"]
        clips += ev.render_clips(data, cache / f"renders-{w}x{h}", ev.render_specs(data, tuple(args.only), args.floor),
                                 args.jobs)
    real = Path(args.real)
    if real.is_dir():
        clips += [c for c in ev.photo_clips(real, cache / "photos") if not args.only or c.stretch in args.only]
        clips += [] if args.only else ev.real_clips(real)
    else:
        print(f"(no real footage at {real}: photos and non-stretch videos left out)")
    return clips


def run(clips, cache: Path) -> list[ev.Verdict]:
    catalog = load_catalog(user_dir=False)
    out = []
    for clip in clips:
        values = replay_values(cached_poses(clip.video, cache / "poses"))
        v = ev.judge(clip, values, catalog)
        out.append(v)
        runner = f"{v.runner_up[0]} {v.runner_up[1]:.2f}" if v.runner_up else "-"
        print(f"{'ok ' if v.right else 'BAD'} {clip.kind:6s} {clip.name:44s} truth={clip.stretch or '-'}"
              f"/{clip.side or '-'} said={v.label}{f'({v.guess})' if v.label == 'unsure' else ''}/{v.side or '-'} conf={v.confidence:.2f} 2nd={runner}"
              f"{' SPLIT' if v.split else ''}{f' longest={v.longest_s:.1f}s' if clip.stretch is None else ''}",
              flush=True)
    return out


def report(verdicts: list[ev.Verdict], markdown: bool) -> None:
    truths = sorted({v.clip.stretch or "(none)" for v in verdicts})
    said = sorted({v.label for v in verdicts} - {"unsure", "none"})
    cols = said + ["unsure", "none"]
    grid: dict[str, Counter] = defaultdict(Counter)
    for v in verdicts:
        grid[v.clip.stretch or "(none)"][v.label] += 1
    short = {c: c[:8] for c in cols}
    bar = "|" if markdown else " "
    print()
    print(f"{bar} truth \\ said {bar} " + f" {bar} ".join(short[c] for c in cols) + f" {bar}")
    if markdown:
        print("|---|" + "---|" * len(cols))
    for t in truths:
        print(f"{bar} {t} {bar} " + f" {bar} ".join(str(grid[t][c] or ".") for c in cols) + f" {bar}")
    print()
    for t in truths:
        if t == "(none)":
            continue
        tp = sum(1 for v in verdicts if v.clip.stretch == t and v.right)
        n = sum(1 for v in verdicts if v.clip.stretch == t)
        said_t = sum(1 for v in verdicts if v.label == t)
        right_t = sum(1 for v in verdicts if v.label == t and v.clip.stretch == t)
        prec = f"{right_t}/{said_t}" if said_t else "-"
        print(f"{bar} {t} {bar} recall {tp}/{n} {bar} precision {prec} {bar}")
    by_kind = defaultdict(list)
    for v in verdicts:
        by_kind[v.clip.kind].append(v.right)
    print()
    for kind, oks in by_kind.items():
        print(f"{kind}: {sum(oks)}/{len(oks)} right")
    splits = sum(v.split for v in verdicts)
    labelled = [v for v in verdicts if v.label not in ("unsure", "none")]
    wrong = [v for v in labelled if not v.right]
    print(f"faults split into another segment: {splits}")
    print(f"labels given: {len(labelled)}, wrong: {len(wrong)}; unsure threshold {UNSURE}")
    for lo, hi in ((0.0, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)):
        band = [v for v in labelled if lo <= v.confidence < hi]
        if band:
            print(f"  confidence {lo:.1f}-{min(hi, 1):.1f}: {sum(v.right for v in band)}/{len(band)} right")
    unsure = [v for v in verdicts if v.label == "unsure"]
    if unsure:
        print(f"unsure: {len(unsure)}; its best guess would have been right in "
              f"{sum(v.guess == v.clip.stretch for v in unsure)}")
    if wrong:
        print("  wrong labels: " + ", ".join(f"{v.clip.name} as {v.label} ({v.confidence:.2f})" for v in wrong))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--only", nargs="*", default=[], help="stretch ids to evaluate (default: all)")
    p.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "posecheck-recognition"))
    p.add_argument("--real", default=str(REPO.parent / "shared" / "data" / "real"))
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--no-renders", action="store_true")
    p.add_argument("--size", help="render size WxH (default: the set's)")
    p.add_argument("--floor", action="store_true", help="every render from the set's camera height, "
                   "none from its catalogue entry's advice")
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    verdicts = run(collect(args), Path(args.cache))
    report(verdicts, args.markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
