"""Read stretch files (TOML) into frozen `Stretch` objects, refusing anything doubtful.

Every problem is one line naming the file, the key and the fix (UsageError, exit 2).
Precedence: built-in files < the user config dir < each `--catalog DIR` in order. A file
whose id is already known (or that says `extends = "id"`) only needs the keys it changes:
the rest, and the missing keys of [dose] and [timing], come from that stretch.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Callable

from posecheck.errors import UsageError
from posecheck.measure.orientation import ORIENTATIONS
from posecheck.coach.catalog.balancerule import parse_balance
from posecheck.coach.catalog.dynamic import parse_reps, parse_styles
from posecheck.coach.catalog.fromstart import parse_from_start
from posecheck.coach.catalog.schema import (DOSE_LIMITS, KINDS, LOADS, MIN_HOLD_S, SIDE_PICKS, SIDES,
                                            TIMING_LIMITS, VIEWS, Band, Cue, Dose, Judge, SideRule,
                                            Stretch, Timing, resolve)

DATA_DIR = Path(__file__).parent / "data"
PROFILES = ("stenosis",)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

TOP_KEYS = {"id", "name", "position", "orientation", "view", "sides", "kind", "setup", "camera", "source",
            "loads", "dose", "side_rule", "judge", "cue", "reps", "timing", "extends", "style", "rep_style",
            "hint", "balance", "partner"}
REQUIRED = ("id", "name", "position", "view", "sides", "kind", "setup", "camera", "source", "dose",
            "judge")
DOSE_KEYS = {"hold_s", "reps", "sets", "rest_s"}
SIDE_RULE_KEYS = {"metric", "pick"}
JUDGE_KEYS = {"metric", "also", "enter", "leave", "safe", "cue_low", "cue_high", "cue_unsafe", "signed", "hidden_ok",
              "stenosis", "form", "from_start"}
BAND_KEYS = {"enter", "leave", "safe"}
CUE_KEYS = {"id", "text", "priority", "safety", "metric", "above", "below"}
TIMING_KEYS = {"dwell_s", "grace_s", "cue_cooldown_s", "lost_s", "min_visibility"}

# Cues the coach may say for any stretch; a file may redefine their text or priority.
BUILTIN_CUES = (
    Cue("ease-off", "Ease off a little: never push past a comfortable range", 100, safety=True),
    Cue("no-pose", "I can't see you: make sure your whole body is in the picture", 90),
    Cue("low-confidence", "I can't see you clearly: turn so the camera sees your side", 90),
    Cue("switch-side", "Well done. Now the other side", 30),
    Cue("release", "Time! Slowly release", 20),
    Cue("hold-steady", "Good: stay there and breathe", 0),
)


class _File:
    """Typed access to one parsed file; every failure is a one-line UsageError."""

    def __init__(self, path: Path):
        self.name = path.name

    def fail(self, key: str, problem: str, fix: str) -> UsageError:
        return UsageError(f"{self.name}: {key}: {problem}; {fix}")

    def keys(self, table: dict, allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(f"{where}{key}", "unknown key",
                                f"remove it (allowed: {', '.join(sorted(allowed))})")

    def get(self, table: dict, key: str, kind: Callable[[Any], bool], what: str, where: str = "",
            default: Any = ..., example: str = "") -> Any:
        if key not in table:
            if default is ...:
                raise self.fail(f"{where}{key}", "missing", f"add {key} = {example or what}")
            return default
        value = table[key]
        if not kind(value):
            raise self.fail(f"{where}{key}", f"must be {what}, got {value!r}",
                            f"write it as {example or what}")
        return value

    def band(self, table: dict, key: str, where: str, default: Any = ...) -> Band | None:
        raw = self.get(table, key, _is_pair, "a [low, high] pair of numbers", where, default,
                       "[low, high]")
        if raw is None:
            return None
        lo, hi = map(float, raw)
        if lo > hi:
            raise self.fail(f"{where}{key}", f"low {lo:g} is above high {hi:g}", "swap the two numbers")
        return Band(lo, hi)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_pair(v) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(_is_num(x) for x in v)


def _is_str(v) -> bool:
    return isinstance(v, str) and v.strip() != ""


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _read_toml(path: Path) -> dict:
    from posecheck.coach.tomlfile import read_toml

    return read_toml(path)


# -- parsing one file ----------------------------------------------------------------
def parse_stretch(data: dict, path: Path, profile: str | None = None) -> Stretch:
    """Build a Stretch from one file's (merged) data; raise UsageError on any problem."""
    f = _File(path)
    f.keys(data, TOP_KEYS, "")
    for key in REQUIRED:
        if key not in data:
            raise f.fail(key, "missing", f"add the '{key}' key (see `posecheck show knee-to-chest`)")
    sid = f.get(data, "id", lambda v: isinstance(v, str) and bool(ID_RE.match(v)),
                "lower-case letters, digits and dashes", example='"my-stretch"')
    view = f.get(data, "view", lambda v: v in VIEWS, f"one of {', '.join(VIEWS)}", example='"side"')
    orientation = f.get(data, "orientation", lambda v: v in ORIENTATIONS, f"one of {', '.join(ORIENTATIONS)}",
                        default=None, example='"face-up"')
    kind = f.get(data, "kind", lambda v: v in KINDS, f"one of {', '.join(KINDS)}", example='"hold"')
    sides = f.get(data, "sides", lambda v: isinstance(v, list) and sorted(v) in ([], sorted(SIDES)),
                  '["left", "right"] or []', example='["left", "right"]')
    loads = f.get(data, "loads", lambda v: isinstance(v, list) and all(x in LOADS for x in v),
                  f"a list of {', '.join(LOADS)}", default=[], example='["flexion"]')
    texts = {k: f.get(data, k, _is_str, "a non-empty string", example='"..."')
             for k in ("name", "position", "setup", "camera", "source")}
    apply_profile = profile is not None and bool(loads)
    cues = _cues(f, data)
    cue_ids = {c.id for c in cues}
    judges = tuple(_judge(f, j, i, cue_ids, bool(sides), apply_profile)
                   for i, j in enumerate(_tables(f, data, "judge"), 1))
    if not judges:
        raise f.fail("judge", "no [[judge]] entries", "add at least one [[judge]] with metric and enter")
    reps = parse_reps(f, data.get("reps"), apply_profile, cue_ids) if "reps" in data else None
    if kind == "reps" and reps is None:
        raise f.fail("reps", "missing for kind = \"reps\"", "add [reps] with metric and excursion")
    side_rule = _side_rule(f, data["side_rule"]) if "side_rule" in data else None
    style, styles = parse_styles(f, data, _dose(f, data["dose"]), _dose)
    dose = dict(styles)[style]
    if kind == "hold" and dose.hold_s < MIN_HOLD_S:
        raise f.fail("dose.hold_s", f"{dose.hold_s:g} s is too short for a hold",
                     f"hold for at least {MIN_HOLD_S:g} s (or use kind = \"reps\")")
    stretch = Stretch(
        id=sid, view=view, kind=kind, sides=tuple(sides), loads=tuple(loads), **texts,
        dose=dose, judges=judges, cues=cues, side_rule=side_rule,
        reps_rule=reps, timing=_timing(f, data.get("timing", {})), path=str(path),
        style=style, styles=styles, orientation=orientation, hints=_hints(f, data, tuple(sides)),
        balance=parse_balance(f, data["balance"], bool(sides)) if "balance" in data else None,
        partner=f.get(data, "partner", lambda v: isinstance(v, bool), "true or false", default=False,
                      example="true"))
    _check_placeholders(f, stretch)
    return stretch


