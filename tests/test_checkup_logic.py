"""Check-up logic on hand-made metric series (pure functions; the real model is in
test_checkup.py): trials, validity reasons, best valid trial, findings, routine file."""

from __future__ import annotations

import math

import pytest

from posecheck.coach.catalog import load_catalog
from posecheck.coach.checkup import load_tests
from posecheck.coach.checkup.evaluate import compare, evaluate_test
from posecheck.coach.checkup.routine import routine_text
from posecheck.coach.checkup.trials import Record, find_trials
from posecheck.coach.routines.loader import parse_routine
from posecheck.errors import UsageError

TESTS = load_tests()
HAM = TESTS["hamstrings"]
FPS = 10


def _raise(side: str, peaks: list[float], other: list[float] | None = None, knee: float = 178,
           near: str | None = None) -> list[Record]:
    """Leg raises of `side`: 1 s rest, then per trial 1 s up, 1.5 s held, 1 s down, 1 s rest."""
    other = other or [0.0] * len(peaks)
    o = "right" if side == "left" else "left"
    recs, t = [], 0.0

    def add(v: float, ov: float) -> None:
        nonlocal t
        vals = {f"leg_raise_{side}": v, f"leg_raise_{o}": ov, f"knee_{side}": knee, f"knee_{o}": 178.0,
                "body_width": 0.2}
        recs.append(Record(round(t, 2), vals, near or side))
        t += 1 / FPS

    for _ in range(10):
        add(0.0, 0.0)
    for peak, ov in zip(peaks, other):
        for i in range(10):
            add(peak * (i + 1) / 10, ov * (i + 1) / 10)
        for _ in range(15):
            add(peak, ov)
        for i in range(10):
            add(peak * (1 - (i + 1) / 10), ov * (1 - (i + 1) / 10))
        for _ in range(10):
            add(0.0, 0.0)
    return recs


def test_every_builtin_test_loads_with_a_stretch_of_the_catalogue():
    catalog = load_catalog(user_dir=False)
    assert list(TESTS) == ["hamstrings", "hip-flexors", "knee-to-chest", "piriformis", "side-bend", "adductors"]
    for test in TESTS.values():
        assert test.stretch in catalog, test.id
        assert 2 <= test.trials <= 3
        assert test.reference is None or test.reference.source


def test_trials_found_with_their_held_peak():
    trials = find_trials(HAM, _raise("left", [80, 76, 70]))
    assert [t.side for t in trials] == ["left"] * 3
    assert [t.value("left") for t in trials] == pytest.approx([80, 76, 70], abs=0.01)
    assert all(t.valid for t in trials)
    assert trials[0].start_s == pytest.approx(1.3, abs=0.11)   # the value passes start (25°) at 1.3 s


def test_invalid_trials_give_their_reason_and_never_count():
    recs = _raise("right", [60, 75, 58], other=[0, 30, 0])
    trials = find_trials(HAM, recs)
    assert [t.valid for t in trials] == [True, False, True]
    assert trials[1].reason == "the other leg lifted off the floor"
    result = evaluate_test(HAM, trials)
    assert result["sides"]["right"]["value"] == pytest.approx(60, abs=0.01)   # not the invalid 75
    bent = find_trials(HAM, _raise("left", [80], knee=140))
    assert bent[0].reason == "the lifted knee bent"
    wrong_side = find_trials(HAM, _raise("left", [80], near="right"))
    assert "filmed from your right side" in wrong_side[0].reason and "turn around" in wrong_side[0].reason


def test_unseen_metric_is_low_confidence():
    recs = _raise("left", [80])
    for r in recs[20:35]:
        r.values["knee_left"] = math.nan
    (trial,) = find_trials(HAM, recs)
    assert not trial.valid and trial.reason.startswith("low confidence") and "knee" in trial.reason


def _result(left: list[float], right: list[float]) -> dict:
    return evaluate_test(HAM, find_trials(HAM, _raise("left", left)) + find_trials(HAM, _raise("right", right)))


def test_imbalance_beyond_the_noise_is_said_with_the_tighter_side():
    r = _result([80, 78], [60, 58])
    assert r["tighter_side"] == "right" and r["difference"] == pytest.approx(20, abs=0.01)
    assert r["finding"] == ("Right hamstring tighter than the left by ~20°; right below the usual range "
                            "(70–90°), left within it.")


def test_difference_within_the_noise_is_not_claimed():
    r = _result([69, 68], [67, 66])
    assert r["difference"] == pytest.approx(2, abs=0.01) and r["tighter_side"] is None
    assert r["finding"].startswith("Hamstring: no left/right difference beyond the measurement noise (±5°)")
    assert "both below the usual range" in r["finding"]


def test_routine_puts_the_tight_side_first_with_an_extra_set_and_loads(tmp_path):
    tight = _result([80, 78], [60, 58])
    fine = evaluate_test(TESTS["side-bend"], [])
    text = routine_text(TESTS, [fine, tight], "2026-12-01")
    path = tmp_path / "checkup.toml"
    path.write_text(text)
    import tomllib

    routine = parse_routine(tomllib.loads(text), path)
    assert routine.id == "checkup"
    assert [(s.stretch, s.sides) for s in routine.steps] == [
        ("supine-hamstring", ("right", "left")), ("supine-hamstring", ("right",))]
    stretch = routine.steps[0].apply(load_catalog(user_dir=False)["supine-hamstring"])
    assert stretch.sides == ("right", "left") and stretch.dose.reps == 2    # the catalogue's dose


def test_a_later_checkup_shows_the_change():
    before = {"tests": [_result([80, 78], [60, 58])]}
    after = {"tests": [_result([80, 79], [70, 69])]}
    assert compare(before, after) == ["Hamstrings: active straight-leg raise, left: 80 -> 80° (no change beyond the noise)",
                                      "Hamstrings: active straight-leg raise, right: 60 -> 70° (+10°)"]


