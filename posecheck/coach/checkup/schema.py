"""Check-up test files: what one range-of-motion test measures and when a trial counts.

A test file (data/<id>.toml)::

    id = "hamstrings"
    name = "Hamstrings: active straight-leg raise"
    muscle = "hamstring"            # the words of the findings
    position = "..."                # how to lie / stand
    instructions = "..."            # what to do, said before the trials
    camera = "..."                  # where the camera goes
    view = "side"                   # side: filmed from the side being measured; front: facing
    sided = true                    # false: one value for both sides at once
    stretch = "supine-hamstring"    # the catalogue stretch prescribed when tight
    trials = 3                      # trials per side asked for (2-3); the best valid one counts
    [metric]
    name = "leg_raise_{side}"       # a metric of `posecheck.measure.metrics`
    signed = "right"                # optional: value as is for this side, negated for the other
    start = 25                      # a trial is the value above this (rising from rest) ...
    min_s = 0.8                     # ... for at least this long
    trial_by = "knees_apart"        # optional: trials are this metric rising above trial_start
    trial_start = 1.0               # instead (when the measured value reads wrong at rest)
    higher_is_better = true
    noise = 5                       # the smallest left/right difference that is real (unit of the metric)
    noise_source = "..."            # how `noise` was derived
    [side_rule]                     # which side a trial is (as in the catalogue)
    metric = "leg_raise_{side}"
    pick = "max"
    [reference]                     # the usual range, with its source (optional)
    low = 70
    high = 90
    source = "..."
    [[valid]]                       # the trial is invalid, for this reason, when the rule breaks
    metric = "leg_raise_{other}"
    max = 15
    reason = "the other leg lifted off the floor"
    skeleton = false                # true: the rule checks the skeleton is read right (judged
                                    # before the camera view, whose checks need a right skeleton)
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

from posecheck.coach.catalog.schema import SIDE_PICKS, SideRule
from posecheck.errors import UsageError
from posecheck.measure.metrics import METRICS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA_DIR = Path(__file__).parent / "data"
VIEWS = ("side", "front")
TOP_KEYS = {"id", "name", "muscle", "position", "instructions", "camera", "view", "sided", "stretch",
            "trials", "metric", "side_rule", "reference", "valid"}


@dataclass(frozen=True)
class Metric:
    name: str
    start: float
    unit: str
    signed: str | None = None
    min_s: float = 0.8
    higher_is_better: bool = True
    noise: float = 5.0
    noise_source: str = ""
    trial_by: str | None = None
    trial_start: float = 0.0


@dataclass(frozen=True)
class Reference:
    low: float
    high: float
    source: str

    def words(self, unit: str) -> str:
        u = "°" if unit == "deg" else f" {unit}"
        return f"{self.low:g}–{self.high:g}{u}"


@dataclass(frozen=True)
class Rule:
    metric: str
    reason: str
    min: float = -math.inf
    max: float = math.inf
    skeleton: bool = False     # a check that the skeleton itself is read right: judged first

    def broken(self, value: float) -> bool:
        return not (self.min <= value <= self.max)


@dataclass(frozen=True)
class CheckupTest:
    id: str
    name: str
    muscle: str
    position: str
    instructions: str
    camera: str
    view: str
    sided: bool
    stretch: str
    trials: int
    metric: Metric
    side_rule: SideRule | None
    reference: Reference | None
    rules: tuple[Rule, ...]
    path: str = ""


def _fail(path: Path, key: str, problem: str) -> UsageError:
    return UsageError(f"{path.name}: {key}: {problem}")


def _known_metric(path: Path, key: str, template: str) -> str:
    for side in ("left", "right"):
        name = template.replace("{side}", side).replace("{other}", "right" if side == "left" else "left")
        if name not in METRICS:
            raise _fail(path, key, f"unknown metric {template!r}; see `posecheck catalog metrics`")
    return template


def _text(path: Path, data: dict, key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, key, 'missing; write it as text, e.g. key = "..."')
    return value


def _metric(path: Path, raw) -> Metric:
    if not isinstance(raw, dict):
        raise _fail(path, "metric", "missing [metric] table")
    name = _known_metric(path, "metric.name", _text(path, raw, "name"))
    try:
        return Metric(name=name, start=float(raw["start"]),
                      unit=METRICS[name.replace("{side}", "left").replace("{other}", "right")].unit,
                      signed=raw.get("signed"), min_s=float(raw.get("min_s", 0.8)),
                      higher_is_better=bool(raw.get("higher_is_better", True)),
                      noise=float(raw["noise"]), noise_source=str(raw.get("noise_source", "")),
                      trial_by=_known_metric(path, "metric.trial_by", raw["trial_by"]) if "trial_by" in raw else None,
                      trial_start=float(raw.get("trial_start", 0.0)))
    except (KeyError, TypeError, ValueError) as err:
        raise _fail(path, "metric", f"needs numbers start and noise ({err})") from None


def _rules(path: Path, raw) -> tuple[Rule, ...]:
    rules = []
    for i, r in enumerate(raw or []):
        key = f"valid[{i}]"
        if not isinstance(r, dict) or not ("min" in r or "max" in r):
            raise _fail(path, key, "needs metric, reason and min and/or max")
        rules.append(Rule(_known_metric(path, key + ".metric", _text(path, r, "metric")),
                          _text(path, r, "reason"), float(r.get("min", -math.inf)),
                          float(r.get("max", math.inf)), bool(r.get("skeleton", False))))
    return tuple(rules)


def parse_test(data: dict, path: Path) -> CheckupTest:
    extra = set(data) - TOP_KEYS
    if extra:
        raise _fail(path, ", ".join(sorted(extra)), f"unknown key; allowed: {', '.join(sorted(TOP_KEYS))}")
    view = data.get("view")
    if view not in VIEWS:
        raise _fail(path, "view", f"must be one of {VIEWS}, got {view!r}")
    trials = data.get("trials", 3)
    if not isinstance(trials, int) or not 1 <= trials <= 5:
        raise _fail(path, "trials", f"must be a whole number 1-5, got {trials!r}")
    rule = data.get("side_rule")
    side_rule = None
    if rule is not None:
        if not isinstance(rule, dict) or rule.get("pick") not in SIDE_PICKS:
            raise _fail(path, "side_rule", f"needs metric and pick (one of {SIDE_PICKS})")
        side_rule = SideRule(_known_metric(path, "side_rule.metric", rule.get("metric", "")), rule["pick"])
    ref = data.get("reference")
    reference = None
    if ref is not None:
        try:
            reference = Reference(float(ref["low"]), float(ref["high"]), _text(path, ref, "source"))
        except (KeyError, TypeError, ValueError):
            raise _fail(path, "reference", "needs numbers low, high and a source") from None
    return CheckupTest(
        id=_text(path, data, "id"), name=_text(path, data, "name"), muscle=_text(path, data, "muscle"),
        position=_text(path, data, "position"), instructions=_text(path, data, "instructions"),
        camera=_text(path, data, "camera"), view=view, sided=bool(data.get("sided", True)),
        stretch=_text(path, data, "stretch"), trials=trials, metric=_metric(path, data.get("metric")),
        side_rule=side_rule, reference=reference, rules=_rules(path, data.get("valid")), path=str(path))


def load_tests(extra_dirs=()) -> dict[str, CheckupTest]:
    """Test id -> test, built-ins first (in the order of the check-up), then extra folders."""
    tests: dict[str, CheckupTest] = {}
    for folder in [DATA_DIR, *map(Path, extra_dirs)]:
        for path in sorted(folder.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text("utf-8"))
            except tomllib.TOMLDecodeError as err:
                raise UsageError(f"{path.name}: not valid TOML ({err})") from None
            test = parse_test(data, path)
            tests[test.id] = test
    return tests