def _tables(f: _File, data: dict, key: str) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise f.fail(key, "must be an array of tables", f"write each entry under [[{key}]]")
    return value


def _dose(f: _File, t: Any, key: str = "dose") -> Dose:
    if not isinstance(t, dict):
        raise f.fail(key, "must be a table", f"write it as a [{key}] section")
    w = f"{key}."
    f.keys(t, DOSE_KEYS, w)
    num = lambda v: _is_num(v) and v >= 0  # noqa: E731
    dose = Dose(hold_s=float(f.get(t, "hold_s", num, "seconds >= 0", w, 30.0)),
                reps=f.get(t, "reps", _is_int, "a whole number >= 0", w, 1),
                sets=f.get(t, "sets", _is_int, "a whole number >= 0", w, 1),
                rest_s=float(f.get(t, "rest_s", num, "seconds >= 0", w, 10.0)))
    _within(f, key, dose, DOSE_LIMITS)
    return dose


def _within(f: _File, where: str, values, limits: dict) -> None:
    """Each value inside the schema's plausible range (a 1e308 s hold is a typo, not a dose)."""
    for key, (lo, hi, unit) in limits.items():
        v = getattr(values, key)
        if not lo <= v <= hi:
            raise f.fail(f"{where}.{key}", f"{v:g} {unit} is outside {lo:g}-{hi:g} {unit}",
                         f"use a value between {lo:g} and {hi:g}")


