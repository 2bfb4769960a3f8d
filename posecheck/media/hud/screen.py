"""One window frame: the source letter-boxed (mirrored first for a camera, so text reads
normally) with the skeleton drawn at display size, plus the panel or a card, all at the
window's own resolution."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from posecheck.media import overlay
from posecheck.media.helper_overlay import draw_helper
from posecheck.media.hud import cards, widgets, words
from posecheck.media.hud.layout import HudLayout, letterbox
from posecheck.media.hud.panel import Gauge, PanelInfo, draw_panel

KEYS = "space pause · n next · p pain · q quit · f full screen"


class Screen:
    """Reuses one canvas per window size; `last_boxes` holds the drawn blocks (tests)."""

    def __init__(self):
        self._canvas: np.ndarray | None = None
        self.layout: HudLayout | None = None
        self.last_boxes: dict = {}
        self.last: dict = {}          # what the last frame showed: screen, status words, cue
        self.helper = None            # a partner stretch's helper, drawn muted on the video

    def _new(self, size: tuple[int, int]) -> np.ndarray:
        w, h = max(int(size[0]), 160), max(int(size[1]), 120)
        if self._canvas is None or self._canvas.shape[:2] != (h, w):
            self._canvas = np.zeros((h, w, 3), np.uint8)
            self.layout = HudLayout.for_window(w, h)
        return self._canvas

    def _video(self, canvas, frame, pose, judged, mirrored: bool) -> None:
        lay = self.layout
        canvas[lay.video.y:lay.video.y1, lay.video.x:lay.video.x1] = 0
        src_h, src_w = frame.shape[:2]
        box = letterbox(src_w, src_h, lay.video)
        img = cv2.flip(frame, 1) if mirrored else frame
        view = canvas[box.y:box.y1, box.x:box.x1]
        cv2.resize(img, (box.w, box.h), dst=view, interpolation=cv2.INTER_LINEAR)
        if pose is not None:
            xy = np.asarray(pose.xy, dtype=float) * (box.w / src_w)
            if mirrored:
                xy[:, 0] = (box.w - 1) - xy[:, 0]
            overlay.draw_skeleton(view, xy, pose.visibility, judged, overlay.Layout.for_size(box.w, box.h))
        if self.helper is not None:   # in the source's pixels: scaled into the letter box
            draw_helper(view, replace(self.helper, xy=np.asarray(self.helper.xy, float) * (box.w / src_w)), mirrored)

    # -- screens ------------------------------------------------------------------------
    def coach(self, size, frame, pose, fb, stretch, *, mirrored=False, paused=False, fps=None,
              step: str = "") -> np.ndarray:
        canvas = self._new(size)
        self._video(canvas, frame, pose, tuple(getattr(fb, "judged", ()) or ()), mirrored)
        info = coach_info(fb, stretch, paused, fps, step)
        self.last_boxes = draw_panel(canvas, self.layout, info)
        self.last = {"screen": "coach", "status": info.status, "cue": info.cue}
        return canvas

    def setup(self, size, frame, pose, title: str, problems, ok_progress: float, *, mirrored=False,
              fps=None, step: str = "") -> np.ndarray:
        canvas = self._new(size)
        self._video(canvas, frame, pose, (), mirrored)
        problems = [words.problem_text(p, mirrored) for p in problems or ()]
        info = PanelInfo(title=title, subtitle=step, footer=footer(fps))
        if problems:
            info.status, info.status_colour = "Get into position", widgets.AMBER
            info.lines = [f"• {p}" for p in problems]
        else:
            info.status, info.status_colour = "Hold still", widgets.GREEN
            info.lines, info.lines_colour = ["In position: starting…"], widgets.GREEN
            info.timer, info.timer_unit, info.timer_frac = None, "", ok_progress
        self.last_boxes = draw_panel(canvas, self.layout, info)
        self.last = {"screen": "setup", "status": info.status, "lines": info.lines}
        return canvas

    def next_up(self, size, heading, name, setup, side, left_s, frac) -> np.ndarray:
        canvas = self._new(size)
        self.last_boxes = cards.next_up(canvas, self.layout, heading, name, setup, side, left_s, frac)
        self.last = {"screen": "next", "status": name}
        return canvas

    def pain(self, size, when: str, left_s: float, chosen: int | None) -> np.ndarray:
        canvas = self._new(size)
        self.last_boxes = cards.pain_question(canvas, self.layout, when, left_s, chosen)
        self.last = {"screen": "pain", "status": when, "chosen": chosen}
        return canvas

    def summary(self, size, summary: dict) -> np.ndarray:
        canvas = self._new(size)
        title, rows, foot = words_summary(summary)
        self.last_boxes = cards.summary(canvas, self.layout, title, rows, foot)
        self.last = {"screen": "summary", "status": title}
        return canvas


# praise in green and the next step in cyan: amber is kept for what the person must change
_CUE_COLOURS = {"hold-steady": widgets.GREEN, "release": widgets.CYAN, "switch-side": widgets.CYAN}


def cue_colour(cue) -> tuple:
    if getattr(cue, "safety", False):
        return widgets.RED
    return _CUE_COLOURS.get(getattr(cue, "id", ""), widgets.AMBER)


def footer(fps) -> str:
    return f"{fps:.0f} fps · {KEYS}" if fps else KEYS


def coach_info(fb, stretch, paused: bool, fps, step: str) -> PanelInfo:
    """What the coaching panel shows for one Feedback, in words."""
    name = getattr(stretch, "name", "") if stretch is not None else ""
    info = PanelInfo(title=name, footer=footer(fps))
    if fb is None:
        info.status, info.subtitle = "Get into position", step
        return info
    kind = getattr(stretch, "kind", "hold")
    sub = [words.side_words(fb.side), *words.counters(fb, stretch), step]
    info.subtitle = " · ".join(s for s in sub if s)
    info.status = words.state_word(fb.state, kind, user_paused=paused, cue_id=getattr(fb.cue, "id", ""))
    info.status_colour = {"holding": widgets.GREEN, "rest": widgets.CYAN, "done": widgets.GREEN,
                          "low_confidence": widgets.RED}.get(fb.state, widgets.AMBER)
    if fb.state == "rest" and fb.rest_left_s > 0:
        total = float(getattr(getattr(stretch, "dose", None), "rest_s", 0) or fb.rest_left_s)
        # the bar shrinks as the rest runs out, so it reads as a countdown from the first frame
        info.timer, info.timer_frac, info.timer_colour = (words.seconds_text(fb.rest_left_s),
                                                          min(1.0, fb.rest_left_s / max(total, 1e-9)), widgets.CYAN)
    elif fb.target_s > 0:
        info.timer = words.seconds_text(fb.target_s - fb.hold_s)
        info.timer_frac = fb.hold_s / fb.target_s
        info.timer_colour = widgets.GREEN if fb.state == "holding" else widgets.AMBER
        if fb.state in ("holding", "paused") and fb.hold_s >= fb.target_s:
            info.status = "Release"
    else:
        reps = getattr(getattr(stretch, "dose", None), "reps", 0) or 0
        info.timer, info.timer_unit = str(fb.reps_done), f"of {reps}" if reps else "reps"
        info.timer_frac, info.timer_colour = fb.reps_done / reps if reps else 0.0, widgets.GREEN
    for metric, value, band, in_band in fb.judged:
        lo, hi = overlay.as_band(band) or (float("nan"), float("nan"))
        colour = overlay.band_colour(value, band, in_band, overlay.near_for(metric))
        info.gauges.append(Gauge(words.gauge_label(metric, value), value, lo, hi,
                                 20.0 if words.is_degrees(metric) else 0.2, colour))
    if fb.cue is not None:
        info.cue = words.cue_text(fb.cue, fb, stretch)
        info.cue_colour = cue_colour(fb.cue)
    return info


def words_summary(summary: dict) -> tuple[str, list, str]:
    """The summary card's rows: holds per stretch and side against the target ("1 of 2 holds
    of 30 s · 31 s held"), reps, pain before/after, and why the session ended."""
    rows = _plan_rows(summary)
    if summary.get("reps") is not None and not any(p.get("kind") == "reps" for p in summary.get("plan", ())):
        rows.append(("Reps", str(summary["reps"]), widgets.WHITE))
    pain = summary.get("pain") or {}
    if pain.get("before") is not None or pain.get("after") is not None:
        fmt = lambda v: "–" if v is None else str(v)
        rows.append(("Pain before → after", f"{fmt(pain.get('before'))} → {fmt(pain.get('after'))}", widgets.WHITE))
    for stop in summary.get("pain_stops", []):
        rows.append(("Stopped for pain", f"{stop['stretch']} at {stop['t_s']:.0f} s", widgets.RED))
    reason = (summary.get("live") or {}).get("end_reason") or ""
    foot = f"{END_WORDS.get(reason, reason.capitalize())} · any key to close".strip(" ·")
    done = any(h.get("completed") for h in summary.get("holds", [])) or summary.get("reps")
    return ("Well done: session over" if done else "Session over"), rows, foot


