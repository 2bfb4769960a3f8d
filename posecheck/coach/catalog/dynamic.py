"""The catalogue's movement keys: `[reps]` (a dynamic stretch's cycle, relative to the
person) and `style` / `[rep_style]` (a hold stretch done as reps with a short top hold).

Called by the loader with its `_File` (typed access, one-line errors)."""

from __future__ import annotations

import math
from typing import Any

from posecheck.coach.catalog.schema import STYLES, Dose, RepSignal, RepsRule

REPS_KEYS = {"metric", "excursion", "also", "safe", "min_cycle_s", "max_cycle_s", "cue_low", "cue_high",
             "stenosis"}
REPS_STENOSIS_KEYS = {"excursion", "safe"}
SIGNAL_KEYS = {"metric", "excursion"}


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _excursion(f, t: dict, where: str, default: Any = ...) -> float:
    value = f.get(t, "excursion", lambda v: _num(v) and v != 0, "a non-zero number (metric units)", where,
                  default, example="0.15")
    return float(value)


def parse_reps(f, t: Any, profile: bool, cue_ids: set[str]) -> RepsRule:
    if not isinstance(t, dict):
        raise f.fail("reps", "must be a table", "write it as a [reps] section")
    f.keys(t, REPS_KEYS, "reps.")
    metric = f.get(t, "metric", lambda v: isinstance(v, str) and v != "", "a metric name", "reps.",
                   example='"nose_height"')
    excursion = abs(_excursion(f, t, "reps."))
    safe = f.band(t, "safe", "reps.", default=None)
    if profile and isinstance(t.get("stenosis"), dict):
        sten = t["stenosis"]
        f.keys(sten, REPS_STENOSIS_KEYS, "reps.stenosis.")
        excursion = abs(_excursion(f, sten, "reps.stenosis.", excursion))
        safe = f.band(sten, "safe", "reps.stenosis.", default=None) or safe
    also = []
    raw = t.get("also", [])
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise f.fail("reps.also", "must be an array of tables", "write each under [[reps.also]]")
    for i, sig in enumerate(raw, 1):
        where = f"reps.also[{i}]."
        f.keys(sig, SIGNAL_KEYS, where)
        name = f.get(sig, "metric", lambda v: isinstance(v, str) and v != "", "a metric name", where,
                     example='"trunk_lean"')
        also.append(RepSignal(name, _excursion(f, sig, where)))
    times = {k: float(f.get(t, k, lambda v: _num(v) and v > 0, "seconds > 0", "reps.", d))
             for k, d in (("min_cycle_s", 1.0), ("max_cycle_s", 30.0))}
    if times["min_cycle_s"] >= times["max_cycle_s"]:
        raise f.fail("reps.min_cycle_s", "must be below max_cycle_s", "make min_cycle_s < max_cycle_s")
    cues = {}
    for key in ("cue_low", "cue_high"):
        cue = f.get(t, key, lambda v: isinstance(v, str), "a cue id", "reps.", None)
        if cue is not None and cue not in cue_ids:
            raise f.fail(f"reps.{key}", f"cue '{cue}' is not defined", "add a [[cue]] with that id")
        cues[key] = cue
    return RepsRule(metric, excursion, tuple(also), safe, **times, **cues)


def parse_styles(f, data: dict, dose: Dose, parse_dose) -> tuple[str, tuple[tuple[str, Dose], ...]]:
    """(the file's style, style -> dose): "hold" is [dose]; "reps" is [rep_style] over it."""
    styles = [("hold", dose)]
    if "rep_style" in data:
        if data.get("kind") != "hold":
            raise f.fail("rep_style", "only for kind = \"hold\"", "remove it (a reps stretch counts cycles)")
        raw = data["rep_style"]
        if not isinstance(raw, dict):
            raise f.fail("rep_style", "must be a table", "write it as a [rep_style] section")
        styles.append(("reps", parse_dose(f, {"rest_s": 0.0, **raw}, "rep_style")))
    style = f.get(data, "style", lambda v: v in STYLES, f"one of {', '.join(STYLES)}", default="hold",
                  example='"reps"')
    if style not in dict(styles):
        raise f.fail("style", f"'{style}' needs a [rep_style] section", "add [rep_style] with reps and hold_s")
    return style, tuple(styles)
