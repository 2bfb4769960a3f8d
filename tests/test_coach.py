"""The coach on hand-built metric sequences: dwell, grace, breaks, lost pose, sides, reps, cues."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from posecheck.coach.catalog import get_stretch, parse_stretch
from posecheck.coach.tomlfile import tomllib
from posecheck.coach.catalog.schema import Cue
from posecheck.coach.machine import Coach, judge_frame
from posecheck.coach.cues import CueSelector

TEST_STRETCH = '''
id = "test-hold"
name = "Test hold"
position = "lying"
view = "side"
sides = ["left", "right"]
kind = "hold"
setup = "-"
camera = "-"
source = "-"
[dose]
hold_s = 5
reps = 1
rest_s = 2
[timing]
dwell_s = 1.0
grace_s = 0.8
cue_cooldown_s = 3.0
lost_s = 2.0
[side_rule]
metric = "hip_{side}"
pick = "min"
[[judge]]
metric = "hip_{side}"
enter = [20, 80]
leave = [15, 90]
safe = [10, 180]
cue_high = "pull"
[[cue]]
id = "pull"
text = "Pull the knee in"
priority = 60
[[cue]]
id = "other-foot"
text = "Other foot down"
priority = 70
metric = "foot_lift_{other}"
above = 0.4
'''

IN, OUT, BETWEEN = 50.0, 130.0, 85.0  # hip angles: in the enter band, out, in leave only


@pytest.fixture
def stretch():
    return parse_stretch(tomllib.loads(TEST_STRETCH), Path("test-hold.toml"))


def frame(hip_left: float | None, hip_right: float = 170.0, foot_right: float = 0.0):
    if hip_left is None:
        return None
    return {"hip_left": hip_left, "hip_right": hip_right, "foot_lift_left": 0.0,
            "foot_lift_right": foot_right}


def run(coach: Coach, fps: float, duration: float, value_at):
    """Feed frames at `fps`; value_at(t) -> values dict or None. Returns the feedback list."""
    out = []
    for i in range(int(round(duration * fps))):
        t = i / fps
        out.append(coach.update(t, value_at(t)))
    return out


def piecewise(*spans):
    """[(until_s, hip_left)]: the value of the first span whose end is after t."""
    def at(t):
        for until, v in spans:
            if t < until:
                return frame(v) if not isinstance(v, dict) else v
        return frame(OUT)
    return at


FPS = [10.0, 30.0]


@pytest.mark.parametrize("fps", FPS)
def test_hold_starts_after_dwell(stretch, fps):
    fbs = run(Coach(stretch), fps, 5.0, piecewise((1.0, OUT), (5.0, IN)))
    dt = 1 / fps
    for fb in fbs:
        if fb.t_s < 2.0 - 1e-9:
            assert fb.hold_s == 0.0 and fb.state in ("setup", "entering")
    last = fbs[-1]
    assert last.state == "holding"
    # shown once the dwell is over (t = 2.0), counted from the settled moment (t = 1.0)
    first = next(fb for fb in fbs if fb.hold_s > 0)
    assert first.t_s == pytest.approx(2.0, abs=dt + 1e-9)
    assert first.hold_s == pytest.approx(first.t_s - 1.0, abs=dt + 1e-9)
    assert last.hold_s == pytest.approx(last.t_s - 1.0, abs=dt + 1e-9)
    hold = Coach(stretch)
    run(hold, fps, 5.0, piecewise((1.0, OUT), (5.0, IN)))
    (h,) = hold.result().holds
    assert h.start_s == pytest.approx(1.0, abs=dt) and h.side == "left"


@pytest.mark.parametrize("fps", FPS)
@pytest.mark.parametrize("gap_s,start_s", [(0.1, 1.0), (0.2, 1.0), (0.5, 1.9)])
def test_a_frame_or_two_unseen_keeps_the_dwell_a_longer_gap_restarts_it(stretch, fps, gap_s, start_s):
    """Unseen from 1.4 s for gap_s in a dwell begun at 1.0 s: up to DWELL_GAP_S (0.3 s) the
    hold still starts at 1.0 s; a longer gap starts the dwell again once seen (1.9 s)."""
    coach = Coach(stretch)
    run(coach, fps, 6.0, piecewise((1.0, OUT), (1.4, IN), (1.4 + gap_s - 1e-9, None), (6.0, IN)))
    (h,) = coach.result().holds
    assert h.start_s == pytest.approx(start_s, abs=1 / fps + 1e-9)


@pytest.mark.parametrize("fps", FPS)
@pytest.mark.parametrize("blips", [[0.5], [0.9, 0.9, 0.5]])
def test_entry_never_counts(stretch, fps, blips):
    """Passing through the band for less than the dwell never starts a hold."""
    spans, t = [(0.5, OUT)], 0.5
    for b in blips:
        spans += [(t + b, IN), (t + b + 0.5, OUT)]
        t += b + 0.5
    coach = Coach(stretch)
    fbs = run(coach, fps, t + 1.0, piecewise(*spans))
    assert all(fb.hold_s == 0.0 and fb.state != "holding" for fb in fbs)
    assert coach.result().holds == []


@pytest.mark.parametrize("fps", FPS)
@pytest.mark.parametrize("dip_s", [0.3, 0.6])
def test_grace_dip_pauses_not_resets(stretch, fps, dip_s):
    coach = Coach(stretch)
    spans = [(0.5, OUT), (3.0, IN), (3.0 + dip_s, OUT), (8.0, IN)]
    fbs = run(coach, fps, 8.0, piecewise(*spans))
    assert any(fb.state == "paused" for fb in fbs)
    (h,) = coach.result().holds
    # counted: (3.0 - 0.5) before the dip + (8.0 - dt - (3.0 + dip)) after, minus the frame gap
    expect = (3.0 - 0.5) + (8.0 - 1 / fps - 3.0 - dip_s) - 1 / fps
    assert h.duration_s == pytest.approx(expect, abs=1.5 / fps + 1e-9)
    assert h.completed is True and h.start_s == pytest.approx(0.5, abs=1 / fps)


@pytest.mark.parametrize("fps", FPS)
def test_long_dip_breaks_the_hold(stretch, fps):
    coach = Coach(stretch)
    spans = [(0.5, OUT), (3.0, IN), (4.5, OUT), (7.0, IN)]
    fbs = run(coach, fps, 7.0, piecewise(*spans))
    assert any(fb.state == "released" for fb in fbs)
    first, second = coach.result().holds
    assert first.completed is False
    assert first.end_s == pytest.approx(3.0 - 1 / fps, abs=1e-6)  # the last in-band frame
    assert first.duration_s == pytest.approx(3.0 - 1 / fps - 0.5, abs=1e-6)
    assert second.start_s == pytest.approx(4.5, abs=1 / fps)


@pytest.mark.parametrize("fps", FPS)
def test_leave_band_keeps_but_does_not_start(stretch, fps):
    coach = Coach(stretch)
    fbs = run(coach, fps, 4.0, piecewise((2.0, BETWEEN), (4.0, IN)))
    assert all(fb.hold_s == 0.0 for fb in fbs if fb.t_s < 3.0 - 1e-9)
    coach2 = Coach(stretch)
    fbs2 = run(coach2, fps, 6.0, piecewise((0.5, OUT), (3.0, IN), (6.0, BETWEEN)))
    assert fbs2[-1].state == "holding"
    assert fbs2[-1].hold_s == pytest.approx(6.0 - 1 / fps - 0.5, abs=1e-6)


@pytest.mark.parametrize("fps", FPS)
@pytest.mark.parametrize("lost", ["none", "nan"])
def test_lost_pose_pauses_the_timer(stretch, fps, lost):
    gone = None if lost == "none" else {"hip_left": math.nan, "hip_right": math.nan,
                                        "foot_lift_left": 0.0, "foot_lift_right": 0.0}
    coach = Coach(stretch)
    spans = [(0.5, OUT), (2.5, IN), (4.0, gone), (6.0, IN)]

    def at(t):
        for until, v in spans:
            if t < until:
                return v if v is None or isinstance(v, dict) else frame(v)
        return frame(OUT)
    fbs = run(coach, fps, 6.0, at)
    during = [fb for fb in fbs if 2.5 <= fb.t_s < 4.0]
    assert all(fb.state == "low_confidence" for fb in during)
    assert len({round(fb.hold_s, 9) for fb in during}) == 1  # frozen
    assert during[0].cue is not None
    assert during[0].cue.id == ("no-pose" if lost == "none" else "low-confidence")
    if lost == "nan":
        assert "left hip" in during[0].cue.text
    (h,) = coach.result().holds  # one hold: the gap (1.5 s < lost_s) did not break it
    assert h.duration_s == pytest.approx((2.5 - 1 / fps - 0.5) + (6.0 - 1 / fps - 4.0), abs=1e-6)


def test_lost_longer_than_lost_s_breaks(stretch):
    coach = Coach(stretch)
    run(coach, 10, 8.0, piecewise((0.5, OUT), (2.5, IN), (5.0, {}), (8.0, IN)))
    holds = coach.result().holds
    assert len(holds) == 2 and holds[0].end_s == pytest.approx(2.4, abs=1e-6)


def test_sides_alternate_then_done(stretch):
    """Left hold to target, rest with a switch-side cue, then the right side; then done."""
    def at(t):
        if t < 0.5 or 7.0 <= t < 10.0 or t >= 16.5:
            return frame(OUT)
        if t < 7.0:
            return frame(IN)
        return frame(170.0, hip_right=IN)
    coach = Coach(stretch)
    fbs = run(coach, 10, 18.0, at)
    assert [h.side for h in coach.result().holds] == ["left", "right"]
    assert all(h.completed for h in coach.result().holds)
    rest = [fb for fb in fbs if fb.state == "rest"]
    assert rest and rest[0].cue is not None and rest[0].cue.id == "switch-side"
    assert rest[0].rest_left_s == pytest.approx(2.0, abs=0.11)
    assert fbs[-1].state == "done"
    assert "switch-side" in [e.id for e in coach.result().cues]
    asym = coach.result().asymmetry["hip_{side}"]
    assert asym["left"] == pytest.approx(IN) and asym["diff"] == pytest.approx(0.0)


def test_completed_hold_says_release(stretch):
    coach = Coach(stretch)
    fbs = run(coach, 10, 9.0, piecewise((0.5, OUT), (9.0, IN)))
    assert fbs[-1].hold_s > 5.0 and fbs[-1].cue.id == "release"


def test_skip_moves_to_other_side(stretch):
    coach = Coach(stretch, start_side="left")
    run(coach, 10, 3.0, piecewise((0.5, OUT), (3.0, IN)))
    coach.skip(3.0)
    fb = coach.update(3.1, frame(OUT))
    assert fb.state == "entering"
    (h,) = coach.result().holds
    assert h.completed is False and h.duration_s == pytest.approx(2.4, abs=1e-6)
    assert coach._next_side() == "right"


def test_pain_stop_ends_and_is_recorded(stretch):
    coach = Coach(stretch)
    run(coach, 10, 3.0, piecewise((0.5, OUT), (3.0, IN)))
    coach.pain_stop(3.0)
    fb = coach.update(3.1, frame(IN))
    assert fb.state == "done" and fb.cue.id == "pain-stop" and fb.hold_s == 0.0
    res = coach.result()
    assert res.pain_stops == [3.0]
    assert [e.id for e in res.cues][-1] == "pain-stop"
    assert len(res.holds) == 1 and res.holds[0].end_s == pytest.approx(2.9, abs=1e-6)


def test_user_pause_freezes_timer(stretch):
    coach = Coach(stretch)
    run(coach, 10, 3.0, piecewise((0.5, OUT), (3.0, IN)))
    before = coach.update(3.0, frame(IN)).hold_s
    coach.pause(3.0)
    for i in range(1, 21):
        assert coach.update(3.0 + i / 10, frame(IN)).state == "paused"
    coach.resume(5.0)
    fbs = [coach.update(5.0 + i / 10, frame(IN)) for i in range(1, 11)]
    assert fbs[-1].hold_s == pytest.approx(before + 0.9, abs=1e-6)


def test_safety_cue_wins(stretch):
    """Past the safe limit: "ease off" shows, even with a higher-priority form fault."""
    coach = Coach(stretch)
    fbs = run(coach, 10, 2.0, lambda t: frame(5.0, foot_right=0.8))
    assert fbs[-1].cue.id == "ease-off" and fbs[-1].cue.safety
    assert fbs[-1].hold_s == 0.0


def test_fault_cue_fires(stretch):
    coach = Coach(stretch)
    fbs = run(coach, 10, 4.0, piecewise((0.5, OUT), (2.5, IN), (4.0, frame(IN, foot_right=0.8))))
    assert fbs[-1].cue.id == "other-foot"
    assert fbs[-1].state == "holding"  # a fault cue corrects; it does not stop the timer


# -- cat-cow cycles ---------------------------------------------------------------------
def catcow_frames(nose_values, fps=30, per_phase_s=1.5, trunk_deg=0.0, start=0.0, wobble=0.0):
    """Hands-and-knees values with nose_height moving smoothly (eased) through the given
    extremes; trunk_lean tilts by `trunk_deg` per torso length of head travel (cat: up);
    `wobble`: a 0.7 Hz sway of that many degrees on the trunk all the time."""
    pos = {"hip_left": 90.0, "hip_right": 90.0, "knee_left": 90.0, "knee_right": 90.0}
    seq = [start]
    for v in nose_values:
        n = int(per_phase_s * fps)
        a = seq[-1]
        seq += [a + (v - a) * (3 * u * u - 2 * u ** 3) for u in ((i + 1) / n for i in range(n))]
    seq = [start] * int(fps * 2) + seq + [seq[-1]] * int(fps)
    return [(i / fps, {**pos, "nose_height": v,
                       "trunk_lean": 85.0 - trunk_deg * (v - start) + wobble * math.sin(4.4 * i / fps)})
            for i, v in enumerate(seq)]


def catcow(frames):
    coach = Coach(get_stretch("cat-cow"))
    fbs = [coach.update(t, v) for t, v in frames]
    return coach, fbs


@pytest.mark.parametrize("pattern,expect", [
    ([-0.35, 0.25] * 5, 5),                 # 5 full cycles, cat first
    ([0.25, -0.35] * 5, 5),                 # cow first
    ([-0.35, 0.25] * 4 + [-0.35], 4),       # a half cycle does not count
    ([-0.30, -0.22] * 3, 0),                # swings of 0.08 torso: under one excursion
    ([-0.35, 0.25, 0.1, 0.25], 1),          # the second cat far shallower than the person's range
])
def test_catcow_counts_cycles_exactly(pattern, expect):
    coach, _ = catcow(catcow_frames(pattern))
    assert coach.result().reps == expect
    assert coach.result().holds == []       # a dynamic stretch has no (zero-length) hold


@pytest.mark.parametrize("fps", [10, 30, 60])
@pytest.mark.parametrize("cat,cow,trunk,per_phase,cycles", [
    (-0.34, -0.10, 33.0, 2.5, 2),   # the real man: head never above the shoulders, trunk ~8 deg
    (-0.34, -0.10, 0.0, 2.5, 2),    # the same head travel with a stiff back
    (-0.45, 0.40, 20.0, 1.0, 6),    # deep and fast: 2 s cycles
    (-0.30, 0.00, 25.0, 6.0, 2),    # mild and slow: 12 s cycles
])
def test_catcow_relative_to_the_person(fps, cat, cow, trunk, per_phase, cycles):
    start = (cat + cow) / 2
    frames = catcow_frames([cat, cow] * cycles, fps, per_phase, trunk, start, wobble=1.5)
    coach, fbs = catcow(frames)
    assert coach.result().reps == cycles
    assert not any(fb.cue and fb.cue.id == "ease-off" for fb in fbs)


def test_catcow_small_swing_asks_for_more():
    """A cat that stops short of one excursion: no rep, and a cue to let the head drop."""
    coach, fbs = catcow(catcow_frames([-0.35, 0.25, 0.14, 0.25, 0.14, 0.25], per_phase_s=1.0))
    assert coach.result().reps == 1
    assert "head-down" in [e.id for e in coach.result().cues]
    coach, _ = catcow(catcow_frames([0.25, -0.35, -0.24, -0.35, -0.24], per_phase_s=1.0))
    assert "head-up" in [e.id for e in coach.result().cues]


def test_catcow_ease_off_stays_absolute():
    coach, fbs = catcow(catcow_frames([-0.9, 0.2], per_phase_s=1.0))
    assert any(fb.cue and fb.cue.id == "ease-off" for fb in fbs if fb.t_s > 2.0)


def test_catcow_pauses_counting_when_unseen():
    frames = catcow_frames([-0.35, 0.25] * 3)
    coach, _ = catcow((t, v if not (3.5 < t < 6.5) else None) for t, v in frames)
    assert coach.result().reps == 2  # the cycle whose whole cow was unseen is not counted


def test_catcow_done_after_dose():
    s = get_stretch("cat-cow")
    coach, fbs = catcow(catcow_frames([-0.35, 0.25] * (s.dose.reps + 2)))
    assert coach.result().reps == s.dose.reps and fbs[-1].state == "done"


# -- cue selection ------------------------------------------------------------------------
A = Cue("a", "A", 50)
B = Cue("b", "B", 70)
S = Cue("s", "S", 10, safety=True)


def test_selector_priority():
    sel = CueSelector(cooldown_s=3.0)
    assert sel.update(0.0, [A, B]) == (B, True)


def test_selector_higher_priority_interrupts_lower_waits():
    sel = CueSelector(cooldown_s=3.0, release_s=0.5)
    assert sel.update(0.0, [A]) == (A, True)
    assert sel.update(0.1, [A, B]) == (B, True)        # outranks: at once
    assert sel.update(0.4, [A]) == (B, False)          # B lingers for release_s
    assert sel.update(1.0, [A]) == (None, False)       # B gone; A spoke last-but-one: waits
    assert sel.update(3.1, [A]) == (A, True)
    sel2 = CueSelector(cooldown_s=3.0, release_s=0.5)
    sel2.update(0.0, [B])
    assert sel2.update(1.0, [A]) == (None, False)      # lower rank waits out the cooldown
    assert sel2.update(3.0, [A]) == (A, True)


def test_selector_no_flicker_at_threshold():
    sel = CueSelector(cooldown_s=3.0, release_s=0.5)
    shown = [sel.update(i / 10, [A] if i % 2 == 0 else [])[0] for i in range(20)]
    assert all(c == A for c in shown)
    events = [e for e in (sel.update(2.0 + i / 10, [A]) for i in range(5)) if e[1]]
    assert events == []  # never re-announced while shown


def test_selector_cooldown_same_cue():
    sel = CueSelector(cooldown_s=3.0, release_s=0.5)
    sel.update(0.0, [A])
    sel.update(1.0, [])                                 # gone
    assert sel.update(2.0, [A]) == (None, False)        # back too soon
    assert sel.update(3.1, [A]) == (A, True)


def test_selector_safety_wins_and_skips_cooldown():
    sel = CueSelector(cooldown_s=3.0)
    sel.update(0.0, [B])
    assert sel.update(0.2, [A, B, S]) == (S, True)


# -- single frames --------------------------------------------------------------------------
@pytest.mark.parametrize("lean,in_pos,side", [
    (-25.0, True, "left"),    # bending to the person's right stretches the left side
    (25.0, True, "right"),
    (3.0, False, None),
    (60.0, False, "right"),   # past the safe limit
])
def test_judge_frame_side_bend(lean, in_pos, side):
    j = judge_frame(get_stretch("side-bend"), {"trunk_side_lean": lean, "hip_tilt": 2.0})
    assert j.in_position is in_pos
    if side:
        assert j.side == side
    if lean == 60.0:
        assert "ease-off" in j.failing


def test_judge_frame_unseen_is_not_in_position(stretch):
    j = judge_frame(stretch, {"hip_left": math.nan, "hip_right": math.nan})
    assert j.in_position is False and j.unseen
    assert judge_frame(stretch, None).in_position is False


def test_feedback_reports_resolved_judged_metrics(stretch):
    coach = Coach(stretch)
    fbs = run(coach, 10, 3.0, piecewise((0.5, OUT), (3.0, IN)))
    name, value, band, in_band = fbs[-1].judged[0]
    assert name == "hip_left" and value == pytest.approx(IN)
    assert (band.lo, band.hi) == (20.0, 80.0) and in_band is True
    assert fbs[-1].target_s == pytest.approx(5.0) and fbs[-1].side == "left"
    assert fbs[0].judged[0][3] is False


# -- rep style (bridge: lift, short top hold, lower) ----------------------------------------
def bridge_frames(tops_s, fps=10, lift_s=1.0, down_s=1.5):
    """hip_lift/bridge_line: lying, then a lift eased over lift_s, a top hold, lowering."""
    down = {"bridge_line": 120.0, "hip_lift": -0.3}
    up = {"bridge_line": 172.0, "hip_lift": 0.35}
    spans, t = [(2.0, down, down)], 2.0
    for top in tops_s:
        spans += [(t + lift_s, down, up), (t + lift_s + top, up, up), (t + 2 * lift_s + top, up, down),
                  (t + 2 * lift_s + top + down_s, down, down)]
        t += 2 * lift_s + top + down_s
    out, start = [], 0.0
    for i in range(int(t * fps)):
        now = i / fps
        a = next((s, e, a0, a1) for s, (e, a0, a1) in zip([0.0] + [x[0] for x in spans], spans) if now < e)
        u = (now - a[0]) / (a[1] - a[0])
        u = u * u * (3 - 2 * u)
        vals = {k: a[2][k] + (a[3][k] - a[2][k]) * u for k in a[2]}
        out.append((now, {**vals, "knee_left": 95.0, "knee_right": 95.0}))
    return out


def test_bridge_as_reps_counts_and_times_each_top_hold():
    from posecheck.coach.catalog.schema import with_style

    s = with_style(get_stretch("bridge"), "reps")
    assert (s.dose.reps, s.dose.hold_s, s.dose.rest_s) == (10, 2.0, 0.0)
    coach = Coach(s)
    for t, v in bridge_frames([2.0, 2.0, 2.0]):
        coach.update(t, v)
    res = coach.result()
    assert res.reps == 3
    assert [h.target_s for h in res.holds] == [2.0, 2.0, 2.0]
    assert all(h.completed for h in res.holds)
    for h, top_start in zip(res.holds, (3.0, 8.5, 14.0)):   # each settled top: 2 s
        assert h.start_s == pytest.approx(top_start, abs=0.3)
        assert h.end_s == pytest.approx(top_start + 2.0, abs=0.3)
        assert h.duration_s == pytest.approx(2.0, abs=0.4)


def test_bridge_hold_style_keeps_its_long_hold():
    coach = Coach(get_stretch("bridge"))
    for t, v in bridge_frames([2.0, 2.0]):
        coach.update(t, v)
    res = coach.result()
    assert res.reps is None and len(res.holds) == 2
    assert all(h.target_s == 10.0 and not h.completed for h in res.holds)


def test_short_top_hold_is_a_rep_not_completed():
    from posecheck.coach.catalog.schema import with_style

    coach = Coach(with_style(get_stretch("bridge"), "reps"))
    for t, v in bridge_frames([2.0, 1.0]):
        coach.update(t, v)
    res = coach.result()
    assert res.reps == 2 and [h.completed for h in res.holds] == [True, False]


def test_style_without_rep_style_is_a_usage_error():
    from posecheck.coach.catalog.schema import with_style
    from posecheck.errors import UsageError

    with pytest.raises(UsageError, match="no 'reps' style"):
        with_style(get_stretch("plank"), "reps")
