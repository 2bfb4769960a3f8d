"""`--stretch auto`: the recogniser on hand-built value sequences, then on real and rendered video."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest

import posecheck
from posecheck.coach import recognize
from posecheck.coach.catalog import load_catalog
from posecheck.coach.catalog.schema import Band, Dose, Judge, SideRule, Stretch
from posecheck.measure.metrics import METRICS
from posecheck.coach.posture import POSTURES, posture_of
from posecheck.coach.recognize import Recognizer

SAMPLES = Path(__file__).resolve().parents[1] / "samples"

FPS = 10.0


def _stretch(sid: str, metric: str, lo: float, hi: float, sided: bool = False) -> Stretch:
    """A one-judge stretch with no posture gate (its position names none) and any view."""
    return Stretch(sid, sid, "anywhere", "any", ("left", "right") if sided else (), "hold", "", "",
                   "", (), Dose(), (Judge(metric, Band(lo, hi), Band(lo - 5, hi + 5)),), (),
                   SideRule("tilt_{side}", "max") if sided else None)


TOY = {"a": _stretch("a", "knee_left", 60, 100), "b": _stretch("b", "hip_left", 60, 100),
       "s": _stretch("s", "elbow_{side}", 60, 100, sided=True)}
IDLE = {"knee_left": 170.0, "hip_left": 170.0, "elbow_left": 170.0, "elbow_right": 170.0}


def _run(timeline, catalog=TOY, duration=None):
    """Feed a timeline [(start_s, end_s, values)] at FPS; return (recognizer, per-frame ids)."""
    end = duration or max(e for _, e, _ in timeline)
    rec, ids = Recognizer(catalog), []
    for i in range(int(round(end * FPS))):
        t = i / FPS
        values = next((v for s, e, v in timeline if s <= t < e), IDLE)
        ids.append((t, rec.update(t, dict(values) if values is not None else None)))
    return rec, ids


def test_segment_starts_after_the_window_and_spans_the_stretch():
    rec, ids = _run([(2.0, 12.0, {**IDLE, "knee_left": 80.0})], duration=24.0)
    first = next(t for t, sid in ids if sid == "a")
    # the full position must be held ENTER_HOLD_S before it decides
    assert first == pytest.approx(2.0 + recognize.ENTER_HOLD_S, abs=0.15)
    (seg,) = rec.segments()
    assert seg["stretch"] == "a" and seg["side"] is None
    assert seg["start_s"] == pytest.approx(2.0, abs=0.15)
    assert seg["end_s"] == pytest.approx(11.9, abs=0.15)
    assert seg["confidence"] == pytest.approx(1.0, abs=0.01)
    assert seg["unsure"] is False and seg["candidates"][0] == {"stretch": "a", "score": 1.0}
    assert seg["candidates"][1]["score"] == pytest.approx(0.0, abs=0.01)
    assert rec.main_stretch() == "a"
    # the segment ends FAULT_KEEP_S after its last good frame (a toy stretch has no posture:
    # the body never leaves its position); the reported segment ends at that frame
    last = max(t for t, sid in ids if sid == "a")
    assert last == pytest.approx(11.9 + recognize.FAULT_KEEP_S, abs=0.15)


@pytest.mark.parametrize("blip_s", [0.3, 0.6])
def test_short_blips_start_nothing(blip_s):
    rec, ids = _run([(3.0, 3.0 + blip_s, {**IDLE, "knee_left": 80.0})], duration=8.0)
    assert all(sid is None for _, sid in ids)
    assert rec.segments() == [] and rec.main_stretch() is None


def test_two_stretches_in_sequence_give_two_segments():
    rec, _ = _run([(1.0, 10.0, {**IDLE, "knee_left": 80.0}),
                   (10.0, 20.0, {**IDLE, "hip_left": 80.0})], duration=23.0)
    segs = rec.segments()
    assert [s["stretch"] for s in segs] == ["a", "b"]
    for seg, (start, end) in zip(segs, [(1.0, 10.0), (10.0, 20.0)]):
        assert seg["start_s"] == pytest.approx(start, abs=0.5)
        assert seg["end_s"] == pytest.approx(end, abs=0.5)
    assert segs[0]["end_s"] <= segs[1]["start_s"]


def test_a_change_of_side_splits_the_segment():
    left = {**IDLE, "elbow_left": 80.0, "tilt_left": 1.0, "tilt_right": 0.0}
    right = {**IDLE, "elbow_right": 80.0, "tilt_left": 0.0, "tilt_right": 1.0}
    rec, _ = _run([(1.0, 8.0, left), (8.0, 15.0, right)], duration=17.0)
    segs = rec.segments()
    assert [(s["stretch"], s["side"]) for s in segs] == [("s", "left"), ("s", "right")]
    assert segs[1]["start_s"] == pytest.approx(8.0, abs=0.5)


def test_a_change_of_side_never_replays_frames_the_coach_has_seen():
    """The stretch's one coach saw every frame of the first side: its new segment's backlog
    starts after them (a replay went back in time: analyze auto crashed on a side change)."""
    left = {**IDLE, "elbow_left": 80.0, "tilt_left": 1.0, "tilt_right": 0.0}
    right = {**IDLE, "elbow_right": 80.0, "tilt_left": 0.0, "tilt_right": 1.0}
    rec, fed = Recognizer(TOY), []      # (t, stretch) as a caller feeds its coaches
    for i in range(int(17 * FPS)):
        t = i / FPS
        values = left if 1.0 <= t < 8.0 else right if 8.0 <= t < 15.0 else IDLE
        sid = rec.update(t, dict(values))
        fed += [(bt, sid) for bt, _ in rec.take_backlog()] + ([(t, sid)] if sid else [])
    times = [t for t, sid in fed if sid == "s"]
    assert times == sorted(set(times)) and len(times) > 100   # each frame once, in order


def test_a_knee_hidden_behind_the_other_counts_as_together_but_less_than_seen():
    """Side view of both knees hugged: the far knee unseen. The double knee hug wins over a
    single one (whose other foot is unseen too), by less than with both knees seen."""
    from posecheck.coach.recogscore import Scorer

    cat = {k: v for k, v in load_catalog(user_dir=False).items() if not v.partner}
    scorer, ids = Scorer(list(cat.values())), list(cat)
    lying = {"facing_up": 0.99, "trunk_rise": 0.5, "shoulder_floor": 0.05, "hip_floor": 0.04,
             "trunk_lean": 90.0, "body_yaw": 88.0}
    hidden = {**lying, "hip_right": 60.0, "foot_lift_right": 0.8, "knee_right": 60.0,
              "knee_floor_right": 0.9, "ankle_to_knee_left": 0.9}
    seen = {**hidden, "hip_left": 58.0, "foot_lift_left": 0.8, "knee_left": 62.0,
            "knee_floor_left": 0.9, "knees_apart": 0.1, "ankle_to_knee_right": 0.9}
    s_hidden, s_seen = scorer.scores(hidden)[0], scorer.scores(seen)[0]
    dk, k2c = ids.index("double-knee-to-chest"), ids.index("knee-to-chest")
    assert s_hidden[dk] > s_hidden[k2c] + 0.1
    assert s_hidden[dk] < s_seen[dk] - 0.05


LYING = {"facing_up": 0.99, "trunk_rise": 0.5, "shoulder_floor": 0.05, "hip_floor": 0.04,
         "trunk_lean": 90.0, "body_yaw": 88.0}
NEAR_HUG = {**LYING, "hip_right": 60.0, "foot_lift_right": 0.8, "knee_right": 62.0, "knee_min": 62.0,
            "knee_floor_right": 0.9}   # the near leg pulled in, seen from its side


def _catalog_scores(values: dict) -> dict[str, float]:
    from posecheck.coach.recogscore import Scorer

    cat = {k: v for k, v in load_catalog(user_dir=False).items() if not v.partner}
    return dict(zip(cat, Scorer(list(cat.values())).scores(values)[0].tolist()))


def test_a_far_leg_hidden_behind_the_pulled_one_is_a_double_knee_hug_by_the_unsure_margin():
    """knee-to-chest's other knee is in view beside the pulled one; hidden, it is pulled in too."""
    hidden = _catalog_scores(NEAR_HUG)
    assert hidden["knee-to-chest"] == pytest.approx(0.467, abs=0.02)
    assert hidden["double-knee-to-chest"] - hidden["knee-to-chest"] > recognize.UNSURE_MARGIN
    single = _catalog_scores({**NEAR_HUG, "hip_left": 140.0, "foot_lift_left": -0.1, "knee_left": 90.0,
                              "knee_floor_left": 0.7, "knees_apart": 1.1})
    assert single["knee-to-chest"] == pytest.approx(1.0, abs=0.01)
    assert single["double-knee-to-chest"] < 0.1


