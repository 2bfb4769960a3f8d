"""`posecheck live`: routines, speech, the headless loop on real and rendered clips, a camera
that disappears mid-session, and the real window under Xvfb (checked from a screenshot)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.media import capture
from posecheck.errors import UsageError
from posecheck.run.live import LiveOptions, LiveSession, session_line
from posecheck.coach.routines import get_routine, load_routines
from posecheck.media.speech import Speaker
from xshots import grab, read_trace, start_xvfb

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
SAMPLES = Path(os.environ.get("POSECHECK_TEST_SAMPLES", REPO / "samples"))
HOLD_TOL_S = 1.0      # live holds vs the clip's truth / analyze, as the acceptance states


def _sample(name: str) -> Path:
    path = SAMPLES / f"{name}.mp4"
    if not path.is_file():
        pytest.skip(f"sample clip {path.name} not rendered (posecheck samples render)")
    return path


def _truth(clip: Path) -> dict:
    return json.loads(clip.with_suffix(".truth.json").read_text())["expect"]


def _quiet(msg: str) -> None:
    pass


# -- routines -----------------------------------------------------------------------------
def test_low_back_routine_uses_catalogue_stretches():
    from posecheck.coach.catalog import load_catalog

    catalog = load_catalog(user_dir=False)
    routine = get_routine("low-back", catalog=catalog, user_dir=False)
    ids = [s.stretch for s in routine.steps]
    assert ids == ["cat-cow", "knee-to-chest", "piriformis", "spinal-twist", "hip-flexor-lunge",
                   "childs-pose"]
    assert routine.transition_s == 10.0
    step = routine.steps[1]
    stretch = step.apply(catalog[step.stretch])
    assert stretch.dose.hold_s == 30.0 and stretch.sides == catalog["knee-to-chest"].sides
    assert routine.steps[0].apply(catalog["cat-cow"]).dose.reps == 10


def test_user_routine_dir_overrides_and_adds(tmp_path):
    (tmp_path / "mine.toml").write_text('id = "mine"\ntransition_s = 3\n[[step]]\nstretch = "plank"\nhold_s = 20\n')
    routines = load_routines([tmp_path], user_dir=False)
    assert set(routines) == {"low-back", "mine"}
    assert routines["mine"].steps[0].dose == {"hold_s": 20.0}
    assert routines["mine"].transition_s == 3.0


@pytest.mark.parametrize("text, words", [
    ('id = "x"\n', "step: missing"),
    ('id = "x"\n[[step]]\nstretch = "plank"\nhold = 3\n', "step[0].hold: unknown key"),
    ('id = "x"\n[[step]]\nstretch = "plank"\nreps = 1.5\n', "step[0].reps: must be a whole number"),
    ('id = "X Y"\n[[step]]\nstretch = "plank"\n', "id: missing or not lower-case"),
    ('id = "x"\ncolour = 1\n[[step]]\nstretch = "plank"\n', "colour: unknown key"),
    ('id = "x"\n[[step\n', "not valid TOML"),
])
def test_bad_routine_file_is_one_line_usage_error(tmp_path, text, words):
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(UsageError) as err:
        load_routines([tmp_path], user_dir=False)
    assert words in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 2


def test_unknown_routine_and_unknown_stretch_in_routine(tmp_path):
    from posecheck.coach.catalog import load_catalog

    with pytest.raises(UsageError, match="unknown routine 'nope'; known routines: low-back"):
        get_routine("nope", user_dir=False)
    (tmp_path / "odd.toml").write_text('id = "odd"\n[[step]]\nstretch = "handstand"\n')
    with pytest.raises(UsageError, match="'handstand' is not in the catalogue"):
        get_routine("odd", [tmp_path], catalog=load_catalog(user_dir=False), user_dir=False)


@pytest.mark.parametrize("kwargs, words", [
    (dict(stretch="plank", routine="low-back"), "not both"),
    (dict(stretch="handstand"), "unknown stretch 'handstand'"),
])
def test_live_usage_errors(kwargs, words):
    with pytest.raises(UsageError, match=words):
        LiveSession(LiveOptions(window=False, **kwargs), echo=_quiet)


# -- speech -------------------------------------------------------------------------------
def test_speaker_never_blocks_and_keeps_only_the_newest_cue():
    gate, talking = threading.Event(), threading.Event()
    said = []

    def slow_engine(text):
        talking.set()
        gate.wait(5)
        said.append(text)

    speaker = Speaker(slow_engine, repeat_s=60)
    start = time.monotonic()
    speaker.say("one")
    assert talking.wait(2)
    for text in ("two", "three", "four", "two"):
        speaker.say(text)
    assert time.monotonic() - start < 0.5             # no call waits for the engine
    gate.set()
    for _ in range(100):
        if len(said) >= 2:
            break
        time.sleep(0.01)
    speaker.close(timeout=2)
    # "one" was being spoken; of the rest only the newest unspoken survived; "two" repeated too soon
    assert said == ["one", "four"]


def test_speaker_repeats_only_after_the_cooldown():
    said = []
    speaker = Speaker(said.append, repeat_s=0.2)
    assert speaker.say("a") is True
    time.sleep(0.05)
    assert speaker.say("a") is False
    time.sleep(0.25)
    assert speaker.say("a") is True
    time.sleep(0.1)
    speaker.close()
    assert said == ["a", "a"]


def test_no_speech_engine_warns_once_and_falls_back_to_tones(monkeypatch):
    from posecheck.media import speech
    from posecheck.media.tones import ToneSpeaker

    monkeypatch.setattr(speech, "find_engine", lambda: None)
    warnings = []
    fallback = Speaker.create(warn=warnings.append)
    assert isinstance(fallback, ToneSpeaker)
    assert len(warnings) == 1 and "tones will mark each hold's start, last 3 s and end" in warnings[0]
    fallback.close()


# -- the loop, headless ----------------------------------------------------------------------
def _holds_match(got: list[dict], want: list[dict], tol: float = HOLD_TOL_S) -> None:
    assert len(got) == len(want), (got, want)
    for g, w in zip(got, want):
        assert g["side"] == w["side"]
        assert g["start_s"] == pytest.approx(w["start_s"], abs=tol)
        assert g["end_s"] == pytest.approx(w["end_s"], abs=tol)


def _rendered_samples() -> list[str]:
    return sorted(p.name.removesuffix(".truth.json") for p in SAMPLES.glob("*.truth.json")) or ["bridge"]


@pytest.mark.real
@pytest.mark.parametrize("name", _rendered_samples())
def test_every_frame_live_finds_analyzes_holds(tmp_path, name):
    """Same coach, same holds: live (set-up screen first) vs analyze, within 1 s; reps exact.
    Every rendered sample; the no-stretch clip is coached as knee-to-chest and must give no hold."""
    from posecheck import analyze

    clip = _sample(name)
    stretch = _truth(clip)["stretch"] or "knee-to-chest"
    out = tmp_path / "s.json"
    opts = LiveOptions(stretch=stretch, source=str(clip), window=False, summary=out, realtime=False)
    summary = LiveSession(opts, echo=_quiet).run()
    offline = analyze(clip, stretch, out_dir=tmp_path, annotate=False, plot=False)
    assert json.loads(out.read_text()) == json.loads(json.dumps(summary))
    _holds_match(summary["holds"], offline["holds"])
    assert summary["reps"] == offline["reps"]
    assert summary["live"]["frames_dropped"] == 0
    assert summary["frames"] == summary["live"]["frames_read"] == offline["frames"]


@pytest.mark.real
def test_realtime_live_matches_analyze_on_a_sample(tmp_path):
    """The acceptance: live (file played as a camera) finds analyze's holds within 1 s."""
    from posecheck import analyze

    clip = _sample("knee-to-chest-left")
    stretch = _truth(clip)["stretch"]
    live = LiveSession(LiveOptions(stretch=stretch, source=str(clip), window=False,
                                   summary=tmp_path / "live.json"), echo=_quiet).run()
    offline = analyze(clip, stretch, out_dir=tmp_path, annotate=False, plot=False)
    _holds_match(live["holds"], offline["holds"])
    info = live["live"]
    assert info["end_reason"] == "end of stream"
    assert info["frames_read"] == offline["frames"]
    # played at the file's rate: the wall time is the clip's duration (±20%, + model warm-up)
    assert info["wall_s"] == pytest.approx(offline["duration_s"], rel=0.2, abs=1.0)
    assert info["latency_ms"]["median"] < 1000.0
    for key in ("video", "stretch", "fps", "frames", "frames_with_pose", "duration_s", "model",
                "holds", "reps", "cues", "angles"):
        assert key in live
    assert set(live["angles"]) >= {"hip_left", "knee_left"}


