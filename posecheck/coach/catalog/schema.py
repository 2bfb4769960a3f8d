"""The catalogue's types: one frozen dataclass per concept of a stretch file.

Side placeholders in metric names: "{side}" is the side being stretched, "{other}" the
other one; `resolve(template, side)` fills them in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from posecheck.errors import UsageError

SIDES = ("left", "right")
VIEWS = ("side", "front", "any")
KINDS = ("hold", "reps")
LOADS = ("flexion", "extension")
SIDE_PICKS = ("min", "max", "positive-left", "positive-right")
BALANCE_BETTER = ("higher", "lower")
STYLES = ("hold", "reps")


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def resolve(template: str, side: str | None) -> str:
    """A metric name with {side}/{other} filled in (unchanged when unsided)."""
    if side is None:
        return template
    return template.replace("{side}", side).replace("{other}", other_side(side))


@dataclass(frozen=True)
class Band:
    """A closed interval [lo, hi] of a metric's value (degrees or torso lengths)."""

    lo: float
    hi: float

    def contains(self, value: float) -> bool:
        return not math.isnan(value) and self.lo <= value <= self.hi

    def covers(self, other: "Band") -> bool:
        return self.lo <= other.lo and other.hi <= self.hi

    def negated(self) -> "Band":
        return Band(-self.hi, -self.lo)

    def __str__(self) -> str:
        return f"[{self.lo:g}, {self.hi:g}]"


# Plausible ranges (low, high, unit) that stretch and routine files are checked against:
# physiotherapy doses are seconds to minutes and a handful of repetitions.
DOSE_LIMITS = {"hold_s": (0, 600, "s"), "reps": (0, 100, "reps"), "sets": (0, 20, "sets"),
               "rest_s": (0, 600, "s")}
TIMING_LIMITS = {"dwell_s": (0, 10, "s"), "grace_s": (0, 30, "s"), "cue_cooldown_s": (0, 120, "s"),
                 "lost_s": (0, 60, "s"), "min_visibility": (0, 1, "(0-1)")}
MIN_HOLD_S = 1.0          # a hold-kind stretch's hold, seconds
MAX_TRANSITION_S = 120.0  # a routine's countdown between steps, seconds


@dataclass(frozen=True)
class Dose:
    """hold_s per hold; reps = holds per side (hold) or cycles per set (reps); rest_s between."""

    hold_s: float = 30.0
    reps: int = 1
    sets: int = 1
    rest_s: float = 10.0


@dataclass(frozen=True)
class SideRule:
    """How to tell the stretched side: the side whose metric is smaller/larger, or by sign."""

    metric: str
    pick: str

    def choose(self, values: dict[str, float]) -> str | None:
        if self.pick.startswith("positive-"):
            v = values.get(self.metric, math.nan)
            if math.isnan(v) or v == 0:
                return None
            positive = self.pick.removeprefix("positive-")
            return positive if v > 0 else other_side(positive)
        left = values.get(resolve(self.metric, "left"), math.nan)
        right = values.get(resolve(self.metric, "right"), math.nan)
        if math.isnan(left) or math.isnan(right):
            return None
        smaller = "left" if left <= right else "right"
        return smaller if self.pick == "min" else other_side(smaller)


@dataclass(frozen=True)
class FromStart:
    """A judge's lower edge taken from the person's own start: in position also when the
    metric is `enter` (to start) / `leave` (to stay) above the level it settled at, within
    `still` over `settle_s`, while every other judge was in its band (coach/startlevel.py).
    For a metric whose reading is offset per person and camera by more than the stretch
    moves it (the lunge's hip shift); it only ever lowers the band's edge."""

    enter: float
    leave: float
    still: float
    settle_s: float = 1.0


@dataclass(frozen=True)
class Judge:
    """One judged metric: in position while in `enter` (to start) / `leave` (to stay).

    also: more metrics held to the same bands (e.g. both hips); those the camera cannot
    see are left out, as long as at least one of the group is seen.
    form: see the field below.
    signed: for a signed metric of a sided stretch, the side for which the bands apply as
    written; for the other side they are mirrored (negated).
    """

    metric: str
    enter: Band
    leave: Band
    safe: Band | None = None
    cue_low: str | None = None
    cue_high: str | None = None
    cue_unsafe: str = "ease-off"
    signed: str | None = None
    also: tuple[str, ...] = ()
    # a form check (keep the other foot down, trunk upright...): failing it is a fault inside
    # the stretch, cued, never a different stretch; recognition weighs it less
    form: bool = False
    from_start: FromStart | None = None
    # a confirmation another judge implies (feet off the floor with the hips flexed past
    # 80°): while a helper in front hides it, the other judges carry the hold
    hidden_ok: bool = False

    @property
    def metrics(self) -> tuple[str, ...]:
        return (self.metric, *self.also)

    def bands(self, side: str | None) -> tuple[Band, Band, Band | None]:
        """(enter, leave, safe) for this side."""
        if self.signed is None or side is None or side == self.signed:
            return self.enter, self.leave, self.safe
        safe = self.safe.negated() if self.safe else None
        return self.enter.negated(), self.leave.negated(), safe

    def cue_for(self, value: float, side: str | None) -> str | None:
        """The cue id for a value outside the enter band; on the mirrored side "too low"
        and "too high" swap, since the band is negated."""
        enter = self.bands(side)[0]
        low, high = self.cue_low, self.cue_high
        if self.signed is not None and side is not None and side != self.signed:
            low, high = high, low
        return low if value < enter.lo else high if value > enter.hi else None


