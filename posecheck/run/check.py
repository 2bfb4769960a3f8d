"""`posecheck check`: run the real pipeline over sample clips and compare with their expectations.

A sample is a clip plus an expectation: `<name>.truth.json` (rendered; its "expect" plus
per-frame ground-truth angles) or `<name>.expect.json` (a user's own recording; the same
"expect" structure, no per-frame truth). The comparison functions are pure: they take the
expectation, the summary and (optionally) the frame rows and return a `Verdict`.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from posecheck.errors import UsageError

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
STANDARD_ANGLES = ("hip_left", "hip_right", "knee_left", "knee_right",
                   "shoulder_left", "shoulder_right", "elbow_left", "elbow_right")
JUDGED_MAE = ("hip", "knee")  # near-side joints whose MAE can fail a sample
TOLERANCE_S = 1.0
SETTLED_TOLERANCE_S = 0.5  # a rendered hold's start/end vs its settled interval (the key's stay)
MAE_TOLERANCE_DEG = 10.0
# Cues the coach says in the normal course of a stretch: never a false alarm.
ROUTINE_CUES = frozenset({"hold-steady", "release", "switch-side", "no-pose", "low-confidence"})


@dataclass(frozen=True)
class Sample:
    name: str
    video: Path
    expect: dict
    expect_path: Path
    rendered: bool  # True: truth.json (per-frame truth, never --update'd)


@dataclass
class Verdict:
    name: str
    stretch: str | None
    ok: bool = True
    reasons: list[str] = field(default_factory=list)
    holds: str = ""
    reps: str = ""
    cues: str = ""
    mae: dict = field(default_factory=dict)     # {"near": {angle: deg}, "far": {...}}
    detection: float | None = None              # frames with a pose / frames

    def fail(self, reason: str) -> None:
        self.ok = False
        self.reasons.append(reason)

    def to_dict(self) -> dict:
        return asdict(self)


# -- finding samples -------------------------------------------------------------------------

def _clip_for(folder: Path, name: str) -> Path | None:
    return next((folder / f"{name}{s}" for s in VIDEO_SUFFIXES if (folder / f"{name}{s}").exists()), None)


def find_samples(folder: str | Path, only: tuple[str, ...] = ()) -> list[Sample]:
    """Every clip in `folder` that has an expectation, sorted by name; `only` narrows by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; pass the samples folder (default: samples)")
    found: dict[str, Sample] = {}
    for kind, pattern in ((True, "*.truth.json"), (False, "*.expect.json")):
        for path in sorted(folder.glob(pattern)):
            name = path.name[: -len(pattern) + 1]
            video = _clip_for(folder, name)
            if video is None or name in found:
                continue
            found[name] = Sample(name, video, _read_expect(path), path, kind)
    if only:
        missing = [n for n in only if n not in found]
        if missing:
            raise UsageError(f"no sample named {', '.join(missing)} in {folder}; "
                             f"choose from: {', '.join(sorted(found)) or 'none'}")
        found = {n: found[n] for n in only}
    return [found[n] for n in sorted(found)]