def _timing(f: _File, t: Any) -> Timing:
    if not isinstance(t, dict):
        raise f.fail("timing", "must be a table", "write it as a [timing] section")
    f.keys(t, TIMING_KEYS, "timing.")
    num = lambda v: _is_num(v) and v >= 0  # noqa: E731
    base = Timing()
    timing = Timing(**{k: float(f.get(t, k, num, "a number >= 0", "timing.", getattr(base, k)))
                       for k in TIMING_KEYS})
    _within(f, "timing", timing, TIMING_LIMITS)
    return timing


def _side_rule(f: _File, t: Any) -> SideRule:
    if not isinstance(t, dict):
        raise f.fail("side_rule", "must be a table", "write it as a [side_rule] section")
    f.keys(t, SIDE_RULE_KEYS, "side_rule.")
    return SideRule(metric=f.get(t, "metric", _is_str, "a metric name", "side_rule.", example='"hip_{side}"'),
                    pick=f.get(t, "pick", lambda v: v in SIDE_PICKS, f"one of {', '.join(SIDE_PICKS)}",
                               "side_rule.", example='"min"'))


def _judge(f: _File, t: dict, i: int, cue_ids: set[str], sided: bool, profile: bool) -> Judge:
    where = f"judge[{i}]."
    f.keys(t, JUDGE_KEYS, where)
    metric = f.get(t, "metric", _is_str, "a metric name", where, example='"hip_{side}"')
    where = f"judge[{i}] ({metric})."
    also = f.get(t, "also", lambda v: isinstance(v, list) and all(_is_str(x) for x in v),
                 "a list of metric names", where, [], '["hip_right"]')
    enter = f.band(t, "enter", where)
    leave = f.band(t, "leave", where, default=None) or enter
    safe = f.band(t, "safe", where, default=None)
    if profile and "stenosis" in t:
        sten = t["stenosis"]
        if not isinstance(sten, dict):
            raise f.fail(f"{where}stenosis", "must be a table", "write stenosis = {enter = [lo, hi]}")
        f.keys(sten, BAND_KEYS, f"{where}stenosis.")
        enter = f.band(sten, "enter", f"{where}stenosis.", default=None) or enter
        leave = f.band(sten, "leave", f"{where}stenosis.", default=None) or leave
        safe = f.band(sten, "safe", f"{where}stenosis.", default=None) or safe
    if not leave.covers(enter):
        raise f.fail(f"{where}leave", f"{leave} must contain enter {enter}",
                     "widen leave (it is the hysteresis band)")
    if safe is not None and not safe.covers(enter):
        raise f.fail(f"{where}safe", f"{safe} must contain enter {enter}", "widen safe or narrow enter")
    cues = {}
    for key in ("cue_low", "cue_high", "cue_unsafe"):
        cue = f.get(t, key, _is_str, "a cue id", where, default=None, example='"knee-straight"')
        if cue is not None and cue not in cue_ids:
            raise f.fail(f"{where}{key}", f"cue '{cue}' is not defined", "add a [[cue]] with that id")
        cues[key] = cue
    signed = f.get(t, "signed", lambda v: v in SIDES, '"left" or "right"', where, default=None)
    if signed and not sided:
        raise f.fail(f"{where}signed", "only means something for a sided stretch", "remove it")
    form = f.get(t, "form", lambda v: isinstance(v, bool), "true or false", where, False)
    start = parse_from_start(f, t["from_start"], where) if "from_start" in t else None
    hidden_ok = f.get(t, "hidden_ok", lambda v: isinstance(v, bool), "true or false", where, False)
    return Judge(metric, enter, leave, safe, cues["cue_low"], cues["cue_high"],
                 cues["cue_unsafe"] or "ease-off", signed, tuple(also), form, start, hidden_ok)


