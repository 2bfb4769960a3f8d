"""Full-window cards between and after the coaching: "next up", the pain question and the
session summary. Each is drawn on one clean dark background, never on top of the video or
the coaching panel (a dimmed video behind the words read as a broken screen)."""

from __future__ import annotations

import numpy as np

from posecheck.media.hud import text, widgets
from posecheck.media.hud.layout import HudLayout, Rect

BG = (28, 25, 24)


def _base(canvas: np.ndarray) -> None:
    canvas[:] = BG


def _column(lay: HudLayout) -> Rect:
    w = int(min(lay.width * 0.86, lay.height * 1.6))
    return Rect((lay.width - w) // 2, int(lay.height * 0.07), w, int(lay.height * 0.86))


def next_up(canvas, lay: HudLayout, heading: str, name: str, setup: str, side: str,
            seconds_left: float, frac: float) -> dict[str, Rect]:
    """"Next up (2 of 6)", the stretch, its set-up in one line, the side, a big countdown."""
    _base(canvas)
    col = _column(lay)
    y = text.draw_lines(canvas, [heading], (col.x, col.y), lay.small_px, widgets.CYAN)
    px, lines = text.fit(name, int(lay.title_px * 1.6), col.w, 2, lay.title_px, bold=True)
    y = text.draw_lines(canvas, lines, (col.x, y), px, widgets.WHITE, bold=True, spacing=1.0)
    px, lines = text.fit(setup, lay.cue_px, col.w, 3, int(lay.cue_px * 0.8))
    y = text.draw_lines(canvas, lines, (col.x, y + lay.pad), px, widgets.WHITE)
    if side:
        y = text.draw_lines(canvas, [side], (col.x, y + lay.pad), lay.status_px, widgets.CYAN, bold=True)
    digits = str(max(int(np.ceil(seconds_left - 1e-6)), 0))
    x0, y0, x1, y1 = text.draw(canvas, digits, (lay.width // 2, y + lay.pad), int(lay.timer_px * 1.3),
                               widgets.WHITE, bold=True, anchor="mt")
    bar = Rect(col.x, min(y1 + lay.pad, lay.height - 3 * lay.pad), col.w, max(int(0.025 * lay.height), 6))
    widgets.progress(canvas, bar, frac, widgets.CYAN)
    return {"timer": Rect(x0, y0, x1 - x0, y1 - y0)}


def pain_question(canvas, lay: HudLayout, when: str, seconds_left: float, chosen: int | None) -> dict:
    """"How is your back pain right now?" with the 0-10 scale as big keys."""
    _base(canvas)
    col = _column(lay)
    title = "Before we start" if when == "before" else "Before you go"
    y = text.draw_lines(canvas, [title], (col.x, col.y), lay.small_px, widgets.CYAN)
    px, lines = text.fit("How is your back pain right now?", int(lay.title_px * 1.4), col.w, 2, lay.title_px,
                         bold=True)
    y = text.draw_lines(canvas, lines, (col.x, y), px, widgets.WHITE, bold=True) + lay.pad
    key_w = (col.w - 10 * lay.pad) // 11
    for n in range(11):
        r = Rect(col.x + n * (key_w + lay.pad), y, key_w, key_w)
        widgets.fill(canvas, r, widgets.CYAN if chosen == n else widgets.TRACK)
        text.draw(canvas, str(n), (r.x + r.w // 2, r.y + r.h // 2), int(key_w * 0.6),
                  (20, 20, 20) if chosen == n else widgets.WHITE, bold=True, anchor="mm", outline=0)
    y += key_w + lay.pad // 2
    y = text.draw_lines(canvas, ["0 = no pain · 10 = worst (press 1 then 0)"], (col.x, y), lay.small_px,
                        widgets.GREY)
    hint = f"Press a number key, or Enter to skip ({max(int(np.ceil(seconds_left)), 0)} s)"
    px, lines = text.fit(hint, lay.cue_px, col.w, 2, lay.small_px)
    text.draw_lines(canvas, lines, (col.x, y + lay.pad), px, widgets.WHITE)
    return {}


def summary(canvas, lay: HudLayout, title: str, rows: list[tuple[str, str, tuple]], footer: str) -> dict:
    """The session summary: one row per stretch/side ("Knee to chest, left", "2 of 2 holds ✓")."""
    _base(canvas)
    col = _column(lay)
    px, lines = text.fit(title, int(lay.title_px * 1.4), col.w, 1, lay.title_px, bold=True)
    y = text.draw_lines(canvas, lines, (col.x, col.y), px, widgets.WHITE, bold=True) + lay.pad
    room = col.y1 - y - text.line_height(lay.line_px) - lay.pad
    row_px = lay.cue_px
    while row_px > lay.line_px and len(rows) * int(text.line_height(row_px) * 1.15) > room:
        row_px = int(row_px * 0.9)
    step = int(text.line_height(row_px) * 1.15)
    for label, value, colour in rows[:max(room // step, 1)]:
        vw = text.width(value, row_px)
        _, lab = text.fit(label, row_px, col.w - vw - 2 * lay.pad, 1, row_px)
        text.draw(canvas, lab[0], (col.x, y), row_px, widgets.WHITE)
        text.draw(canvas, value, (col.x1, y), row_px, colour, anchor="rt")
        y += step
    text.draw(canvas, footer, (col.x, col.y1), lay.line_px, widgets.GREY, anchor="lb", outline=0)
    return {}
