"""Per-frame scores of every catalogue stretch for `--stretch auto` (vectorised tables).

    score = fit x view x (u + (1 - u) x core x (FORM_FLOOR + (1 - FORM_FLOOR) x form))

- fit: orientation and posture (`coach.posture.fits`): the gate; a squat is not lying down,
  a person face up is not in child's pose.
- view: the camera view the stretch expects (catalogue `view`), from the world body yaw.
- core: over the stretch's judged metrics that define it and its recognition hints, a soft membership of the enter
  band (1 inside, falling to 0 at the leave band's edge plus a tolerance), half the worst
  one and half the mean. It tells apart the stretches sharing an orientation (six lie face up).
- form: the same over its form checks (`form = true` in the catalogue, on a judge or a
  recognition hint: the other foot down, the trunk upright, a knee hug's knees fully bent...). A form fault costs at most 1 - FORM_FLOOR of the score: the person
  is still in the stretch, doing it imperfectly, which the coach then cues.
- u = UNIQUE_BONUS when no other catalogue stretch shares the posture: half-kneeling already says
  "hip-flexor lunge" even when the hips are not yet forward.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from posecheck.coach.catalog.schema import Stretch, resolve
from posecheck.coach.posture import fits, gates_of, soft

UNSEEN = 0.25      # membership of a judged metric the camera cannot see
# ... except when it is unseen because one knee hides behind the other (a pure side view of
# both knees pulled in): the knees are then together in the picture, evidence for a hint that
# wants them together (double knee-to-chest) but never against one (docs/ACCURACY.md)
HIDDEN_TOGETHER = {"knees_apart": 0.0}
HIDDEN_AT_MOST = 0.75   # weaker than seen: a figure-4's hidden supporting knee looks the same
UNIQUE_BONUS = 0.25  # the u above, for a stretch alone in its posture
FORM_FLOOR = 0.6    # the score kept when every form check fails
TOL = {"deg": 10.0, "torso": 0.2}  # soft-band tolerance beyond the leave band, per unit
BLEND = 0.5        # blend = BLEND x the worst membership + (1 - BLEND) x the mean
# the camera view a stretch expects, from body_yaw (0 front, 90 side); unknown yaw: VIEW_UNKNOWN
VIEWS = {"side": (50.0, 90.0), "front": (0.0, 45.0)}
VIEW_TOL = 20.0
VIEW_UNKNOWN = 0.75


def _unit(name: str) -> str:
    from posecheck.measure.metrics import METRICS

    info = METRICS.get(name)
    return info.unit if info else "deg"


@dataclass
class _Rows:
    """Flat tables over every (stretch, side) option's judged metrics, core and form apart."""

    names: list[str] = field(default_factory=list)    # value vector layout
    metric: list[int] = field(default_factory=list)   # per row: index into names
    lo: list[float] = field(default_factory=list)
    hi: list[float] = field(default_factory=list)
    tol: list[float] = field(default_factory=list)
    judge: list[int] = field(default_factory=list)    # per row: global judge index
    group: list[int] = field(default_factory=list)    # per judge: 2 x option + (1 if form)

    def index(self, name: str) -> int:
        if name not in self.names:
            self.names.append(name)
        return self.names.index(name)


def one_knee_hidden(values: dict) -> bool:
    """One knee seen, the other not (its height above the floor needs only the knee)."""
    seen = [math.isfinite(values.get(f"knee_floor_{s}", math.nan)) for s in ("left", "right")]
    return seen[0] != seen[1] and math.isnan(values.get("knees_apart", math.nan))


