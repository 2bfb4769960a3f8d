"""`posecheck check`: the comparison on hand-built summaries, and one real run over a rendered sample."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from posecheck.coach.catalog import get_stretch
from posecheck.run.check import (angle_errors, compare, expect_diff, expectation_from, find_samples, hold_tolerance,
                             mae, match_holds, stretch_arg)
from posecheck.errors import UsageError

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
K2C = get_stretch("knee-to-chest")


def _expect(**kw) -> dict:
    base = {"stretch": "knee-to-chest", "no_stretch": False,
            "holds": [{"side": "left", "start_s": 4.0, "end_s": 14.0, "duration_s": 10.0, "completed": False}],
            "reps": None, "cues": []}
    base.update(kw)
    return base


def _summary(holds=(("left", 4.0, 14.0),), cues=(), reps=None) -> dict:
    return {"stretch": "knee-to-chest", "frames": 200, "frames_with_pose": 190,
            "holds": [{"side": s, "start_s": a, "end_s": b, "duration_s": b - a - 1, "target_s": 30.0,
                       "completed": False, "peak": {}} for s, a, b in holds],
            "reps": reps, "cues": [{"t_s": t, "id": i, "text": ""} for t, i in cues]}


@pytest.mark.parametrize("holds, ok, reason", [
    ((("left", 4.0, 14.0),), True, ""),
    ((("left", 4.9, 13.1),), True, ""),                 # both ends 0.9 s off: within ±1
    ((("left", 3.1, 14.0),), True, ""),
    ((("left", 5.2, 14.0),), False, "start 5.2"),       # 1.2 s late
    ((("left", 4.0, 15.5),), False, "end 15.5"),
    ((("left", 6.0, 16.0),), False, "start 6.0"),       # the whole hold shifted 2 s
    ((("right", 4.0, 14.0),), False, "side right"),
    ((), False, "not found"),
    ((("left", 4.0, 14.0), ("left", 15.0, 18.0)), False, "unexpected hold"),
    ((("left", 4.0, 8.0), ("left", 8.5, 14.0)), False, "unexpected hold"),  # a broken hold
])
def test_holds(holds, ok, reason):
    v = compare("s", _expect(), _summary(holds), stretch=K2C)
    assert v.ok is ok, v.reasons
    assert reason in "; ".join(v.reasons)


def test_tolerance_is_a_parameter():
    s = _summary((("left", 5.5, 14.0),))
    assert not compare("s", _expect(), s, stretch=K2C).ok
    assert compare("s", _expect(), s, stretch=K2C, tol=1.5).ok


def test_no_stretch_clip_must_have_no_hold():
    exp = {"stretch": None, "no_stretch": True, "holds": [], "reps": None, "cues": []}
    assert compare("idle", exp, _summary(())).ok
    v = compare("idle", exp, _summary((("left", 1.0, 5.0),)))
    assert not v.ok and "unexpected hold" in v.reasons[0]
    assert stretch_arg(exp) == "auto" and stretch_arg({"stretch": "plank"}) == "plank"
    assert stretch_arg({}) == "auto"


@pytest.mark.parametrize("reps, want, ok", [(5, 5, True), (4, 5, False), (6, 5, False), (None, 5, False),
                                            (None, None, True), (3, None, True)])
def test_reps_exact(reps, want, ok):
    v = compare("s", _expect(reps=want), _summary(reps=reps), stretch=K2C)
    assert v.ok is ok, v.reasons


FAULT = [{"id": "other-foot-down", "side": "left", "start_s": 4.0, "end_s": 11.0}]


@pytest.mark.parametrize("cues, expect_cues, ok, reason", [
    ([(6.0, "other-foot-down")], FAULT, True, ""),
    ([(3.2, "other-foot-down")], FAULT, True, ""),                   # within the ±1 s window
    ([], FAULT, False, "cue other-foot-down not raised"),
    ([(13.0, "other-foot-down")], FAULT, False, "not raised"),       # too late
    ([(6.0, "head-down")], [], False, "unexpected cue head-down"),   # a fault cue (own metric)
    ([(6.0, "ease-off")], [], False, "unexpected cue ease-off"),     # a safety cue
    ([(8.0, "other-foot-down")], [], False, "unexpected cue other-foot-down"),  # correction mid-hold
    ([(2.0, "pull-knee-in")], [], True, ""),                         # coaching into position: fine
    ([(4.5, "hold-steady"), (14.0, "release")], [], True, ""),       # routine cues
])
def test_cues(cues, expect_cues, ok, reason):
    v = compare("s", _expect(cues=expect_cues), _summary(cues=cues), stretch=K2C)
    assert v.ok is ok, v.reasons
    assert reason in "; ".join(v.reasons)


def test_forbidden_cues_listed_in_the_expectation():
    s = _summary(cues=[(1.0, "pull-knee-in")])
    assert compare("s", _expect(), s, stretch=K2C).ok
    v = compare("s", _expect(forbidden_cues=["pull-knee-in"]), s, stretch=K2C)
    assert not v.ok and "unexpected cue pull-knee-in at 1.0 s" in v.reasons


def test_dynamic_stretch_is_judged_by_reps_not_set_span():
    cat_cow = get_stretch("cat-cow")
    exp = {"stretch": "cat-cow", "no_stretch": False, "holds": [], "reps": 4, "cues": []}
    s = dict(_summary((("left", 0.0, 19.9),), reps=4), stretch="cat-cow")
    s["holds"][0]["side"] = None
    assert compare("cc", exp, s, stretch=cat_cow).ok
    assert not compare("cc", exp, dict(s, reps=3), stretch=cat_cow).ok
    assert not compare("k", exp, s, stretch=K2C).ok  # a hold stretch: an unexpected hold fails


def test_match_holds_by_overlap():
    exp = [{"start_s": 0.0, "end_s": 10.0}, {"start_s": 20.0, "end_s": 30.0}]
    got = [{"start_s": 21.0, "end_s": 29.0}, {"start_s": 40.0, "end_s": 45.0}]
    pairs, missing, extra = match_holds(exp, got)
    assert pairs == [(exp[1], got[0])] and missing == [exp[0]] and extra == [got[1]]


TRUTH = [  # near side left in frames 0-1, right in frame 2
    {"t_s": 0.0, "near_side": "left", "angles": {"hip_left": 90.0, "hip_right": 170.0, "knee_left": None}},
    {"t_s": 0.1, "near_side": "left", "angles": {"hip_left": 100.0, "hip_right": 170.0, "knee_left": 45.0}},
    {"t_s": 0.2, "near_side": "right", "angles": {"hip_left": 100.0, "hip_right": 160.0, "knee_left": 40.0}},
    {"t_s": 0.3, "near_side": "left", "angles": {"hip_left": 100.0}},  # no pipeline row at 0.3
]
ROWS = [
    {"t_s": "0.000", "hip_left": "94.0", "hip_right": "150.0", "knee_left": "50"},
    {"t_s": "0.100", "hip_left": "98.0", "hip_right": "", "knee_left": "47"},
    {"t_s": "0.200", "hip_left": "130.0", "hip_right": "161.0", "knee_left": ""},
]


def test_angle_mae_on_a_tiny_truth_table():
    errors = angle_errors(TRUTH, ROWS)
    m = mae(errors)
    assert m["near"]["hip_left"] == pytest.approx((4 + 2) / 2)       # frames 0, 1
    assert m["near"]["knee_left"] == pytest.approx(2.0)              # frame 0 unknown truth, 2 unknown row
    assert m["near"]["hip_right"] == pytest.approx(1.0)              # frame 2 only (row 1 empty)
    assert m["far"]["hip_right"] == pytest.approx(20.0)              # frame 0
    assert m["far"]["hip_left"] == pytest.approx(30.0)               # frame 2
    assert "knee_right" not in m["near"] and "knee_right" not in m["far"]
    assert sum(e.size for d in errors.values() for e in d.values()) == 6


def test_near_side_mae_over_tolerance_fails():
    s = _summary()
    rows = [{"t_s": "0.000", "hip_left": "103", "knee_left": "40"}]
    truth = [{"t_s": 0.0, "near_side": "left", "angles": {"hip_left": 90.0, "knee_left": 40.0}}]
    v = compare("s", _expect(), s, stretch=K2C, rows=rows, truth=truth)
    assert not v.ok and v.reasons == ["near hip_left MAE 13.0° > 10°"]
    assert compare("s", _expect(angle_mae_deg=15), s, stretch=K2C, rows=rows, truth=truth).ok
    far = [{"t_s": 0.0, "near_side": "right", "angles": {"hip_left": 90.0}}]  # far-side error: reported only
    v = compare("s", _expect(), s, stretch=K2C, rows=rows, truth=far)
    assert v.ok and v.mae["far"]["hip_left"] == pytest.approx(13.0)


def test_update_keeps_what_a_person_stated():
    old = _expect(forbidden_cues=["head-down"], angle_mae_deg=12)
    s = _summary(holds=(("left", 3.5, 15.0),), cues=[
        (1.0, "pull-knee-in"),                                   # getting into position: routine
        (5.0, "hold-steady"), (8.0, "other-foot-down"), (11.0, "other-foot-down"),  # a fault mid-hold
        (20.0, "other-foot-down"), (21.0, "head-down")])        # after the hold; an alarm cue
    new = expectation_from(s, old, K2C)
    assert new["forbidden_cues"] == ["head-down"] and new["angle_mae_deg"] == 12
    assert [(h["side"], h["start_s"], h["end_s"]) for h in new["holds"]] == [("left", 3.5, 15.0)]
    assert [(c["id"], c["side"], c["start_s"], c["end_s"]) for c in new["cues"]] == [
        ("other-foot-down", "left", 8.0, 11.0), ("head-down", None, 21.0, 21.0)]
    assert compare("s", new, s, stretch=K2C).ok
    diff = expect_diff(Path("x.expect.json"), old, new)
    assert '-        "start_s": 4.0,' in diff and '+        "start_s": 3.5,' in diff
    assert expect_diff(Path("x"), new, new) == ""


def test_find_samples(tmp_path):
    (tmp_path / "mine.mp4").write_bytes(b"")
    (tmp_path / "mine.expect.json").write_text(json.dumps({"expect": _expect()}))
    (tmp_path / "orphan.expect.json").write_text(json.dumps({"expect": _expect()}))  # no clip: skipped
    (tmp_path / "noexp.mp4").write_bytes(b"")                                         # no expectation
    found = find_samples(tmp_path)
    assert [(s.name, s.rendered, s.video.name) for s in found] == [("mine", False, "mine.mp4")]
    with pytest.raises(UsageError, match="no sample named nope"):
        find_samples(tmp_path, ("nope",))
    (tmp_path / "bad.mp4").write_bytes(b"")
    (tmp_path / "bad.expect.json").write_text("{")
    with pytest.raises(UsageError, match="bad.expect.json: not valid JSON"):
        find_samples(tmp_path)
    with pytest.raises(UsageError, match="is not a folder"):
        find_samples(tmp_path / "absent")


def _rendered() -> list[str]:
    return sorted(p.name[: -len(".truth.json")] for p in SAMPLES.glob("*.truth.json")
                  if (SAMPLES / p.name.replace(".truth.json", ".mp4")).exists())


@pytest.mark.skipif(not _rendered(), reason="samples/ has no rendered clips")
def test_check_end_to_end_on_one_sample(model):
    name = "knee-to-chest-right" if "knee-to-chest-right" in _rendered() else _rendered()[0]
    env = dict(os.environ, COLUMNS="200", POSECHECK_MODEL=str(model.path))
    proc = subprocess.run([sys.executable, "-c", "from posecheck.cli.app import main; main()",
                           "check", str(SAMPLES), "--only", name],
                          capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    row = next(line for line in proc.stdout.splitlines() if f" {name} " in line)
    assert "PASS" in row and "1/1" in row


def test_zero_length_hold_always_fails():
    """No summary may carry a hold of no length (cat-cow used to report its set as one)."""
    s = _summary(((None, 0.0, 19.9),))
    s["holds"][0]["duration_s"] = 0.0
    v = compare("s", {"stretch": "cat-cow", "holds": [], "reps": None}, s, stretch=get_stretch("cat-cow"))
    assert not v.ok and "zero-length hold" in "; ".join(v.reasons)


def test_hold_tolerance_of_rendered_samples_is_tighter():
    s = _summary((("left", 4.7, 14.0),))            # 0.7 s late: fine for a user clip only
    assert compare("s", _expect(), s, stretch=K2C).ok
    v = compare("s", _expect(), s, stretch=K2C, hold_tol=0.5)
    assert not v.ok and "start 4.7" in "; ".join(v.reasons)


def test_no_failed_holds_for_a_rep_set():
    s = _summary((("left", 4.0, 14.0),))
    assert compare("s", _expect(), s, stretch=K2C).ok  # completed not judged unless asked
    v = compare("s", _expect(no_failed_holds=True), s, stretch=K2C)
    assert not v.ok and "not completed" in "; ".join(v.reasons)


def test_a_clips_own_hold_tolerance_wins_over_the_settled_interval():
    assert hold_tolerance({}, rendered=True, tol=1.0) == 0.5
    assert hold_tolerance({}, rendered=True, tol=0.2) == 0.2
    assert hold_tolerance({}, rendered=False, tol=1.0) is None
    assert hold_tolerance({"hold_tolerance_s": 1.0}, rendered=True, tol=1.0) == 1.0
    exp = {"holds": [{"side": "left", "start_s": 3.5, "end_s": 12.5, "duration_s": 9.0, "completed": False}]}
    got = {"holds": [{"side": "left", "start_s": 3.3, "end_s": 13.2, "duration_s": 9.9, "completed": False}]}
    assert not compare("c", exp, got, hold_tol=hold_tolerance({}, True, 1.0)).ok          # end 0.7 s late
    assert compare("c", exp, got, hold_tol=hold_tolerance({"hold_tolerance_s": 1.0}, True, 1.0)).ok
