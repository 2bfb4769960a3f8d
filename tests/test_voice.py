"""Voice first: what the live coach says, in order, for a real clip (a recording speech
backend), the pain question's keys, the tones, and a real espeak-ng WAV that is not silent."""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from posecheck.coach.catalog import get_stretch, load_catalog
from posecheck.coach.catalog.schema import Cue
from posecheck.coach.results import CueEvent, Feedback
from posecheck.media import tones
from posecheck.media.speech import RecordingSpeaker, render_wav
from posecheck.media.voice import Voice
from posecheck.run.live import LiveOptions, LiveSession
from posecheck.run.livepain import PainKeys

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("POSECHECK_TEST_SAMPLES", REPO / "samples"))


def _fb(t, state, hold_s, target=30.0, side="left", cue=None):
    return Feedback(t, state, side, hold_s, target, 0, 0, cue, (), 0.0, 0)


def _texts(rec: RecordingSpeaker) -> list[str]:
    return [text for _, text in rec.said]


def test_hold_words_come_once_each_at_their_moments():
    rec = RecordingSpeaker()
    voice, st = Voice(rec), get_stretch("knee-to-chest", catalog=load_catalog())
    voice.frame(0.0, _fb(0.0, "entering", 0.0), st)
    for k in range(0, 33):                 # a 30 s hold sampled every second, then 2 s over
        voice.frame(1.0 + k, _fb(1.0 + k, "holding", float(k)), st)
    assert rec.said == [(1.0, "Hold"), (21.0, "10 seconds"), (28.0, "3, 2, 1"), (31.0, "Release")]
    assert [kind for _, kind in rec.tones] == ["start", "last3", "end"]


def test_cues_spoken_as_the_coach_announced_them_and_switch_names_the_side():
    rec = RecordingSpeaker()
    voice, st = Voice(rec), get_stretch("knee-to-chest", catalog=load_catalog())
    events = [CueEvent(1.0, "release", "Time! Slowly release"), CueEvent(2.0, "switch-side", "x")]
    voice.frame(2.0, _fb(2.0, "rest", 0.0), st, events)
    voice.frame(2.1, _fb(2.1, "rest", 0.0), st, events)        # the same events: not again
    assert _texts(rec) == ["Switch to your right side"]


def test_pain_keys_digits_ten_enter_and_timeout():
    k = PainKeys(0.0, 8.0)
    k.key(ord("4"), 0.5)
    assert k.done and k.value == 4
    k = PainKeys(0.0, 8.0)
    k.key(ord("1"), 0.5)
    k.key(ord("0"), 0.9)
    assert k.done and k.value == 10
    k = PainKeys(0.0, 8.0)
    k.key(ord("1"), 0.5)
    k.key(-1, 1.2)
    assert not k.done
    k.key(-1, 1.6)                        # a lone "1" after the 1 s window for a "0"
    assert k.done and k.value == 1
    k = PainKeys(0.0, 8.0)
    k.key(13, 0.2)                        # Enter skips
    assert k.done and k.value is None
    k = PainKeys(0.0, 2.0)
    k.key(-1, 1.9)
    assert not k.done
    k.key(-1, 2.0)                        # waiting skips
    assert k.done and k.value is None


def test_tones_are_short_audible_and_click_free():
    for kind in ("start", "last3", "end"):
        x = tones.samples(kind)
        assert 0.1 <= x.size / tones.RATE <= 0.6
        assert float(np.sqrt(np.mean(x ** 2))) > 0.1
        assert abs(x[0]) < 0.01 and abs(x[-1]) < 0.01
    played = []
    ts = tones.ToneSpeaker(player=played.append)
    ts.tone("start")
    ts.tone("end")
    ts.close(timeout=2)
    assert played == ["start", "end"]


@pytest.mark.skipif(not (shutil.which("espeak-ng") or shutil.which("espeak")), reason="espeak-ng not installed")
def test_espeak_renders_a_real_wav_that_is_not_silent(tmp_path):
    out = tmp_path / "hold.wav"
    assert render_wav("Hold. 3, 2, 1. Release.", out)
    with wave.open(str(out)) as w:
        rate, n = w.getframerate(), w.getnframes()
        x = np.frombuffer(w.readframes(n), "<i2").astype(float) / 32768
    assert 0.8 <= n / rate <= 6.0                         # seconds of speech
    assert float(np.sqrt(np.mean(x ** 2))) > 0.02          # RMS well above silence


@pytest.mark.real
def test_spoken_sequence_for_a_sample_clip(tmp_path):
    """The routine's words on a real clip: intro, hold, countdown, release, switch side, summary."""
    clip = SAMPLES / "knee-to-chest-left.mp4"
    if not clip.is_file():
        pytest.skip("sample not rendered")
    (tmp_path / "r.toml").write_text('id = "short"\ntransition_s = 1\n[[step]]\nstretch = "knee-to-chest"\n'
                                     'hold_s = 5\n')
    rec = RecordingSpeaker()
    summary = LiveSession(LiveOptions(routine="short", source=str(clip), window=False, realtime=False,
                                      routine_dirs=(tmp_path,)), echo=lambda m: None, speaker=rec).run()
    said = _texts(rec)
    assert said[0] == "Next up: Knee to chest, lying on your back, knees bent, feet flat, left side first."
    order = [said.index(w) for w in ("Hold", "3, 2, 1", "Release", "Switch to your right side")]
    assert order == sorted(order)
    assert "10 seconds" not in said                        # a 5 s hold has no "10 seconds"
    assert said[-1].startswith("Session over. 1 of 1 holds done")
    hold = summary["holds"][0]
    times = dict((text, t) for t, text in reversed(rec.said))
    dwell = load_catalog()["knee-to-chest"].timing.dwell_s    # "Hold" once the hold is confirmed
    assert times["Hold"] == pytest.approx(hold["start_s"] + dwell, abs=0.2)
    assert times["3, 2, 1"] == pytest.approx(hold["start_s"] + 5.0 - 3.0, abs=0.2)
    assert times["Release"] == pytest.approx(hold["start_s"] + 5.0, abs=0.2)
    assert summary["pain"] == {"before": None, "after": None}   # no window, not asked