@pytest.mark.real
def test_cli_live_on_a_real_video_writes_the_summary(tmp_path):
    clip = REAL / "sports2d_demo.mp4"
    if not clip.is_file():
        pytest.skip("../shared/data/real absent")
    out, rec = tmp_path / "s.json", tmp_path / "rec.mp4"
    proc = subprocess.run([sys.executable, "-c", "from posecheck.cli.app import main; main()", "live",
                           "--stretch", "standing-hamstring", "--source", str(clip), "--no-window",
                           "--summary", str(out), "--record", str(rec), "--max-seconds", "60"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    summary = json.loads(out.read_text())
    live = summary["live"]
    assert live["end_reason"] == "end of stream"
    assert live["frames_read"] == 230                        # the container's frame count
    assert live["frames_dropped"] + summary["frames"] == pytest.approx(230, abs=1)
    assert summary["frames_with_pose"] >= 0.5 * summary["frames"]   # a cyclist, mostly seen
    assert summary["angles"]["knee_left"]["min"] < summary["angles"]["knee_left"]["max"]
    assert "session (end of stream)" in proc.stderr and "latency median" in proc.stderr
    cap = cv2.VideoCapture(str(rec))
    # the recording repeats frames over drops, so with what the encoder had to drop (a busy
    # CPU) it accounts for the source's whole length (±2 frames)
    written = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    assert written == live["record"]["frames_written"]
    assert written + live["record"]["frames_dropped"] == pytest.approx(230, abs=2)
    assert (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))) == (1768, 994)


