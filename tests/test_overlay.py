"""The overlay: timer ring, cue banner, judged joints, gauges and the mirrored view, checked
by the colours of pixels at the places the layout puts them."""

from __future__ import annotations

import math
from types import SimpleNamespace as NS

import numpy as np
import pytest

from posecheck.media import overlay
from posecheck.media.hud import widgets, words
from posecheck.coach.catalog import Band, Cue
from posecheck.coach.machine import Feedback
from posecheck.media.overlay import (AMBER, GREEN, GREY, RED, Layout, band_colour, draw_countdown,
                               draw_overlay, draw_setup, draw_summary, joint_of)
from posecheck.pose.landmarks import INDEX, Pose

W, H = 640, 480
COLOUR_TOL = 12   # per channel: anti-aliased edges are avoided by sampling inside shapes


def _pose(points: dict[str, tuple[float, float]]) -> Pose:
    xy = np.full((33, 2), np.nan)
    vis = np.zeros(33)
    for name, p in points.items():
        xy[INDEX[name]] = p
        vis[INDEX[name]] = 1.0
    return Pose(0.0, xy, xy / (W, H), np.zeros((33, 3)), vis, vis.copy(), (W, H))


# a left hip at (200, 250) bent to 90 degrees: shoulder straight up, knee straight right
HIP90 = _pose({"left_shoulder": (200, 120), "left_hip": (200, 250), "left_knee": (330, 250),
               "left_ankle": (330, 380)})


def _fb(hold_s=15.0, target_s=30.0, cue=None, judged=(), state="holding", rest_left_s=0.0):
    """The coach's real Feedback; judged bands given as pairs become catalogue Bands."""
    judged = tuple((m, v, Band(*b), ok) for m, v, b, ok in judged)
    return Feedback(1.0, state, "left", hold_s, target_s, 1, 0, cue, judged, rest_left_s, 1)


def _black():
    return np.zeros((H, W, 3), np.uint8)


def _is(pixel, colour) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(colour)) <= COLOUR_TOL))


def _ring_point(lay: Layout, clock_deg: float):
    """Pixel (x, y) on the timer ring, clock_deg clockwise from 12 o'clock."""
    a = math.radians(clock_deg - 90)
    cx, cy = lay.ring_centre
    return int(round(cx + lay.ring_radius * math.cos(a))), int(round(cy + lay.ring_radius * math.sin(a)))


@pytest.mark.parametrize("hold_s, green_at, grey_at", [
    (15.0, [45, 90, 135], [225, 270, 315]),     # half way: the right half of the ring
    (7.5, [30, 60], [120, 180, 270]),          # a quarter
    (30.0, [45, 135, 225, 315], []),           # complete
    (0.0, [], [45, 135, 225, 315]),            # not started
])
def test_timer_ring_shows_progress(hold_s, green_at, grey_at):
    img = draw_overlay(_black(), None, _fb(hold_s=hold_s), None)
    lay = Layout.for_size(W, H)
    for deg in green_at:
        x, y = _ring_point(lay, deg)
        assert _is(img[y, x], GREEN), (deg, img[y, x])
    for deg in grey_at:
        x, y = _ring_point(lay, deg)
        assert _is(img[y, x], GREY), (deg, img[y, x])