def test_bad_routine_sides_is_one_line(tmp_path):
    with pytest.raises(UsageError, match=r"step\[0\]\.sides: must list left/right"):
        parse_routine({"id": "x", "step": [{"stretch": "knee-to-chest", "sides": ["up"]}]}, tmp_path / "x.toml")


def test_results_stored_in_the_history_and_the_change_shown(tmp_path):
    """A real SQLite history file: the first check-up stored, the second one compared with it."""
    pytest.importorskip("posecheck.history.store", reason="the history package is not in this tree")
    from posecheck.run.checkup import CheckupOptions, build_result, previous_result, save

    opts = CheckupOptions(out_dir=tmp_path / "out", routine_dir=tmp_path / "r", history_path=tmp_path / "h.db")
    first = build_result(TESTS, {"hamstrings": find_trials(HAM, _raise("left", [80])) +
                                 find_trials(HAM, _raise("right", [60]))}, [{"file": "a.mp4"}])
    save(first, TESTS, opts)
    assert first["history"]["session"] >= 1
    (opts.out_dir / "checkup.json").unlink()          # the change must come from the history
    before = previous_result(opts)
    assert [b["sides"]["right"]["value"] for b in before["tests"]] == [60]
    second = build_result(TESTS, {"hamstrings": find_trials(HAM, _raise("left", [80])) +
                                  find_trials(HAM, _raise("right", [72]))}, [{"file": "b.mp4"}], before)
    assert second["changes"][1] == "Hamstrings: active straight-leg raise, right: 60 -> 72° (+12°)"


def test_a_second_checkup_keeps_the_users_routine_and_names_its_own(tmp_path):
    """The first routine is `checkup`; the user edits it; the next check-ups write dated ids
    beside it, every file loadable, and the report names the id `live --routine` takes."""
    from posecheck.coach.routines import get_routine
    from posecheck.run.checkup import CheckupOptions, build_result, report_lines, save

    opts = CheckupOptions(out_dir=tmp_path / "out", routine_dir=tmp_path / "r", history=False)
    results = []
    for right in (60, 65, 70):
        results.append(build_result(TESTS, {"hamstrings": find_trials(HAM, _raise("left", [80])) +
                                            find_trials(HAM, _raise("right", [right]))}, [{"file": "a.mp4"}]))
        save(results[-1], TESTS, opts)
        if right == 60:
            mine = (opts.routine_dir / "checkup.toml").read_text().replace("transition_s = 10", "transition_s = 20")
            (opts.routine_dir / "checkup.toml").write_text(mine)          # the user's edit
    day = results[0]["created"][:10]
    ids = [r["routine"]["id"] for r in results]
    assert ids == ["checkup", f"checkup-{day}", f"checkup-{day}-2"]
    assert (opts.routine_dir / "checkup.toml").read_text() == mine
    assert get_routine("checkup", [opts.routine_dir], user_dir=False).transition_s == 20
    latest = get_routine(ids[2], [opts.routine_dir], user_dir=False)
    assert latest.path == results[2]["routine"]["path"] and latest.name == f"Check-up routine ({day}-2)"
    assert f"Your routine: posecheck live --routine {ids[2]} (written to {latest.path}; your earlier " \
           "checkup.toml is kept as it was)" in report_lines(results[2])
    assert sorted(p.name for p in opts.routine_dir.iterdir()) == sorted(f"{i}.toml" for i in ids)  # no temp left


ADD = TESTS["adductors"]


def _butterfly(spread: list[float], knee_h: float = 0.3, trunk: float = 3.0) -> list[Record]:
    """Front view: knees apart `spread` (torso lengths) frame by frame, knee height knee_h while
    spread (0.02 with the knees up: they hide the feet, as MediaPipe reads it)."""
    out = []
    for i, k in enumerate(spread):
        h = knee_h if k > 1.0 else 0.02
        vals = {"knees_apart": k, "knee_floor_left": h, "knee_floor_right": h + 0.05, "knee_left": 30.0,
                "knee_right": 30.0, "trunk_lean": trunk, "body_width": 0.55}
        out.append(Record(i / FPS, vals, None))
    return out


def test_butterfly_trials_found_by_the_knees_spreading_not_by_their_height():
    up, down = [0.65] * 10, [1.7] * 20
    trials = find_trials(ADD, _butterfly(up + down + up + down + up))
    assert [(t.start_s, t.end_s) for t in trials] == [(1.0, 2.9), (4.0, 5.9)]
    assert all(t.valid for t in trials)
    assert trials[0].values == {"left": 0.3, "right": 0.35}       # two decimals for torso lengths


def test_a_skeleton_misread_throughout_is_said_before_the_view_and_instead_of_no_trial():
    folded = _butterfly([0.7] * 60, trunk=150.0)                    # never spreads: no trial
    (trial,) = find_trials(ADD, folded)
    assert not trial.valid and trial.reason.startswith("the trunk was folded forward or read upside down")
    assert math.isnan(trial.value("left")) and (trial.start_s, trial.end_s) == (0.0, 5.9)
    side_on = [Record(r.t_s, r.values | {"body_width": 0.2}, None) for r in _butterfly([1.7] * 30, trunk=150.0)]
    (trial,) = find_trials(ADD, side_on)                             # also not facing the camera:
    assert trial.reason.startswith("the trunk was folded")          # the misread is the reason
    block = evaluate_test(ADD, find_trials(ADD, folded))
    assert block["sides"]["left"]["value"] is None and "left adductor not measured" in block["finding"].lower()
    assert find_trials(ADD, _butterfly([0.7] * 60)) == []           # upright, never spread: no trial