def _hints(f: _File, data: dict, sides: tuple[str, ...]) -> tuple[Judge, ...]:
    """[[hint]] metric + band: evidence for recognition only (the coach never judges it);
    `form = true`: weighed like a form check (it can only lower the score, by at most
    1 - recogscore.FORM_FLOOR)."""
    known, out = _known_metrics(), []
    for i, t in enumerate(_tables(f, data, "hint"), 1):
        where = f"hint[{i}]."
        f.keys(t, {"metric", "also", "band", "form"}, where)
        metric = f.get(t, "metric", _is_str, "a metric name", where, example='"knees_apart"')
        also = f.get(t, "also", lambda v: isinstance(v, list) and all(_is_str(x) for x in v),
                     "a list of metric names", where, [], '["elbow_right"]')
        names = {resolve(m, side) for m in (metric, *also) for side in (sides or (None,))}
        if known is not None and not names <= known or any("{" in n for n in names):
            raise f.fail(f"{where}metric", f"'{metric}' is not a metric", "use a name from posecheck.measure.metrics.METRICS")
        band = f.band(t, "band", where)
        form = f.get(t, "form", lambda v: isinstance(v, bool), "true or false", where, False)
        out.append(Judge(metric, band, band, also=tuple(also), form=form))
    return tuple(out)


def _cues(f: _File, data: dict) -> tuple[Cue, ...]:
    own: dict[str, Cue] = {}
    for i, t in enumerate(_tables(f, data, "cue"), 1):
        where = f"cue[{i}]."
        f.keys(t, CUE_KEYS, where)
        cid = f.get(t, "id", lambda v: isinstance(v, str) and bool(ID_RE.match(v)),
                    "lower-case letters, digits and dashes", where, example='"other-foot-lifted"')
        if cid in own:
            raise f.fail(f"{where}id", f"'{cid}' is defined twice", "give each cue its own id")
        metric = f.get(t, "metric", _is_str, "a metric name", where, default=None)
        above = f.get(t, "above", _is_num, "a number", where, default=None)
        below = f.get(t, "below", _is_num, "a number", where, default=None)
        if metric and above is None and below is None:
            raise f.fail(f"{where}metric", "has no 'above' or 'below' threshold", "add one of them")
        if (above is not None or below is not None) and not metric:
            raise f.fail(f"{where}metric", "missing for a fault threshold", "add metric = \"...\"")
        own[cid] = Cue(cid, f.get(t, "text", _is_str, "a non-empty string", where, example='"..."'),
                       f.get(t, "priority", lambda v: isinstance(v, int) and not isinstance(v, bool),
                             "a whole number", where, 50),
                       f.get(t, "safety", lambda v: isinstance(v, bool), "true or false", where, False),
                       metric, None if above is None else float(above),
                       None if below is None else float(below))
    builtin = tuple(c for c in BUILTIN_CUES if c.id not in own)
    return tuple(own.values()) + builtin