class Scorer:
    """`score, sides = Scorer(stretches).scores(values)`: one score per stretch, its best side."""

    def __init__(self, stretches: list[Stretch]):
        self.stretches = stretches
        rows = _Rows()
        self.options: list[tuple[int, str | None]] = []   # (stretch index, side)
        for si, s in enumerate(stretches):
            for side in (s.sides or (None,)):
                self.options.append((si, side))
                oi = len(self.options) - 1
                for judge in sorted(s.judges + s.hints, key=lambda j: j.form):
                    jid = len(rows.group)
                    rows.group.append(2 * oi + int(judge.form))
                    enter, leave, _ = judge.bands(side)
                    for m in judge.metrics:
                        name = resolve(m, side)
                        margin = max(enter.lo - leave.lo, leave.hi - enter.hi, 0.0)
                        rows.metric.append(rows.index(name))
                        rows.lo.append(enter.lo)
                        rows.hi.append(enter.hi)
                        rows.tol.append(margin + TOL.get(_unit(name), TOL["deg"]))
                        rows.judge.append(jid)
        self.names = rows.names
        self.r_metric = np.array(rows.metric)
        self.r_lo, self.r_hi, self.r_tol = (np.array(x, float) for x in (rows.lo, rows.hi, rows.tol))
        hidden = [(r, HIDDEN_TOGETHER[self.names[i]]) for r, i in enumerate(rows.metric)
                  if self.names[i] in HIDDEN_TOGETHER]
        self.r_hidden = np.array([r for r, _ in hidden], int)
        self.r_hidden_value = np.array([x for _, x in hidden], float)
        self.r_starts = np.flatnonzero(np.r_[True, np.diff(rows.judge) != 0])
        group = np.array(rows.group)
        self.g_starts = np.flatnonzero(np.r_[True, np.diff(group) != 0])
        self.g_id = group[self.g_starts]                       # which (option, form) each group is
        self.g_count = np.diff(np.r_[self.g_starts, len(group)]).astype(float)
        self.s_options = [[oi for oi, (sj, _) in enumerate(self.options) if sj == si]
                          for si in range(len(stretches))]
        self.gates = gates_of(stretches)
        self.s_unique = np.array([UNIQUE_BONUS if g != (None, None) and self.gates.count(g) == 1 else 0.0
                                  for g in self.gates])
        view = [VIEWS.get(s.view, (-1.0, 999.0)) for s in stretches]
        self.v_lo, self.v_hi = np.array([v[0] for v in view]), np.array([v[1] for v in view])
        self.v_unknown = np.array([VIEW_UNKNOWN if s.view in VIEWS else 1.0 for s in stretches])

    def _blends(self, values: dict) -> tuple[np.ndarray, np.ndarray]:
        """Per option: (core blend, worst core membership); the form checks fold into core."""
        v = np.array([values.get(name, math.nan) for name in self.names])
        m = soft(v[self.r_metric], self.r_lo, self.r_hi, self.r_tol)
        if one_knee_hidden(values):
            rows = self.r_hidden
            hid = soft(self.r_hidden_value, self.r_lo[rows], self.r_hi[rows], self.r_tol[rows])
            m[rows] = np.clip(hid, UNSEEN, HIDDEN_AT_MOST)
        judge = np.fmin.reduceat(m, self.r_starts)   # every seen metric of a group counts
        judge[np.isnan(judge)] = UNSEEN
        mean = np.add.reduceat(judge, self.g_starts) / self.g_count
        worst = np.minimum.reduceat(judge, self.g_starts)
        blend = BLEND * worst + (1 - BLEND) * mean
        n = len(self.options)
        core, form, core_worst = np.ones(n), np.ones(n), np.ones(n)
        is_form = self.g_id % 2 == 1
        core[self.g_id[~is_form] // 2] = blend[~is_form]
        core_worst[self.g_id[~is_form] // 2] = worst[~is_form]
        form[self.g_id[is_form] // 2] = blend[is_form]
        return core * (FORM_FLOOR + (1 - FORM_FLOOR) * form), core_worst

    def scores(self, values: dict | None) -> tuple[np.ndarray, list[str | None]]:
        """Each stretch's score for one frame, and its best side."""
        n = len(self.stretches)
        if values is None:
            self.last_fit = np.zeros(n)
            return np.zeros(n), [None] * n
        opt, worst = self._blends(values)
        best, sides = np.zeros(n), [None] * n
        for si, opts in enumerate(self.s_options):
            best[si] = opt[opts].max()
            if len(opts) > 1:
                sides[si] = self._side(si, opts, opt, worst, values)
        gate = fits(values, self.gates)
        self.last_fit = gate          # orientation and posture alone: still in the stretch's position
        yaw = values.get("body_yaw", math.nan)
        gate = gate * (self.v_unknown if math.isnan(yaw) else soft(yaw, self.v_lo, self.v_hi, VIEW_TOL))
        return gate * (self.s_unique + (1 - self.s_unique) * best), sides

    def _side(self, si: int, opts: list[int], opt: np.ndarray, worst: np.ndarray, values: dict) -> str:
        """As the coach picks it: the one side in position, else the side rule's, else the best."""
        inside = [oi for oi in opts if worst[oi] >= 1.0]
        if len(inside) == 1:
            return self.options[inside[0]][1]
        rule = self.stretches[si].side_rule
        ruled = rule.choose(values) if rule else None
        return ruled or self.options[max(opts, key=lambda oi: opt[oi])][1]