@dataclass(frozen=True)
class Cue:
    """A spoken/shown correction. A fault cue fires on its own (metric above/below)."""

    id: str
    text: str
    priority: int = 50
    safety: bool = False
    metric: str | None = None
    above: float | None = None
    below: float | None = None

    def faulted(self, value: float) -> bool:
        if math.isnan(value):
            return False
        return (self.above is not None and value > self.above) or (
            self.below is not None and value < self.below)


@dataclass(frozen=True)
class RepSignal:
    """One signal of a cycle: `excursion` is the swing (metric units) that alone counts as
    half a cycle; negative when the signal falls as the main one rises."""

    metric: str
    excursion: float


@dataclass(frozen=True)
class RepsRule:
    """A dynamic stretch's cycle, relative to the person: one extreme then the other, each
    swing at least one combined excursion (see coach/reps.py). `safe` is absolute, on `metric`."""

    metric: str
    excursion: float
    also: tuple[RepSignal, ...] = ()
    safe: Band | None = None
    min_cycle_s: float = 1.0
    max_cycle_s: float = 30.0
    cue_low: str | None = None    # a swing toward low that stopped short
    cue_high: str | None = None

    @property
    def signals(self) -> tuple[RepSignal, ...]:
        return (RepSignal(self.metric, self.excursion), *self.also)


@dataclass(frozen=True)
class Timing:
    """Seconds: dwell before a hold counts, grace for a short excursion, between cues,
    how long an unseen pose may pause a hold before it breaks. min_visibility is for the
    metrics stage (landmarks seen less than this are unknown); the coach never reads it."""

    dwell_s: float = 1.0
    grace_s: float = 0.8
    cue_cooldown_s: float = 3.0
    lost_s: float = 5.0
    min_visibility: float = 0.5


@dataclass(frozen=True)
class BalanceRule:
    """The range metric compared left vs right (e.g. "leg_raise_{side}"); `better` says which
    way more range lies ("higher" or "lower"); differences within `noise_floor` (the metric's
    measured repeatability, degrees) are never called an imbalance."""

    metric: str
    noise_floor: float
    better: str = "higher"


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    position: str
    view: str
    sides: tuple[str, ...]
    kind: str
    setup: str
    camera: str
    source: str
    loads: tuple[str, ...]
    dose: Dose
    judges: tuple[Judge, ...]
    cues: tuple[Cue, ...]
    side_rule: SideRule | None = None
    reps_rule: RepsRule | None = None
    timing: Timing = field(default_factory=Timing)
    path: str = ""
    balance: BalanceRule | None = None
    partner: bool = False   # done with a helper: helper cues, `--stretch auto` takes the solo twin
    style: str = "hold"                        # "reps": holds done as reps with a short top hold
    styles: tuple[tuple[str, Dose], ...] = ()  # style -> its dose ([dose], [rep_style])
    # how the body lies or stands in the stretch (measure.orientation.ORIENTATIONS), shared by
    # the set-up check and recognition; None: not declared (the posture comes from `position`)
    orientation: str | None = None
    # recognition-only evidence ([[hint]]: metric in band), never judged by the coach: what
    # tells this stretch from a look-alike (double knee-to-chest: the knees together)
    hints: tuple[Judge, ...] = ()

    @property
    def sided(self) -> bool:
        return bool(self.sides)

    def cue(self, cue_id: str) -> Cue | None:
        return next((c for c in self.cues if c.id == cue_id), None)

    def metric_templates(self) -> list[str]:
        """Every metric template the stretch reads, in file order, no repeats."""
        names = [m for j in self.judges for m in j.metrics]
        names += [c.metric for c in self.cues if c.metric]
        if self.side_rule:
            names.append(self.side_rule.metric)
        if self.reps_rule:
            names += [sig.metric for sig in self.reps_rule.signals]
        if self.balance:
            names.append(self.balance.metric)
        return list(dict.fromkeys(names))

    @property
    def rep_style(self) -> bool:
        """Holds done as repetitions (lift, short top hold, lower): each counts as a rep."""
        return self.kind == "hold" and self.style == "reps"


def with_style(stretch: Stretch, style: str | None) -> Stretch:
    """The stretch done in `style` ("hold" or "reps") with that style's dose; None: as is."""
    if style is None or style == stretch.style:
        return stretch
    doses = dict(stretch.styles)
    if style not in doses:
        raise UsageError(f"{stretch.id} has no {style!r} style; choose from: {', '.join(doses) or 'none'}")
    return replace(stretch, style=style, dose=doses[style])