def _read_expect(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as err:
        raise UsageError(f"{path}: not valid JSON ({err}); fix it or run `posecheck check --update`")
    if not isinstance(data, dict) or not isinstance(data.get("expect"), dict):
        raise UsageError(f"{path}: no \"expect\" object; see samples/README.md for the format")
    return data["expect"]


def truth_frames(sample: Sample) -> list[dict]:
    """The per-frame ground truth of a rendered sample ([] for a user's clip)."""
    if not sample.rendered:
        return []
    return json.loads(sample.expect_path.read_text()).get("frames", [])


def stretch_arg(expect: dict) -> str:
    """The --stretch the pipeline runs with: the expected one, 'auto' when none is stated."""
    if expect.get("no_stretch") or not expect.get("stretch"):
        return "auto"
    return str(expect["stretch"])


# -- comparison (pure) -------------------------------------------------------------------------

def _overlap(a: dict, b: dict) -> float:
    return min(a["end_s"], b["end_s"]) - max(a["start_s"], b["start_s"])


def match_holds(expected: list[dict], found: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair each expected hold with the found one it overlaps most (each used once).

    Returns (pairs, expected holds left unmatched, found holds left unmatched)."""
    free = list(found)
    pairs, missing = [], []
    for exp in sorted(expected, key=lambda h: h["start_s"]):
        best = max(free, key=lambda h: _overlap(exp, h), default=None)
        if best is None or _overlap(exp, best) <= 0:
            missing.append(exp)
            continue
        free.remove(best)
        pairs.append((exp, best))
    return pairs, missing, free


def _span(h: dict) -> str:
    side = h.get("side") or "-"
    return f"{side} {h['start_s']:.1f}-{h['end_s']:.1f}"


def compare_holds(v: Verdict, expect: dict, holds: list[dict], tol: float, stretch=None) -> None:
    expected = [] if expect.get("no_stretch") else list(expect.get("holds") or [])
    if not expected and not expect.get("no_stretch") and getattr(stretch, "kind", "") == "reps":
        # a dynamic stretch's "hold" is the span of its set: judged by its reps, not its timing
        v.holds = ", ".join(_span(h) for h in holds) + " (set)" if holds else ""
        return
    pairs, missing, extra = match_holds(expected, holds)
    v.holds = f"{len(holds)}/{len(expected)}" + (": " + ", ".join(_span(h) for h in holds) if holds else "")
    for exp in missing:
        v.fail(f"hold {_span(exp)} s not found")
    for h in extra:
        v.fail(f"unexpected hold {_span(h)} s")
    if expect.get("no_failed_holds"):
        for h in holds:
            if not h.get("completed"):
                v.fail(f"hold {_span(h)} s reported not completed ({h['duration_s']:.1f} of {h['target_s']:g} s)")
    for exp, got in pairs:
        if exp.get("side") != got.get("side"):
            v.fail(f"hold {_span(exp)}: side {got.get('side')}")
        for key in ("start_s", "end_s"):
            if abs(got[key] - exp[key]) > tol:
                v.fail(f"hold {_span(exp)}: {key[:-2]} {got[key]:.1f} s (±{tol:g})")


def compare_no_empty_holds(v: Verdict, holds: list[dict]) -> None:
    """A hold of no length is never a finding (a reps stretch has none at all)."""
    for h in holds:
        if not h.get("duration_s") or h["end_s"] <= h["start_s"]:
            v.fail(f"zero-length hold {_span(h)} s")


def compare_reps(v: Verdict, expect: dict, reps: int | None) -> None:
    want = expect.get("reps")
    v.reps = "" if want is None and reps is None else f"{reps if reps is not None else '-'}/{want if want is not None else '-'}"
    if want is not None and (reps or 0) != want:
        v.fail(f"reps {reps or 0}, expected {want}")


def _in_window(t: float, window: dict, tol: float) -> bool:
    return window["start_s"] - tol <= t <= window["end_s"] + tol


def alarm_cues(stretch) -> set[str]:
    """Cue ids that are a fault or safety cue in the catalogue entry (never routine coaching)."""
    if stretch is None:
        return {"ease-off", "pain-stop"}
    ids = {c.id for c in stretch.cues if c.safety or c.metric}
    return ids | {"ease-off", "pain-stop"}


def correction_cues(stretch) -> set[str]:
    """Cue ids the coach says when a judged metric is out of its band."""
    if stretch is None:
        return set()
    ids = {j.cue_low for j in stretch.judges} | {j.cue_high for j in stretch.judges}
    return {i for i in ids if i}


def compare_cues(v: Verdict, expect: dict, cues: list[dict], stretch, tol: float) -> None:
    """Expected cues raised in their window; no alarm cue outside an expected window; no
    correction cue well inside an expected hold (the figure is in position there)."""
    wanted = list(expect.get("cues") or [])
    forbidden = set(expect.get("forbidden_cues") or []) | alarm_cues(stretch)
    hits = sum(1 for w in wanted if any(c["id"] == w["id"] and _in_window(c["t_s"], w, tol) for c in cues))
    v.cues = f"{hits}/{len(wanted)}" if wanted else ""
    for w in wanted:
        if not any(c["id"] == w["id"] and _in_window(c["t_s"], w, tol) for c in cues):
            v.fail(f"cue {w['id']} not raised in {w['start_s']:.1f}-{w['end_s']:.1f} s")
    holds = [] if expect.get("no_stretch") else list(expect.get("holds") or [])
    corrections = correction_cues(stretch)
    unexpected: dict[str, float] = {}
    for c in cues:
        if c["id"] in ROUTINE_CUES or any(c["id"] == w["id"] and _in_window(c["t_s"], w, tol) for w in wanted):
            continue
        in_hold = any(h["start_s"] + tol <= c["t_s"] <= h["end_s"] - tol for h in holds)
        if c["id"] in forbidden or (c["id"] in corrections and in_hold):
            unexpected.setdefault(c["id"], c["t_s"])
    for cid, t in unexpected.items():
        v.fail(f"unexpected cue {cid} at {t:.1f} s")
    if unexpected:
        v.cues = (v.cues + " " if v.cues else "") + "+" + ",".join(unexpected)


def angle_errors(truth: list[dict], rows: list[dict]) -> dict[str, dict[str, np.ndarray]]:
    """Absolute errors (deg) per standard angle, split by the truth's near/far side.

    Frames are paired by time (nearest within 1 ms); only frames where both the truth and
    the pipeline know the angle count. Returns {"near": {angle: errors}, "far": {...}}."""
    by_t = {round(float(r["t_s"]), 3): r for r in rows}
    out: dict[str, dict[str, list[float]]] = {"near": {}, "far": {}}
    for f in truth:
        row = by_t.get(round(float(f["t_s"]), 3))
        if row is None:
            continue
        for name in STANDARD_ANGLES:
            want, got = f["angles"].get(name), _num(row.get(name))
            if want is None or not math.isfinite(got):
                continue
            side = "near" if name.endswith(f.get("near_side") or "?") else "far"
            err = abs(got - want)
            out[side].setdefault(name, []).append(min(err, 360 - err))
    return {s: {n: np.asarray(e) for n, e in d.items()} for s, d in out.items()}


def mae(errors: dict[str, dict[str, np.ndarray]]) -> dict[str, dict[str, float]]:
    return {s: {n: float(e.mean()) for n, e in d.items() if e.size} for s, d in errors.items()}


def compare_angles(v: Verdict, expect: dict, errors: dict, limit: float = MAE_TOLERANCE_DEG) -> None:
    v.mae = mae(errors)
    limit = float(expect.get("angle_mae_deg", limit))
    for name, value in sorted(v.mae.get("near", {}).items()):
        if name.split("_")[0] in JUDGED_MAE and value > limit:
            v.fail(f"near {name} MAE {value:.1f}° > {limit:g}°")


def compare(name: str, expect: dict, summary: dict, *, stretch=None, rows: list[dict] | None = None,
            truth: list[dict] | None = None, tol: float = TOLERANCE_S,
            mae_limit: float = MAE_TOLERANCE_DEG, hold_tol: float | None = None) -> Verdict:
    """The verdict on one sample: every check run, every failure listed. `hold_tol`: the
    hold edges' tolerance when it differs from `tol` (rendered samples: settled interval)."""
    v = Verdict(name, summary.get("stretch"))
    frames = summary.get("frames") or 0
    v.detection = summary.get("frames_with_pose", 0) / frames if frames else None
    compare_holds(v, expect, summary.get("holds") or [], tol if hold_tol is None else hold_tol, stretch)
    compare_no_empty_holds(v, summary.get("holds") or [])
    compare_reps(v, expect, summary.get("reps"))
    compare_cues(v, expect, summary.get("cues") or [], stretch, tol)
    if truth and rows is not None:
        compare_angles(v, expect, angle_errors(truth, rows), mae_limit)
    if summary.get("error"):
        v.fail(summary["error"])
    return v


def _num(value) -> float:
    try:
        return float(value) if value not in (None, "") else math.nan
    except ValueError:
        return math.nan


def read_frames(path: str | Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


# -- running -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunOptions:
    tolerance_s: float = TOLERANCE_S
    mae_deg: float = MAE_TOLERANCE_DEG
    out_dir: str | None = None
    model: str | None = None
    catalog_dirs: tuple[str, ...] = ()
    stride: int | None = 1   # --stride of analyze (None: auto)


@dataclass
class Outcome:
    """A sample's verdict plus what it was judged on (for --update and the accuracy report)."""

    verdict: Verdict
    summary: dict
    errors: dict = field(default_factory=dict)  # angle_errors(), lists of degrees


def run_sample(sample: Sample, opts: RunOptions) -> Outcome:
    """Analyse the clip with the real pipeline (no video, no plot) and judge it."""
    from posecheck.run.analyze import analyze
    from posecheck.coach.catalog import load_catalog
    from posecheck.errors import UserError

    stretch = stretch_arg(sample.expect)
    with tempfile.TemporaryDirectory(prefix="posecheck-check-") as tmp:
        out = Path(opts.out_dir) / sample.name if opts.out_dir else Path(tmp)
        try:
            summary = dict(analyze(sample.video, stretch, out_dir=out, model=opts.model, history=False,
                                   catalog_dirs=opts.catalog_dirs, annotate=False, plot=False,
                                   style=sample.expect.get("style"), stride=opts.stride))
        except UserError as err:
            v = Verdict(sample.name, stretch)
            v.fail(f"error: {err}")
            return Outcome(v, {})
        rows = read_frames(out / f"{sample.video.stem}.frames.csv")
    catalog = load_catalog(extra_dirs=opts.catalog_dirs)
    entry = catalog.get(summary.get("stretch") or stretch)
    truth = truth_frames(sample)
    hold_tol = hold_tolerance(sample.expect, sample.rendered, opts.tolerance_s)
    verdict = compare(sample.name, sample.expect, summary, stretch=entry, rows=rows, truth=truth,
                      tol=opts.tolerance_s, mae_limit=opts.mae_deg, hold_tol=hold_tol)
    errors = angle_errors(truth, rows) if truth else {}
    return Outcome(verdict, summary, {s: {n: e.tolist() for n, e in d.items()} for s, d in errors.items()})


def hold_tolerance(expect: dict, rendered: bool, tol: float) -> float | None:
    """A rendered clip's hold-edge tolerance: its own `hold_tolerance_s` (partner clips: ±1 s), else ≤0.5 s."""
    return float(expect.get("hold_tolerance_s", min(tol, SETTLED_TOLERANCE_S))) if rendered else None


def _run_one(args) -> Outcome:
    sample, opts = args
    return run_sample(sample, opts)


def run_samples(samples: list[Sample], opts: RunOptions, jobs: int = 1) -> list[Outcome]:
    """Every sample, in order; `jobs` > 1 uses spawned processes (MediaPipe threads must not fork)."""
    if jobs <= 1 or len(samples) <= 1:
        return [run_sample(s, opts) for s in samples]
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_run_one, [(s, opts) for s in samples]))


# -- --update ----------------------------------------------------------------------------------

def expectation_from(summary: dict, old: dict, stretch=None, merge_gap_s: float = 5.0) -> dict:
    """A user clip's new expectation from the current results; keys only a person can state
    (stretch, no_stretch, forbidden_cues, angle_mae_deg, ...) are kept from `old`."""
    new = dict(old)
    holds = summary.get("holds") or []
    new["holds"] = [{"side": h.get("side"), "start_s": h["start_s"], "end_s": h["end_s"],
                     "duration_s": h["duration_s"], "completed": bool(h.get("completed"))} for h in holds]
    new["reps"] = summary.get("reps")
    notable = alarm_cues(stretch) | {c["id"] for c in old.get("cues") or []}
    corrections = correction_cues(stretch)
    windows: list[dict] = []
    for c in sorted(summary.get("cues") or [], key=lambda c: c["t_s"]):
        # a correction while getting into position is routine; one inside a hold is a finding
        mid_hold = any(h["start_s"] + 1 <= c["t_s"] <= h["end_s"] - 1 for h in holds)
        if c["id"] not in notable and not (c["id"] in corrections and mid_hold):
            continue
        last = next((w for w in reversed(windows) if w["id"] == c["id"]), None)
        if last is not None and c["t_s"] - last["end_s"] <= merge_gap_s:
            last["end_s"] = c["t_s"]
            continue
        side = next((h.get("side") for h in holds if h["start_s"] - 1 <= c["t_s"] <= h["end_s"] + 1), None)
        windows.append({"id": c["id"], "side": side, "start_s": c["t_s"], "end_s": c["t_s"]})
    new["cues"] = windows
    return new


def expect_diff(path: Path, old: dict, new: dict) -> str:
    """Unified diff of the expectation file's JSON, old vs new ("" when unchanged)."""
    import difflib

    a = json.dumps({"expect": old}, indent=2).splitlines(keepends=True)
    b = json.dumps({"expect": new}, indent=2).splitlines(keepends=True)
    return "".join(difflib.unified_diff(a, b, f"{path} (before)", f"{path} (after)"))


def write_expect(path: Path, expect: dict) -> None:
    from posecheck.media.summary import write_json

    data = json.loads(path.read_text()) if path.exists() else {}
    data["expect"] = expect
    write_json(path, data)
