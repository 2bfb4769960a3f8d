"""The panel beside (or below) the video: what the person needs from the mat, biggest
first: state word, timer, side and counters, band gauges, the one cue, a status line.
Every block has a fixed place, so nothing jumps and nothing overlaps; text is fitted to
its block (wrapped, then shrunk, then ended with "…"), never cut."""

from __future__ import annotations

from dataclasses import dataclass, field

from posecheck.media.hud import text, widgets
from posecheck.media.hud.layout import HudLayout, Rect

DARK = (20, 20, 20)


@dataclass
class Gauge:
    label: str           # "Left hip 92°"
    value: float
    lo: float
    hi: float
    pad: float           # the gauge's margin either side of the band
    colour: tuple


@dataclass
class PanelInfo:
    title: str
    subtitle: str = ""
    status: str = ""
    status_colour: tuple = widgets.GREY
    timer: str | None = None
    timer_unit: str = "s"
    timer_frac: float = 0.0
    timer_colour: tuple = widgets.GREY
    gauges: list[Gauge] = field(default_factory=list)
    cue: str | None = None
    cue_colour: tuple = widgets.AMBER
    lines: list[str] = field(default_factory=list)      # set-up: what to change
    lines_colour: tuple = widgets.AMBER
    footer: str = ""


def draw_panel(img, lay: HudLayout, info: PanelInfo) -> dict[str, Rect]:
    """Draw the panel; the rectangles of its blocks (tests measure them)."""
    widgets.fill(img, lay.panel, widgets.PANEL)
    inner = lay.panel.inset(lay.pad)
    if lay.side:
        left = right = inner
    else:
        cw = int(inner.w * 0.42)
        left, right = Rect(inner.x, inner.y, cw, inner.h), Rect(inner.x + cw + lay.pad, inner.y,
                                                                inner.w - cw - lay.pad, inner.h)
    boxes: dict[str, Rect] = {}
    gap = lay.pad // 2
    footer_h = text.line_height(lay.line_px)
    bottom = right.y1 - footer_h
    fpx, foot = text.fit(info.footer, lay.line_px, right.w, 1, int(lay.line_px * 0.6))
    text.draw(img, foot[0], (right.x, right.y1), fpx, widgets.GREY, anchor="lb", outline=0)
    cue_lines = 3 if lay.side else 4
    cue_h = int(text.line_height(lay.cue_px) * 1.1) * cue_lines + 2 * gap
    boxes["cue"] = cue_box = Rect(right.x, bottom - gap - cue_h, right.w, cue_h)
    if info.cue:
        _cue(img, cue_box, info.cue, info.cue_colour, lay, gap, cue_lines)
    y = _title(img, inner, info, lay, boxes) if lay.side else left.y
    y = _status_and_timer(img, Rect(left.x, y, left.w, left.y1 - y), info, lay, boxes)
    if not lay.side:
        y = _title(img, right, info, lay, boxes)
    if info.lines:
        _lines(img, Rect(right.x, y + gap, right.w, cue_box.y - y - 2 * gap), info, lay, boxes)
    else:
        _gauges(img, Rect(right.x, y + gap, right.w, cue_box.y - y - 2 * gap), info.gauges, lay, boxes)
    return boxes


def _title(img, r: Rect, info: PanelInfo, lay: HudLayout, boxes) -> int:
    px, lines = text.fit(info.title, lay.title_px, r.w, 2 if lay.side else 1, lay.small_px, bold=True)
    y = text.draw_lines(img, lines, (r.x, r.y), px, widgets.WHITE, bold=True, spacing=1.0)
    if info.subtitle:
        sp, sub = text.fit(info.subtitle, lay.small_px, r.w, 1, lay.line_px)
        y = text.draw_lines(img, sub, (r.x, y), sp, widgets.CYAN)
    boxes["title"] = Rect(r.x, r.y, r.w, y - r.y)
    return y + lay.pad // 2


def _status_and_timer(img, r: Rect, info: PanelInfo, lay: HudLayout, boxes) -> int:
    y = r.y
    if info.status:
        mh = int(lay.status_px * 0.8)
        widgets.mark(img, (r.x + mh // 2, y + text.line_height(lay.status_px) // 2), mh, info.status_colour)
        px, lines = text.fit(info.status, lay.status_px, r.w - mh - lay.pad, 1, lay.small_px, bold=True)
        text.draw(img, lines[0], (r.x + mh + lay.pad // 2, y), px, widgets.WHITE, bold=True)
        y += text.line_height(lay.status_px)
    if info.timer is not None:
        unit_w = text.width(" " + info.timer_unit, lay.status_px) if info.timer_unit else 0
        px = lay.timer_px
        # the drawn patch is wider than the advance by its outline (px/12 each side)
        while px > lay.status_px and text.width(info.timer, px, True) + px // 6 + 2 + unit_w > r.w:
            px = int(px * 0.92)
        x0, y0, x1, y1 = text.draw(img, info.timer, (r.x, y), px, widgets.WHITE, bold=True)
        if info.timer_unit:
            text.draw(img, " " + info.timer_unit, (x1, y1 - int(px * 0.25)), lay.status_px, widgets.GREY,
                      anchor="lb")
        boxes["timer"] = Rect(x0, y0, x1 - x0, y1 - y0)
        y = y1
        bar = Rect(r.x, y, r.w, max(int(0.03 * lay.height), 6))
        widgets.progress(img, bar, info.timer_frac, info.timer_colour)
        y = bar.y1
    return y + lay.pad


def _gauges(img, r: Rect, gauges: list[Gauge], lay: HudLayout, boxes) -> None:
    label_h = text.line_height(lay.small_px)
    gh = max(int(0.035 * lay.height), 10)
    each = label_h + gh + lay.pad // 2
    y = r.y
    for g in gauges[:max(r.h // each, 0)]:
        px, lines = text.fit(g.label, lay.small_px, r.w, 1, lay.line_px)
        text.draw(img, lines[0], (r.x, y), px, g.colour if g.colour != widgets.GREEN else widgets.WHITE)
        widgets.band_gauge(img, Rect(r.x + gh // 2, y + label_h, r.w - gh, gh), g.value, g.lo, g.hi, g.pad,
                           g.colour)
        boxes.setdefault("gauges", Rect(r.x, r.y, r.w, 0))
        y += each
    if "gauges" in boxes:
        boxes["gauges"] = Rect(r.x, r.y, r.w, y - r.y)


def _lines(img, r: Rect, info: PanelInfo, lay: HudLayout, boxes) -> None:
    """The set-up list: each thing to change, wrapped, as big as the cue text."""
    max_lines = max(r.h // int(text.line_height(lay.cue_px) * 1.1), 1)
    px, wrapped = text.fit("\n".join(info.lines), lay.cue_px, r.w, max_lines, int(lay.cue_px * 0.8))
    y = text.draw_lines(img, wrapped, (r.x, r.y), px, info.lines_colour)
    boxes["lines"] = Rect(r.x, r.y, r.w, y - r.y)


def _cue(img, r: Rect, cue: str, colour, lay: HudLayout, gap: int, max_lines: int) -> None:
    widgets.fill(img, r, colour)
    ink = DARK if colour in (widgets.AMBER, widgets.CYAN, widgets.GREEN) else widgets.WHITE
    px, lines = text.fit(cue, lay.cue_px, r.w - 2 * gap, max_lines, int(lay.cue_px * 0.8))
    step = int(text.line_height(px) * 1.1)
    y = r.y + (r.h - step * len(lines)) // 2
    text.draw_lines(img, lines, (r.x + gap, y), px, ink, outline=0)