def test_the_other_leg_lifted_beside_the_pulled_one_stays_a_knee_to_chest_form_fault():
    """Seen together with the pulled knee (0.12 torso lengths), the lifted leg costs knee-to-chest
    only its form floor: the hold keeps its segment (no split)."""
    from posecheck.coach.recogscore import FORM_FLOOR

    lifted = _catalog_scores({**NEAR_HUG, "hip_left": 80.0, "foot_lift_left": 0.95, "knee_left": 88.0,
                              "knee_floor_left": 1.0, "knees_apart": 0.12})
    assert lifted["knee-to-chest"] == pytest.approx(FORM_FLOOR, abs=0.02)


def test_knees_at_a_right_angle_cost_the_double_knee_hug_its_form_floor_only():
    """The figure-4 from its far side reads like a knee hug but with the knees near 90 degrees:
    a recognition hint weighed as a form check (down to FORM_FLOOR, never more)."""
    from posecheck.coach.recogscore import FORM_FLOOR

    both = {**NEAR_HUG, "hip_left": 78.0, "foot_lift_left": 1.0, "knee_floor_left": 0.9, "knees_apart": 0.15}
    hug = _catalog_scores({**both, "knee_left": 65.0})
    fig4 = _catalog_scores({**both, "knee_left": 99.0, "knee_right": 95.0, "knee_min": 95.0})
    assert hug["double-knee-to-chest"] == pytest.approx(1.0, abs=0.01)
    assert fig4["double-knee-to-chest"] == pytest.approx(FORM_FLOOR, abs=0.02)
    half = _catalog_scores({**both, "knee_left": 80.0, "knee_min": 80.0})   # 5 deg past the band's 75
    assert half["double-knee-to-chest"] == pytest.approx(FORM_FLOOR + (1 - FORM_FLOOR) * 0.5, abs=0.03)


