"""Where things go in the window: the letter-boxed video and the panel beside (wide
windows) or below it (tall ones), with text sizes as fractions of the window height so
they read from a mat 2-3 m away."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def x1(self) -> int:
        return self.x + self.w

    @property
    def y1(self) -> int:
        return self.y + self.h

    def inset(self, d: int) -> "Rect":
        return Rect(self.x + d, self.y + d, max(self.w - 2 * d, 1), max(self.h - 2 * d, 1))


@dataclass(frozen=True)
class HudLayout:
    width: int
    height: int
    video: Rect            # where the video may go (it is letter-boxed inside)
    panel: Rect
    side: bool             # panel at the side (True) or at the bottom
    pad: int
    timer_px: int          # font sizes in pixels
    status_px: int
    title_px: int
    cue_px: int
    small_px: int
    line_px: int

    @classmethod
    def for_window(cls, w: int, h: int) -> "HudLayout":
        w, h = max(int(w), 160), max(int(h), 120)
        side = w >= 1.15 * h
        if side:
            pw = int(min(max(0.34 * w, 300), 0.45 * w))
            video, panel = Rect(0, 0, w - pw, h), Rect(w - pw, 0, pw, h)
            unit = h
        else:
            ph = int(0.42 * h)
            video, panel = Rect(0, 0, w, h - ph), Rect(0, h - ph, w, ph)
            unit = min(h, int(1.6 * w))
        return cls(w, h, video, panel, side, max(int(0.02 * min(w, h)), 6),
                   timer_px=int(0.20 * unit), status_px=int(0.065 * unit), title_px=int(0.048 * unit),
                   cue_px=int(0.05 * unit), small_px=int(0.034 * unit), line_px=int(0.024 * unit))


def letterbox(src_w: int, src_h: int, area: Rect) -> Rect:
    """The largest rectangle of the source's aspect ratio centred in `area`."""
    s = min(area.w / max(src_w, 1), area.h / max(src_h, 1))
    w, h = max(int(src_w * s), 1), max(int(src_h * s), 1)
    return Rect(area.x + (area.w - w) // 2, area.y + (area.h - h) // 2, w, h)