def _check_placeholders(f: _File, s: Stretch) -> None:
    """Sided stretches may use {side}/{other}; unsided ones must not; names must exist."""
    known = _known_metrics()
    for tpl in s.metric_templates():
        if "{" in tpl and not s.sided:
            raise f.fail(f"metric '{tpl}'", "uses a side placeholder in an unsided stretch",
                         "name the side (e.g. hip_left) or set sides = [\"left\", \"right\"]")
        bad = re.sub(r"\{(side|other)\}", "", tpl)
        if "{" in bad or "}" in bad:
            raise f.fail(f"metric '{tpl}'", "has an unknown placeholder", "use {side} or {other}")
        for side in (s.sides or (None,)):
            name = resolve(tpl, side)
            if known is not None and name not in known:
                raise f.fail(f"metric '{tpl}'", f"'{name}' is not a posecheck metric",
                             "see posecheck.measure.metrics.METRICS for the names")


def _known_metrics() -> set[str] | None:
    """Metric names from posecheck.measure.metrics, or None when that registry is unavailable."""
    try:
        from posecheck.measure import metrics
    except Exception:  # the registry is optional for loading; names are then not checked
        return None
    names = getattr(metrics, "METRICS", None)
    return set(names) if names else None


# -- the catalogue -------------------------------------------------------------------
class Catalog(dict):
    """Stretch id -> Stretch, sorted by id; `where[id]` is the file each came from."""


def user_stretch_dir() -> Path:
    """Where users keep their own stretch files: <user config dir>/posecheck/stretches."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("posecheck")) / "stretches"


def load_catalog(extra_dirs=(), profile: str | None = None, *, user_dir: bool = True) -> Catalog:
    """Built-in stretches, then the user's config dir, then each extra dir (later wins)."""
    if profile is not None and profile not in PROFILES:
        raise UsageError(f"unknown profile '{profile}'; use one of: {', '.join(PROFILES)}")
    raw: dict[str, tuple[dict, Path]] = {}
    dirs = [DATA_DIR] + ([user_stretch_dir()] if user_dir else []) + [Path(d) for d in extra_dirs]
    for i, folder in enumerate(dirs):
        if i > 0 and folder == DATA_DIR:
            continue
        if not folder.exists():
            if i > (1 if user_dir else 0):  # only an explicit --catalog DIR must exist
                raise UsageError(f"catalogue folder {folder} does not exist; check --catalog")
            continue
        if not folder.is_dir():
            raise UsageError(f"{folder} is not a folder; pass a folder of .toml files to --catalog")
        _load_dir(folder, raw)
    catalog = Catalog()
    for sid in sorted(raw):
        data, path = raw[sid]
        catalog[sid] = parse_stretch(data, path, profile)
    return catalog


def _load_dir(folder: Path, raw: dict[str, tuple[dict, Path]]) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        data = _read_toml(path)
        sid = data.get("id")
        if not isinstance(sid, str) or not ID_RE.match(sid):
            raise UsageError(f"{path.name}: id: missing or not lower-case letters, digits and dashes; "
                             f"add id = \"{path.stem}\"")
        if sid in seen:
            raise UsageError(f"{path.name}: id: '{sid}' is also defined in {seen[sid].name}; "
                             "give each stretch its own id")
        seen[sid] = path
        base_id = data.get("extends", sid)
        if not isinstance(base_id, str) or ("extends" in data and base_id not in raw):
            raise UsageError(f"{path.name}: extends: unknown stretch {base_id!r}; "
                             "name a stretch from `posecheck list`")
        base = raw.get(base_id, ({}, path))[0]
        raw[sid] = (_merge(base, data), path)


def _merge(base: dict, data: dict) -> dict:
    """The file's keys over the base's; [dose], [timing] and [rep_style] merge key by key."""
    merged = {k: v for k, v in base.items()}
    for key, value in data.items():
        if key == "extends":
            continue
        if key in ("dose", "timing", "rep_style") and isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def get_stretch(stretch_id: str, extra_dirs=(), profile: str | None = None, *,
                catalog: Catalog | None = None) -> Stretch:
    """The stretch with this id, or a one-line UsageError pointing at `posecheck list`."""
    cat = catalog if catalog is not None else load_catalog(extra_dirs, profile)
    if stretch_id not in cat:
        raise UsageError(f"unknown stretch '{stretch_id}'; see `posecheck list`")
    return cat[stretch_id]