def _stretch2(sid: str, core: tuple, form: tuple) -> Stretch:
    """A stretch with one core judge and one form check (both on the same body, any view)."""
    judges = (Judge(core[0], Band(*core[1:]), Band(core[1] - 5, core[2] + 5)),
              Judge(form[0], Band(*form[1:]), Band(form[1] - 5, form[2] + 5), form=True))
    return Stretch(sid, sid, "anywhere", "any", (), "hold", "", "", "", (), Dose(), judges, ())


FORMED = {"k": _stretch2("k", ("knee_left", 60, 100), ("hip_left", 150, 180)),
          "h": _stretch2("h", ("hip_left", 60, 100), ("knee_left", 150, 180))}


def test_a_form_fault_inside_the_hold_stays_one_segment():
    """k held, then 5 s with its form check failed (which is h's position too), then k again."""
    good = {**IDLE, "knee_left": 80.0, "hip_left": 170.0}
    fault = {**IDLE, "knee_left": 80.0, "hip_left": 80.0}
    rec, _ = _run([(1.0, 6.0, good), (6.0, 11.0, fault), (11.0, 16.0, good)], catalog=FORMED,
                  duration=18.0)
    segs = rec.all_segments()
    assert [s["stretch"] for s in segs] == ["k"]
    assert segs[0]["start_s"] == pytest.approx(1.0, abs=0.15)
    assert segs[0]["end_s"] == pytest.approx(15.9, abs=0.15)


def test_short_gaps_between_segments_of_one_stretch_merge():
    """Lying, held; 4 s sitting up (out of the position: the segment ends); lying, held again."""
    lying = Stretch("l", "l", "Lying on your back", "any", (), "hold", "", "", "", (), Dose(),
                    (Judge("knee_left", Band(60, 100), Band(55, 105)),), ())
    down = {**IDLE, "knee_left": 80.0, "shoulder_floor": 0.1, "trunk_lean": 90.0, "facing_up": 1.0,
            "trunk_rise": 0.0}
    up = {**down, "shoulder_floor": 1.5, "trunk_lean": 10.0, "facing_up": 0.0, "trunk_rise": 80.0}
    rec, ids = _run([(1.0, 7.0, down), (7.0, 11.0, up), (11.0, 17.0, down)], catalog={"l": lying},
                    duration=19.0)
    assert any(sid is None for t, sid in ids if 9.5 <= t < 11.0)   # it did end in between
    (seg,) = rec.segments()
    assert seg["start_s"] == pytest.approx(1.0, abs=0.15)
    assert seg["end_s"] == pytest.approx(16.9, abs=0.15)


def test_two_look_alikes_are_unsure_not_a_label():
    twins = {"a": _stretch("a", "knee_left", 60, 100), "b": _stretch("b", "knee_left", 55, 105)}
    rec, _ = _run([(1.0, 9.0, {**IDLE, "knee_left": 80.0})], catalog=twins, duration=11.0)
    assert rec.segments() == [] and rec.main_stretch() is None
    doubt = rec.unsure()
    assert doubt is not None and {c["stretch"] for c in doubt["candidates"]} == {"a", "b"}
    assert doubt["end_s"] - doubt["start_s"] == pytest.approx(7.9, abs=0.3)