class _DyingCamera:
    """A 'camera' showing a clip at its frame rate that goes dark after `frames` frames."""

    def __init__(self, clip: Path, frames: int):
        self.cap = cv2.VideoCapture(str(clip))
        self.fps = self.cap.get(cv2.CAP_PROP_FPS)
        self.left = frames

    def read(self):
        time.sleep(1.0 / self.fps)
        if self.left <= 0:
            return False, None
        self.left -= 1
        return self.cap.read()

    def get(self, prop):
        return self.cap.get(prop)

    def release(self):
        self.cap.release()


@pytest.mark.real
def test_camera_lost_mid_session_keeps_what_was_measured(tmp_path, monkeypatch):
    clip = _sample("knee-to-chest-left")          # hold from 4 s to 14 s; the camera dies at 10 s
    monkeypatch.setattr(capture, "open_source", lambda src: (_DyingCamera(clip, 100), "camera"))
    monkeypatch.setattr(capture, "LOST_AFTER_S", 0.5)
    out = tmp_path / "s.json"
    summary = LiveSession(LiveOptions(stretch="knee-to-chest", source="0", window=False, summary=out,
                                      setup=False), echo=_quiet).run()
    written = json.loads(out.read_text())
    assert written["live"]["end_reason"] == "camera lost"
    assert written["live"]["source_kind"] == "camera"
    assert 50 <= written["frames"] <= 100
    assert len(summary["holds"]) == 1
    hold = summary["holds"][0]
    assert hold["side"] == "left" and not hold["completed"]
    # camera time runs from the first frame; model warm-up may shift it by a little
    assert hold["start_s"] == pytest.approx(4.0, abs=1.5)
    assert hold["end_s"] == pytest.approx(10.0, abs=1.5)


def test_session_line_reports_fps_latency_and_drops():
    line = session_line({"holds": [{"side": "left", "duration_s": 30.04, "completed": True}], "reps": None,
                         "cues": [1, 2], "live": {"end_reason": "quit", "fps": 24.5, "frames_read": 300,
                                                  "frames_dropped": 12,
                                                  "latency_ms": {"median": 61.0, "p95": 80.0}}})
    assert line == ("session (quit): holds left 30.0s✓; reps None; 2 cues; 24.5 fps; latency median "
                    "61.0 ms p95 80.0 ms; frames 300 read, 12 dropped")


# -- the real window under Xvfb --------------------------------------------------------------
def _xvfb():
    return start_xvfb()


def _grab(display: str, window: str = "posecheck") -> np.ndarray | None:
    return grab(display, window)


def _hud_seen(shot: np.ndarray | None, line: dict | None) -> dict[str, bool]:
    """Which HUD parts a window screenshot shows, at the blocks the frame's trace names:
    the side panel, the timer's white digits (>= 10% of the window height), the cue box."""
    from test_hud_screens import _near, _timer_ink_height
    from posecheck.media.hud import widgets

    if shot is None or line is None or tuple(shot.shape[1::-1]) != tuple(line["size"]):
        return {}
    h, w = shot.shape[:2]
    seen = {"panel": _near(shot[:, int(w * 0.7):], widgets.PANEL, 3).mean() > 0.3}
    if "timer" in line["boxes"]:
        seen["timer"] = _timer_ink_height(shot, line["boxes"]["timer"]) >= 0.10 * h
    if line.get("cue"):
        x, y, bw, bh = line["boxes"]["cue"]
        seen["cue"] = bool(_near(shot[y:y + bh, x:x + bw], widgets.AMBER).mean() > 0.5)
    return seen


