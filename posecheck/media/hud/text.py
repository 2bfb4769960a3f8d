"""The one text path: DejaVu Sans (shipped with matplotlib) rendered by Pillow, anti-aliased,
Unicode-safe (accents, "…", "°"), blended into BGR numpy images.

Each (text, size, weight) is rendered once into alpha masks and cached, so a frame that
repeats its labels costs only the blend. Text is clipped to the image, never wrapped
around it: callers lay text out with `wrap`/`fit` so nothing is cut.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DARK = (20, 20, 20)


@lru_cache(maxsize=None)
def _font_path(bold: bool) -> str | None:
    try:
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / (
            "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
        return str(path) if path.is_file() else None
    except ImportError:
        return None


@lru_cache(maxsize=256)
def font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = _font_path(bold)
    if path is None:                      # Pillow's own scalable font (Pillow >= 10.1)
        return ImageFont.load_default(size=px)
    return ImageFont.truetype(path, max(int(px), 4))


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """Printable text only: control characters (the source of stray boxes) removed."""
    text = unicodedata.normalize("NFC", str(text)).replace("\t", " ")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def line_height(px: int) -> int:
    asc, desc = font(px).getmetrics()
    return asc + desc


@lru_cache(maxsize=8192)
def width(text: str, px: int, bold: bool = False) -> int:
    return int(round(font(px, bold).getlength(clean(text))))


@lru_cache(maxsize=2048)
def _masks(text: str, px: int, bold: bool, outline: int):
    """(fill alpha, outline alpha or None) as float32 HxW arrays, line-box tall."""
    f = font(px, bold)
    asc, desc = f.getmetrics()
    w = int(f.getlength(text)) + 2 * outline + 2
    h = asc + desc + 2 * outline
    fill = Image.new("L", (max(w, 1), max(h, 1)), 0)
    ImageDraw.Draw(fill).text((outline + 1, outline), text, font=f, fill=255)
    a_fill = np.asarray(fill, np.float32) / 255.0
    if not outline:
        return a_fill, None
    ring = Image.new("L", fill.size, 0)
    ImageDraw.Draw(ring).text((outline + 1, outline), text, font=f, fill=255,
                              stroke_width=outline, stroke_fill=255)
    return a_fill, np.asarray(ring, np.float32) / 255.0


@lru_cache(maxsize=256)
def _solid(h: int, w: int, colour) -> np.ndarray:
    return np.full((h, w, 3), colour, np.uint8)


def _blend(img: np.ndarray, alpha: np.ndarray, x: int, y: int, colour) -> None:
    h, w = alpha.shape[:2]
    H, W = img.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, W), min(y + h, H)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x]
    roi = img[y0:y1, x0:x1]
    # OpenCV's per-pixel weighted sum: ~20x faster than the same in numpy floats
    roi[:] = cv2.blendLinear(roi, _solid(y1 - y0, x1 - x0, tuple(int(c) for c in colour)),
                             np.ascontiguousarray(1.0 - a), np.ascontiguousarray(a))


def draw(img: np.ndarray, text: str, org, px: int, colour, *, bold: bool = False,
         anchor: str = "lt", outline: int | None = None) -> tuple[int, int, int, int]:
    """Draw one line; `org` is the anchor point: l/m/r by t/m/b of the line box.
    A dark outline (default ~px/12) keeps text readable on video. Returns (x0, y0, x1, y1)."""
    text = clean(text)
    px = max(int(px), 4)
    ol = max(px // 12, 1) if outline is None else int(outline)
    a_fill, a_ring = _masks(text, px, bold, ol)
    h, w = a_fill.shape[:2]
    x, y = int(org[0]), int(org[1])
    x -= {"l": 0, "m": w // 2, "r": w}[anchor[0]]
    y -= {"t": 0, "m": h // 2, "b": h}[anchor[1]]
    if a_ring is not None:
        _blend(img, a_ring, x, y, DARK)
    _blend(img, a_fill, x, y, colour)
    return x, y, x + w, y + h


def wrap(text: str, px: int, max_w: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `max_w` pixels; a word longer than a line is split."""
    lines: list[str] = []
    for para in map(clean, str(text).split("\n")):
        line = ""
        for word in para.split():
            trial = f"{line} {word}" if line else word
            if width(trial, px, bold) <= max_w:
                line = trial
                continue
            if line:
                lines.append(line)
            while width(word, px, bold) > max_w and len(word) > 1:
                cut = max(k for k in range(1, len(word) + 1) if width(word[:k], px, bold) <= max_w or k == 1)
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        if line:
            lines.append(line)
    return lines or [""]


@lru_cache(maxsize=1024)
def fit(text: str, px: int, max_w: int, max_lines: int, min_px: int, bold: bool = False):
    """(px, lines): the largest size from `px` down to `min_px` whose wrap fits in
    `max_lines`; at `min_px` the last line ends in "…" rather than spilling."""
    size = int(px)
    while True:
        lines = wrap(text, size, max_w, bold)
        if len(lines) <= max_lines or size <= min_px:
            break
        size = max(int(size * 0.9), min_px)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and width(last + "…", size, bold) > max_w:
            last = last[:-1]
        lines = lines[:max_lines - 1] + [last.rstrip() + "…"]
    return size, tuple(lines)


def draw_lines(img, lines, org, px, colour, *, bold=False, spacing=1.1, anchor_x="l", outline=None) -> int:
    """Draw wrapped lines from the top-left (or top-centre with anchor_x="m"); the y below them."""
    x, y = int(org[0]), int(org[1])
    step = int(line_height(px) * spacing)
    for line in lines:
        draw(img, line, (x, y), px, colour, bold=bold, anchor=anchor_x + "t", outline=outline)
        y += step
    return y
