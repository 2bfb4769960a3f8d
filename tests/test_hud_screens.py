"""The live window as a person on the mat sees it: real screenshots of a 1920x1080 and a
1280x720 virtual screen (Xvfb + xwd), checked with pixels: the window fills the screen,
the timer digits are at least 10% of the window height, the cue panel is there, nothing
is drawn outside the window, the set-up never says "in position" to someone lying on
their back for cat-cow, and the summary is a card of its own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.media.hud import cards, widgets
from xshots import grab, read_trace, start_xvfb

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("POSECHECK_TEST_SAMPLES", REPO / "samples"))
SHOTS = Path(os.environ.get("POSECHECK_SHOTS", "")) if os.environ.get("POSECHECK_SHOTS") else None
TOL = 14        # colour tolerance, 0-255
SETTLE_S = 0.3  # how long a screen must have been traced before a grab counts as showing it...
SETTLE_LONG_S = 1.0  # ... and for screens that last seconds (a fresh-clone run's "setup" shot had
                     # no side panel; a late repaint is the likely cause, not confirmed)
SHORT = {"cue"}      # the form-cue screen lasts ~0.5 s of the clip


def _near(img: np.ndarray, colour, tol: int = TOL) -> np.ndarray:
    return np.all(np.abs(img.astype(int) - np.asarray(colour)) <= tol, axis=-1)


def _live(display: str, trace: Path, args: list[str]) -> subprocess.Popen:
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", POSECHECK_HUD_TRACE=str(trace),
               PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "posecheck", "live", "--quiet", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _window_rect(display: str) -> tuple[int, int, int, int]:
    out = subprocess.run(["xwininfo", "-display", display, "-name", "posecheck"], capture_output=True,
                         text=True, timeout=10).stdout
    get = {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in out.splitlines()) if v}
    return (int(get["Absolute upper-left X"]), int(get["Absolute upper-left Y"]), int(get["Width"]),
            int(get["Height"]))


def _shots(display: str, proc, trace: Path, want, keys: dict | None = None, timeout=150.0) -> dict:
    """Screenshots of the whole screen, each labelled with the frame shown during it
    (the trace lines before and after the grab agree), until every wanted label is seen."""
    got: dict = {}
    sent = set()
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline and not set(want) <= set(got):
        t0 = time.monotonic()
        shot = grab(display, None)
        t1 = time.monotonic()
        lines = read_trace(trace)
        before = [ln for ln in lines if ln["t"] <= t0]
        after = [ln for ln in lines if t0 < ln["t"] <= t1 + 0.05]
        if shot is None or not before:
            time.sleep(0.2)
            continue
        last = before[-1]
        label = want_label(last)
        # a frame's trace line is written before the window repaints, and the X server shows
        # it later still: only a label traced for SETTLE_S before the grab is surely on screen
        since = t0
        for ln in reversed(before):          # when this label's run of frames began
            if want_label(ln) != label:
                break
            since = ln["t"]
        shown = t0 - since >= (SETTLE_S if label in SHORT else SETTLE_LONG_S)
        if label and shown and all(want_label(ln) == label for ln in after) and label not in got:
            got[label] = (shot, last, _window_rect(display))
        for (screen, status), key in (keys or {}).items():
            if (last["screen"], last.get("status")) == (screen, status) and (screen, status) not in sent \
                    and want_label(last) in got:      # answer only once its screen is captured
                subprocess.run(["xdotool", "key", key], env=dict(os.environ, DISPLAY=display), timeout=10)
                sent.add((screen, status))
        time.sleep(0.05)     # the form-cue screen lasts ~0.5 s of the clip
    return got


def want_label(line: dict) -> str | None:
    screen, status = line["screen"], line.get("status") or ""
    if screen == "coach" and status == "Hold":
        return "holding"
    if screen == "coach" and line.get("cue") and status == "Get into position":
        return "cue"
    if screen == "coach" and status.startswith("Rest"):
        return "rest"
    return {"setup": "setup", "summary": "summary", "pain": "pain", "next": "next"}.get(screen)


def _check_common(shot, line, rect, screen_size):
    x, y, w, h = rect
    sw, sh = screen_size
    assert (w, h) == tuple(line["size"])                      # the canvas is the window, 1:1
    assert w >= 0.85 * sw and h >= 0.8 * sh                   # opens large
    assert x >= 0 and y >= 0 and x + w <= sw and y + h <= sh  # and on the screen
    outside = np.ones(shot.shape[:2], bool)
    outside[y:y + h, x:x + w] = False
    assert int(shot[outside].max(initial=0)) <= 10, "something drawn outside the window"
    for name, (bx, by, bw, bh) in line["boxes"].items():      # every block inside the window
        assert bx >= 0 and by >= 0 and bx + bw <= w and by + bh <= h, name
    return shot[y:y + h, x:x + w]


def _timer_ink_height(win, box) -> int:
    bx, by, bw, bh = box
    ink = np.all(win[by:by + bh, bx:bx + bw] >= 235, axis=-1)    # the white digits
    rows = np.nonzero(ink.sum(axis=1) > 2)[0]
    return int(rows[-1] - rows[0] + 1) if rows.size else 0


def _save(name, win):
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(SHOTS / f"{name}.png"), win)


@pytest.mark.real
@pytest.mark.parametrize("screen", [(1920, 1080), (1280, 720)])
def test_live_screens_at_full_hd_and_720p(tmp_path, screen):
    clip = SAMPLES / "knee-to-chest-left.mp4"
    if not clip.is_file():
        pytest.skip("sample not rendered")
    if shutil.which("xwininfo") is None or shutil.which("xdotool") is None:
        pytest.skip("xwininfo/xdotool not installed (apt-get install x11-utils xdotool)")
    xvfb, display = start_xvfb(screen)
    tag = f"{screen[0]}x{screen[1]}"
    try:
        # 1) cat-cow asked of someone lying on the back; pain "3" before, Enter (skip) after
        trace = tmp_path / "a.jsonl"
        proc = _live(display, trace, ["--stretch", "cat-cow", "--source", str(clip), "--max-seconds", "8",
                                      "--summary", str(tmp_path / "a.json"), "--pain-wait", "30"])
        got = _shots(display, proc, trace, ["pain", "setup", "summary"], keys={("pain", "before"): "3",
                                                                             ("pain", "after"): "Return"})
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        a = json.loads((tmp_path / "a.json").read_text())
        lines = read_trace(trace)
        # 2) a short routine: next-up card, form cue, hold, rest countdown, summary
        (tmp_path / "r.toml").write_text('id = "short"\ntransition_s = 2\n[[step]]\nstretch = "knee-to-chest"\n'
                                         'hold_s = 4\n')
        want_b, got_b = ["next", "cue", "holding", "rest", "summary"], {}
        for attempt in range(3):   # the form-cue screen lasts ~0.5 s: a loaded machine may miss its shot
            trace_b = tmp_path / f"b{attempt}.jsonl"
            proc = _live(display, trace_b, ["--routine", "short", "--routines", str(tmp_path), "--source",
                                            str(clip), "--no-ask-pain", "--summary", str(tmp_path / "b.json")])
            got_b |= _shots(display, proc, trace_b, [w for w in want_b if w not in got_b])
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err[-2000:]
            if set(want_b) <= set(got_b):
                break
    finally:
        xvfb.kill()
        xvfb.wait()

    # the wrong posture: never "Hold still"/"in position", never a hold, the posture said first
    setups = [ln for ln in lines if ln["screen"] == "setup"]
    assert setups and all(ln["status"] == "Get into position" for ln in setups)
    firsts = [ln["lines"][0] for ln in setups]   # no pose yet (first frames): "step into the picture"
    assert set(firsts) <= {"• Get on your hands and knees", "• Step into the picture: I can't see anyone yet"}
    assert firsts.count("• Get on your hands and knees") >= 0.8 * len(firsts), firsts
    assert not any(ln["screen"] == "coach" for ln in lines)
    assert a["holds"] == [] and a["pain"] == {"before": 3, "after": None}   # 3 typed, Enter skipped
    assert set(got) >= {"pain", "setup", "summary"}, sorted(got)
    assert set(got_b) >= {"next", "cue", "holding", "rest", "summary"}, sorted(got_b)

    for name, (shot, line, rect) in {**{f"a-{k}": v for k, v in got.items()},
                                     **{f"b-{k}": v for k, v in got_b.items()}}.items():
        win = _check_common(shot, line, rect, screen)
        _save(f"{tag}-{name}", win)
        h = win.shape[0]
        kind = name[2:]
        if kind in ("setup", "cue", "holding", "rest"):
            panel = _near(win, widgets.PANEL, 3)
            assert panel[:, int(win.shape[1] * 0.7):].mean() > 0.3, name     # the side panel is there
        if name == "a-setup":                  # the wrong posture: amber, never green
            bx, by, bw, bh = line["boxes"]["lines"]
            assert _near(win[by:by + bh, bx:bx + bw], widgets.AMBER).sum() > 200, name
            assert not _near(win, widgets.GREEN)[:, int(win.shape[1] * 0.66):].any(), name
        if kind in ("holding", "rest", "cue"):
            ink = _timer_ink_height(win, line["boxes"]["timer"])
            assert ink >= 0.10 * h, (name, ink, h)
        if kind == "cue":
            bx, by, bw, bh = line["boxes"]["cue"]
            box = win[by:by + bh, bx:bx + bw]
            assert (_near(box, widgets.AMBER) | _near(box, widgets.RED)).mean() > 0.6, name
            assert (box.max(axis=-1) < 60).sum() > 300, name                  # dark text in it
        if kind == "rest":
            bx, by, bw, bh = line["boxes"]["timer"]
            below = win[by + bh:by + bh + int(0.03 * h), bx:]
            assert _near(below, widgets.CYAN).sum() > 50, name                # the rest bar counts down
        if kind == "summary":
            assert _near(win, cards.BG, 3).mean() > 0.6, name                  # a card of its own
            assert _near(win, widgets.PANEL, 3).mean() < 0.01, name            # not over the HUD


def test_the_helper_is_drawn_on_the_window_where_they_are_in_the_scaled_video_not_in_source_pixels():
    """Live with a window: the helper's muted skeleton follows the video's letter box (it was
    drawn in the source's pixels on the window, 2.4x too small and off the helper)."""
    from posecheck.media.helper_overlay import MUTED
    from posecheck.media.hud.layout import letterbox
    from posecheck.media.hud.screen import Screen
    from posecheck.pose.landmarks import INDEX, Pose

    frame = np.zeros((360, 480, 3), np.uint8)
    xy = np.tile([240.0, 180.0], (33, 1))
    xy[INDEX["left_shoulder"]], xy[INDEX["left_hip"]] = (400.0, 60.0), (400.0, 300.0)
    helper = Pose(0.0, xy, xy / (480, 360), np.zeros((33, 3)), np.ones(33), np.ones(33), (480, 360))
    screen = Screen()
    screen.helper = helper
    canvas = screen.coach((1280, 720), frame, None, None, None)
    box = letterbox(480, 360, screen.layout.video)
    k = box.w / 480
    grey = np.all(canvas == MUTED, axis=2)
    x = int(round(box.x + 400 * k))
    column = grey[box.y + int(120 * k):box.y + int(240 * k), x - 2:x + 3]
    assert column.any(axis=1).mean() > 0.9           # the shoulder-hip line, scaled into the box
    assert not grey[60 + 40:300 - 40, 398:403].any()  # nothing at the unscaled source pixels