END_WORDS = {"end of stream": "The video ended", "max-seconds reached": "Time limit reached",
             "camera lost": "The camera was lost", "stopped": "Stopped", "interrupted": "Stopped (Ctrl-C)",
             "window closed": "Window closed"}


def _plan_rows(summary: dict) -> list:
    """One row per planned stretch and side, then any held stretch the plan did not name
    (free mode); "none yet" when nothing was planned or held."""
    groups: dict[tuple, list] = {}
    for hold in summary.get("holds", []):
        groups.setdefault((hold.get("stretch") or summary.get("stretch"), hold.get("side")), []).append(hold)
    rows = []
    for plan in summary.get("plan", ()):
        if plan.get("kind") == "reps":
            want = plan.get("reps") or 0
            got = summary.get("reps") or 0
            rows.append((plan["name"], f"{got} of {want} reps" if want else f"{got} reps",
                         widgets.GREEN if want and got >= want else widgets.AMBER))
            continue
        for side in plan.get("sides") or [None]:
            holds = groups.pop((plan["stretch"], side), [])
            rows.append(_hold_row(plan["name"], side, holds, plan.get("holds_per_side"), plan.get("hold_s")))
    for (sid, side), holds in groups.items():
        rows.append(_hold_row(str(sid).replace("-", " ").capitalize(), side, holds, None,
                              holds[0].get("target_s")))
    return rows or [("Holds", "none yet", widgets.GREY)]


def _hold_row(name: str, side, holds: list, want, hold_s) -> tuple:
    done = sum(1 for h in holds if h.get("completed"))
    secs = sum(h.get("duration_s") or 0 for h in holds)
    want = want or len(holds)
    asked = f"{done} of {want} hold{'s' if want != 1 else ''}" + (f" of {hold_s:.0f} s" if hold_s else "")
    colour = widgets.GREEN if want and done >= want else widgets.AMBER if holds else widgets.GREY
    return (f"{name}, {side}" if side else name, f"{asked} · {secs:.0f} s held", colour)