def test_no_pose_and_idle_give_nothing():
    rec, ids = _run([(0.0, 5.0, None), (5.0, 10.0, IDLE)])
    assert all(sid is None for _, sid in ids) and rec.segments() == []


def test_backlog_replays_the_frames_before_the_decision():
    rec = Recognizer(TOY)
    taken = []
    for i in range(60):
        t = i / FPS
        sid = rec.update(t, {**IDLE, "knee_left": 80.0} if t >= 2.0 else dict(IDLE))
        backlog = rec.take_backlog()
        if backlog:
            taken = backlog
            assert sid == "a"
    assert taken[0][0] == pytest.approx(2.0, abs=0.15)
    assert all(v["knee_left"] == 80.0 for _, v in taken)
    assert rec.take_backlog() == []


def test_every_catalogue_stretch_has_a_posture():
    catalog = load_catalog(user_dir=False)
    expected = {"bridge": "lying", "butterfly": "seated", "cat-cow": "hands-and-knees",
                "childs-pose": "kneeling-folded", "double-knee-to-chest": "lying",
                "hip-flexor-lunge": "half-kneeling", "knee-to-chest": "lying", "piriformis": "lying",
                "plank": "forearms-and-toes", "side-bend": "standing", "spinal-twist": "lying",
                "standing-hamstring": "standing", "supine-hamstring": "lying"}
    assert {sid: posture_of(s) for sid, s in catalog.items() if sid in expected} == expected


def test_postures_tell_lying_from_standing_and_half_kneeling():
    rec = Recognizer(load_catalog(user_dir=False))
    names = list(POSTURES)
    cases = {  # typical measured values (torso lengths above the floor, degrees)
        "lying": {"shoulder_floor": 0.1, "hip_floor": 0.1, "trunk_lean": 90.0},
        "standing": {"shoulder_floor": 2.9, "hip_floor": 1.9, "trunk_lean": 2.0,
                     "knee_left": 178.0, "knee_right": 177.0},
        "half-kneeling": {"shoulder_floor": 1.9, "hip_floor": 0.9, "trunk_lean": 5.0,
                          "knee_floor_left": 0.05, "knee_floor_right": 0.9},
    }
    for posture, values in cases.items():
        m = dict(zip(names, rec.postures(values)))
        assert m[posture] == pytest.approx(1.0)
        assert all(v <= 0.2 for k, v in m.items() if k != posture and k != "forearms-and-toes"), m


def test_scoring_is_fast_for_the_whole_catalogue():
    rec = Recognizer(load_catalog(user_dir=False))
    values = {name: 1.0 for name in METRICS} | {"knee_left": 90.0, "trunk_lean": 10.0}
    n, best = 300, math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        for i in range(n):
            rec.update(i / 30, values)
        best = min(best, (time.perf_counter() - t0) / n * 1e3)
    assert best < 0.5  # ms per frame, 13 stretches; ~0.1 ms measured (budget 0.3 ms, CI slack)


# -- real footage and rendered samples (the real model) ---------------------------------
def _auto(path, tmp_path):
    return posecheck.analyze(path, stretch="auto", out_dir=tmp_path, annotate=False, plot=False)


def test_forward_lunges_are_not_a_stretch(real_dir, tmp_path, model):
    """Dynamic forward lunges pass through a half-kneel but hold nothing: no stretch segment
    longer than 2 s (an "unsure" is allowed: it coaches nothing)."""
    summary = _auto(real_dir / "commons_forward_lunge_training.webm", tmp_path)
    assert all(s["end_s"] - s["start_s"] <= 2.0 for s in summary["segments"]), summary["segments"]
    assert summary["holds"] == []


@pytest.mark.parametrize("name", ["hip-flexor-lunge-left", "knee-to-chest-right",
                                  "supine-hamstring-left", "standing-hamstring-right", "plank"])
def test_rendered_samples_are_recognised(name, tmp_path, model):
    truth = json.loads((SAMPLES / f"{name}.truth.json").read_text())["expect"]
    summary = _auto(SAMPLES / f"{name}.mp4", tmp_path)
    assert summary["stretch"] == truth["stretch"]
    hold = truth["holds"][0]
    middle = (hold["start_s"] + hold["end_s"]) / 2
    covering = [s for s in summary["segments"] if s["start_s"] <= middle <= s["end_s"]]
    assert [(s["stretch"], s["side"]) for s in covering] == [(truth["stretch"], hold["side"])]


def test_idle_standing_gives_no_segment(tmp_path, model):
    summary = _auto(SAMPLES / "idle-standing.mp4", tmp_path)
    assert summary["segments"] == [] and summary["stretch"] is None