@pytest.mark.real
def test_window_under_xvfb_shows_the_overlay(tmp_path):
    clip = _sample("knee-to-chest-left")
    xvfb, display = _xvfb()
    trace = tmp_path / "trace.jsonl"
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", POSECHECK_HUD_TRACE=str(trace))
    out = tmp_path / "s.json"
    live = subprocess.Popen([sys.executable, "-c", "from posecheck.cli.app import main; main()", "live",
                             "--stretch", "knee-to-chest", "--source", str(clip), "--no-setup", "--quiet",
                             "--no-ask-pain", "--summary", str(out), "--max-seconds", "14"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen, judged = {"panel": False, "timer": False, "cue": False}, []
    try:
        deadline = time.monotonic() + 120
        while live.poll() is None and time.monotonic() < deadline and not all(seen.values()):
            t0 = time.monotonic()
            shot = _grab(display)
            line = _settled_line(trace, t0, time.monotonic())
            for part, ok in _hud_seen(shot, line).items():
                seen[part] = seen[part] or ok
            judged += [line["screen"]] if line and shot is not None else []
            time.sleep(0.1)
        _, err = live.communicate(timeout=120)
    finally:
        if live.poll() is None:
            live.kill()
        xvfb.kill()
        xvfb.wait()
    assert seen == {"panel": True, "timer": True, "cue": True}, (judged, err[-1000:])
    assert live.returncode == 0, err[-2000:]


def _settled_line(trace: Path, t0: float, t1: float, settle_s: float = 0.3) -> dict | None:
    """The trace line a grab taken between t0 and t1 surely shows: its screen traced for
    settle_s before the grab and unchanged until the grab ended (a frame's line is written
    before the window repaints, and X shows it later still); None when unsure."""
    lines = read_trace(trace)
    before = [ln for ln in lines if ln["t"] <= t0]
    if not before:
        return None
    last, since = before[-1], before[-1]["t"]
    for ln in reversed(before):
        if (ln["screen"], ln.get("status"), ln.get("cue")) != (last["screen"], last.get("status"), last.get("cue")):
            break
        since = ln["t"]
    after = [ln for ln in lines if t0 < ln["t"] <= t1]
    if t0 - since < settle_s or any(ln["screen"] != last["screen"] for ln in after):
        return None
    return last
    assert json.loads(out.read_text())["live"]["frames_read"] > 0


# -- keys and routines, without the model ----------------------------------------------------------
def _session(tmp_path, **kwargs) -> LiveSession:
    (tmp_path / "two.toml").write_text('id = "two"\ntransition_s = 2\n[[step]]\nstretch = "knee-to-chest"\n'
                                       'hold_s = 5\n[[step]]\nstretch = "childs-pose"\n')
    return LiveSession(LiveOptions(window=False, routine_dirs=(tmp_path,), **kwargs), echo=_quiet)


def test_routine_plan_has_countdowns_and_step_doses(tmp_path):
    session = _session(tmp_path, routine="two")
    assert [(s.stretch.id, s.countdown_s) for s in session.steps] == [("knee-to-chest", 2.0),
                                                                       ("childs-pose", 2.0)]
    assert session.steps[0].stretch.dose.hold_s == 5.0
    assert session.steps[1].stretch.dose == session.catalog["childs-pose"].dose


def test_keys_pause_next_and_pain_stop(tmp_path):
    from posecheck.coach.machine import Coach

    session = _session(tmp_path, routine="two")
    first = session.steps[0]
    first.coach, first.status = Coach(first.stretch), "started"
    session.stats.last_t = 7.5
    session._keys(ord(" "))
    assert session.paused and first.coach.user_paused
    session._keys(ord(" "))
    assert not session.paused and not first.coach.user_paused
    session._keys(ord("n"))                                  # next: the first step is skipped
    assert first.status == "skipped" and session.current == 1 and not session.quit
    second = session.steps[1]
    second.coach, second.status = Coach(second.stretch), "started"
    session._keys(ord("p"))                                  # pain: ends the stretch, logged
    assert second.status == "pain stop" and second.coach.result().pain_stops == [7.5]
    assert session.quit and session.end_reason == "routine finished"
    session._keys(ord("q"))
    assert session.end_reason == "quit"


@pytest.mark.real
def test_routine_runs_countdown_setup_and_coach_on_a_clip(tmp_path):
    clip = _sample("knee-to-chest-left")
    (tmp_path / "r.toml").write_text('id = "short"\ntransition_s = 1\n[[step]]\nstretch = "knee-to-chest"\n'
                                     'hold_s = 5\n')
    summary = LiveSession(LiveOptions(routine="short", source=str(clip), window=False, realtime=False,
                                      routine_dirs=(tmp_path,)), echo=_quiet).run()
    assert summary["stretch"] == "short"
    assert summary["routine"] == {"id": "short", "steps": [{"stretch": "knee-to-chest", "status": "stopped"}]}
    hold = summary["holds"][0]
    assert hold["stretch"] == "knee-to-chest" and hold["side"] == "left"
    assert hold["target_s"] == 5.0 and hold["completed"]
    truth = _truth(clip)["holds"][0]                         # the clip's own hold, not the routine's
    assert hold["start_s"] == pytest.approx(truth["start_s"], abs=HOLD_TOL_S)