def test_timer_shows_seconds_left_inside_the_ring():
    lay = Layout.for_size(W, H)
    cx, cy = lay.ring_centre
    r = lay.ring_radius * 2 // 3
    inner = lambda img: img[cy - r // 2:cy + r // 2, cx - r:cx + r]
    a = inner(draw_overlay(_black(), None, _fb(hold_s=5), None))
    b = inner(draw_overlay(_black(), None, _fb(hold_s=25), None))
    white = lambda im: int((im.min(axis=2) > 200).sum())
    assert white(a) > 30 and white(b) > 30          # "25s" and "5s" are drawn...
    assert not np.array_equal(a, b)                # ...and differ


@pytest.mark.parametrize("safety, colour", [(False, AMBER), (True, RED)])
def test_one_cue_banner_at_the_bottom(safety, colour):
    cue = Cue("knee-closer", "Pull the knee closer", 50, safety=safety)
    img = draw_overlay(_black(), None, _fb(cue=cue), None)
    lay = Layout.for_size(W, H)
    band = img[lay.banner_top + 2:H - 2]
    share = np.mean(np.all(np.abs(band.astype(int) - colour) <= COLOUR_TOL, axis=2))
    assert share > 0.6                 # the banner colour, with the text over it
    assert share < 0.99                # there is text


def test_no_cue_no_banner():
    img = draw_overlay(_black(), None, _fb(cue=None), None)
    lay = Layout.for_size(W, H)
    assert img[lay.banner_top + 2:H - 2].max() == 0


@pytest.mark.parametrize("value, band, in_band, colour", [
    (90.0, (80.0, 100.0), True, GREEN),
    (75.0, (80.0, 100.0), False, AMBER),      # 5 deg out: near
    (130.0, (80.0, 100.0), False, RED),       # 30 deg out: far
])
def test_judged_joint_takes_its_band_colour(value, band, in_band, colour):
    fb = _fb(judged=(("hip_left", value, band, in_band),))
    img = draw_overlay(_black(), HIP90, fb, None)
    # inside the filled arc: between the arms (up and right), 15 px from the vertex
    assert _is(img[250 - 10, 200 + 10], colour)
    assert _is(img[250, 200], colour)           # the vertex dot


def test_mirrored_view_moves_joints_but_keeps_text_readable():
    fb = _fb(judged=(("hip_left", 90.0, (80.0, 100.0), True),))
    plain = draw_overlay(_black(), HIP90, fb, None, fps=30.0)
    mirror = draw_overlay(_black(), HIP90, fb, None, fps=30.0, mirrored=True)
    assert _is(mirror[250, W - 1 - 200], GREEN)        # the hip, flipped
    assert not _is(mirror[250, 200], GREEN)
    fps_box = (slice(0, 28), slice(0, 90))             # "30.0 fps" at the top left in both
    assert np.array_equal(plain[fps_box], mirror[fps_box])


def test_gauge_shades_the_band_and_marks_the_value():
    fb = _fb(judged=(("hip_left", 90.0, (80.0, 100.0), True),))
    img = draw_overlay(_black(), None, fb, None)
    s = Layout.for_size(W, H).scale
    y = int(62 * s) + 3
    row = img[y, : int(170 * s)]
    green = np.all(np.abs(row.astype(int) - GREEN) <= COLOUR_TOL, axis=1)
    # band 80..100 on a 60..120 span of 150 px: a third of the gauge is green
    assert green.sum() == pytest.approx(150 * s / 3, abs=8)


def test_input_frame_is_not_modified():
    frame = _black()
    draw_overlay(frame, HIP90, _fb(cue=Cue("c", "x")), None, fps=9.0)
    draw_setup(frame, ["Move back"], HIP90)
    assert frame.max() == 0


def test_setup_screen_lists_problems_in_amber_or_says_good_in_green():
    bad = draw_setup(_black(), [("feet_out", "Move back: your feet are out of frame (bottom edge)")])
    good = draw_setup(_black(), [])
    def count(img, colour):
        return int(np.all(np.abs(img.astype(int) - colour) <= COLOUR_TOL, axis=2).sum())
    assert count(bad, AMBER) > 100 and count(bad, GREEN) == 0
    assert count(good, GREEN) > 100 and count(good, AMBER) == 0


@pytest.mark.parametrize("text, mirrored, expected", [
    ("feet out of frame (left edge)", True, "feet out of frame (right edge)"),
    ("feet out of frame (bottom and right edge)", True, "feet out of frame (bottom and left edge)"),
    ("feet out of frame (left and right edge)", True, "feet out of frame (right and left edge)"),
    ("your left knee is hidden", True, "your left knee is hidden"),   # anatomical: unchanged
    ("feet out of frame (left edge)", False, "feet out of frame (left edge)"),
])
def test_setup_edge_words_follow_the_mirror(text, mirrored, expected):
    assert overlay._problem_text(("id", text), mirrored) == expected


@pytest.mark.parametrize("metric, expected", [
    ("hip_left", ("left_shoulder", "left_hip", "left_knee")),
    ("knee_right", ("right_hip", "right_knee", "right_ankle")),
    ("hip_ext_right", ("right_shoulder", "right_hip", "right_knee")),
    ("leg_raise_left", None),
    ("trunk_lean", None),
])
def test_joint_of_metric(metric, expected):
    got = joint_of(metric)
    assert got == (None if expected is None else tuple(INDEX[n] for n in expected))


@pytest.mark.parametrize("value, band, in_band, colour", [
    (float("nan"), (0, 1), None, GREY), (50, (40, 60), True, GREEN), (50, (40, 60), None, GREEN),
    (65, (40, 60), False, AMBER), (75, (40, 60), False, RED), (30, None, False, GREY)])
def test_band_colour(value, band, in_band, colour):
    assert band_colour(value, band, in_band) == colour


def test_countdown_and_summary_cards_draw():
    lay = Layout.for_size(W, H)
    img = draw_countdown(np.full((H, W, 3), 100, np.uint8), "Next: Piriformis", "on your back", 2.5, 10.0)
    x, y = _ring_point(lay, 45)                 # 75% left: the first quarter is done
    assert not _is(img[y, x], GREY)
    card = draw_summary(np.full((H, W, 3), 100, np.uint8), {
        "stretch": "knee-to-chest", "holds": [{"side": "left", "duration_s": 30.0, "target_s": 30.0,
                                               "completed": True}], "reps": None, "cues": [],
        "live": {"fps": 29.0, "latency_ms": {"median": 40.0}, "end_reason": "quit"}})
    assert (card.min(axis=2) > 200).sum() > 200        # white lines of text on the dimmed frame


def test_rest_shows_a_cyan_countdown():
    stretch = NS(name="Knee to chest", kind="hold", sides=("left", "right"),
                 dose=NS(hold_s=30.0, reps=1, sets=1, rest_s=10.0))
    img = draw_overlay(_black(), None, _fb(state="rest", hold_s=0.0, rest_left_s=5.0), stretch)
    lay = Layout.for_size(W, H)
    x, y = _ring_point(lay, 90)                # half the rest left: 0..180 deg still cyan
    assert _is(img[y, x], overlay.CYAN)
    x, y = _ring_point(lay, 270)
    assert _is(img[y, x], GREY)


@pytest.mark.parametrize("kind, reps, sets, holds_done, sides, expected", [
    ("hold", 1, 1, 0, ("left", "right"), ["Hold 1 of 2"]),
    ("hold", 2, 1, 3, ("left", "right"), ["Hold 4 of 4"]),
    ("hold", 1, 1, 0, (), ["Hold 1 of 1"]),
    ("reps", 10, 2, 0, (), ["Rep 1 of 10", "Set 1 of 2"]),
])
def test_counters(kind, reps, sets, holds_done, sides, expected):
    stretch = NS(kind=kind, sides=sides, dose=NS(hold_s=30.0, reps=reps, sets=sets, rest_s=10.0))
    fb = Feedback(1.0, "holding", None, 0.0, 30.0, 1, 0, None, (), 0.0, holds_done)
    assert words.counters(fb, stretch) == expected


@pytest.mark.parametrize("metric, value, text", [
    ("hip_left", 57.4, "57"), ("foot_lift_right", -0.004, "-0.00"), ("knee_right", float("nan"), "--")])
def test_values_print_in_their_unit(metric, value, text):
    assert overlay.fmt_value(metric, value) == text


@pytest.mark.parametrize("metric, value, colour", [
    ("foot_lift_right", 0.25, AMBER),     # 0.05 torso lengths above a 0..0.2 band: near
    ("foot_lift_right", 0.5, RED),        # 0.3 above: far
    ("hip_left", 0.5 + 205, RED),
])
def test_near_threshold_follows_the_unit(metric, value, colour):
    assert band_colour(value, Band(0.0, 0.2) if "foot" in metric else Band(40, 80), False,
                       overlay.near_for(metric)) == colour


def test_overlay_leaves_the_frame_alone_unless_in_place():
    frame = np.full((H, W, 3), 90, np.uint8)
    out = draw_overlay(frame, HIP90, None, None)
    assert out is not frame and (frame == 90).all() and (out != 90).any()
    drawn = draw_overlay(frame, HIP90, None, None, in_place=True)
    assert drawn is frame and np.array_equal(drawn, out)   # same pixels, no copy


def _plan(stretch, name, sides, holds, hold_s):
    return {"stretch": stretch, "name": name, "kind": "hold", "sides": sides, "holds_per_side": holds,
            "hold_s": hold_s, "reps": None}


def test_summary_card_rows_count_holds_against_the_plan_per_side():
    from posecheck.media.hud.screen import words_summary
    summary = {"stretch": "knee-to-chest", "reps": None, "live": {"end_reason": "max-seconds reached"},
               "plan": [_plan("knee-to-chest", "Knee to chest", ["left", "right"], 2, 30.0)],
               "holds": [{"side": "left", "completed": True, "duration_s": 31.2, "target_s": 30.0},
                         {"side": "left", "completed": False, "duration_s": 12.4, "target_s": 30.0}],
               "pain": {"before": 4, "after": 2}}
    title, rows, foot = words_summary(summary)
    assert title == "Well done: session over"
    assert rows[0] == ("Knee to chest, left", "1 of 2 holds of 30 s · 44 s held", widgets.AMBER)
    assert rows[1] == ("Knee to chest, right", "0 of 2 holds of 30 s · 0 s held", widgets.GREY)
    assert rows[2] == ("Pain before → after", "4 → 2", widgets.WHITE)
    assert foot == "Time limit reached · any key to close"


def test_summary_card_keeps_holds_the_plan_did_not_name_and_reps():
    from posecheck.media.hud.screen import words_summary
    summary = {"stretch": "free", "reps": 4, "live": {"end_reason": "end of stream"},
               "plan": [{"stretch": "cat-cow", "name": "Cat-cow", "kind": "reps", "sides": [],
                         "holds_per_side": None, "hold_s": None, "reps": 10}],
               "holds": [{"stretch": "piriformis", "side": "right", "completed": True, "duration_s": 30.0,
                          "target_s": 30.0}]}
    _, rows, foot = words_summary(summary)
    assert rows == [("Cat-cow", "4 of 10 reps", widgets.AMBER),
                    ("Piriformis, right", "1 of 1 hold of 30 s · 30 s held", widgets.GREEN)]
    assert foot == "The video ended · any key to close"


@pytest.mark.parametrize("cue_id, safety, colour", [
    ("hold-steady", False, widgets.GREEN), ("switch-side", False, widgets.CYAN),
    ("knee-closer", False, widgets.AMBER), ("ease-off", True, widgets.RED)])
def test_cue_colour_keeps_amber_for_what_to_change(cue_id, safety, colour):
    from posecheck.media.hud.screen import cue_colour
    assert cue_colour(NS(id=cue_id, safety=safety)) == colour


def test_gauge_labels_show_degrees_but_not_torso_lengths():
    assert words.gauge_label("hip_left", 57.4) == "Left hip 57°"
    assert words.gauge_label("foot_lift_right", -0.03) == "Right foot lift"


@pytest.mark.parametrize("cue_id, status", [
    ("no-pose", "Can't see you"),               # no one found at all
    ("helper-in-the-way", "Timer paused"),      # the patient is seen, a helper hides the feet
    ("low-confidence", "Timer paused"),         # one knee unseen: the cue names it
])
def test_the_paused_status_says_cant_see_you_only_when_no_one_is_found(cue_id, status):
    from posecheck.coach.catalog.schema import Cue
    from posecheck.media.hud.screen import coach_info

    stretch = NS(name="Partner knees to chest", kind="hold", sides=(),
                 dose=NS(hold_s=30.0, reps=1, sets=1, rest_s=10.0))
    fb = Feedback(1.0, "low_confidence", None, 4.0, 30.0, 0, 0, Cue(id=cue_id, text="x"), (), 0.0, 0)
    assert coach_info(fb, stretch, False, 30.0, "").status == status
