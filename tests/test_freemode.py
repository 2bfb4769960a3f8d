"""`posecheck live` with no stretch: free mode recognises and coaches (pure logic, then real clips)."""

from __future__ import annotations

from pathlib import Path

import pytest

from posecheck.coach.catalog.schema import Band, Dose, Judge, Stretch
from posecheck.coach.recognize import ENTER_HOLD_S
from posecheck.run.freemode import PLACEHOLDER, FreeCoach

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
FPS = 10.0


def _stretch(sid: str, metric: str) -> Stretch:
    return Stretch(sid, sid.upper(), "anywhere", "any", (), "hold", "", "", "", (),
                   Dose(hold_s=5.0), (Judge(metric, Band(60, 100), Band(55, 105)),), ())


class _Step:
    stretch = PLACEHOLDER


TOY = {"a": _stretch("a", "knee_left"), "b": _stretch("b", "hip_left")}
IDLE = {"knee_left": 170.0, "hip_left": 170.0}


def test_recognises_says_it_and_times_the_hold_from_its_start():
    step = _Step()
    free = FreeCoach(TOY, step)
    said = []
    for i in range(int(12 * FPS)):
        t = i / FPS
        values = {**IDLE, "knee_left": 80.0} if 2.0 <= t < 10.0 else dict(IDLE)
        fb = free.update(t, values)
        if fb is not None and fb.cue is not None and fb.cue.id == "recognised":
            said.append((t, fb.cue.text))
        if t == pytest.approx(5.0):
            assert step.stretch.id == "a"
    # decided once the position was held ENTER_HOLD_S, and said once
    assert len(said) == 1 and said[0][1].startswith("A:")
    assert said[0][0] == pytest.approx(2.0 + ENTER_HOLD_S, abs=0.15)
    (hold,) = free.result().holds
    assert hold.start_s == pytest.approx(2.0, abs=1.05)   # the coach's own dwell, replayed
    assert hold.end_s == pytest.approx(9.9, abs=1.05)
    assert free.result().stretch == "a"


def test_n_cycles_to_the_next_candidate_until_the_position_changes():
    step = _Step()
    free = FreeCoach(TOY, step)
    both = {"knee_left": 80.0, "hip_left": 70.0}   # a and b both fit: the ranking has two
    for i in range(int(5 * FPS)):
        free.update(i / FPS, both)
    first = free.current
    assert first in ("a", "b")
    nxt = free.cycle(5.0)
    assert nxt != first and free.current == nxt
    free.update(5.1, both)
    assert step.stretch.id == nxt


# -- real clips: live free mode vs analyze --stretch auto ----------------------------------
# Every sample: scripts/freemode_check.py (two model runs a clip, too slow for the suite;
# docs/ACCURACY.md has its result). Here one sample of each way free mode can part from
# analyze: a fault inside the hold, several holds in a row, a change of side, a kneeling
# posture, the face-up stretch live's set-up found hardest, and no stretch at all.
FREE_SUBSET = {"knee-to-chest-other-leg-lifted-left": 1, "bridge-reps": 3, "supine-hamstring-even": 2,
               "childs-pose": 1, "piriformis-left": 1, "idle-standing": 0}   # name: holds


@pytest.mark.parametrize("name", sorted(FREE_SUBSET))
def test_free_live_finds_the_holds_analyze_auto_finds(name, model):
    from posecheck.run.freecheck import auto_analyze, compare, free_live

    live = free_live(SAMPLES / f"{name}.mp4", realtime=False)
    offline = auto_analyze(SAMPLES / f"{name}.mp4")
    assert len(offline["holds"]) == FREE_SUBSET[name], offline["holds"]
    assert compare(live, offline) == []       # same count and sides, ends within 1 s
    assert live["stretch"] == offline["stretch"]
    assert {s["stretch"] for s in live["segments"]} == ({offline["stretch"]} if FREE_SUBSET[name] else set())
