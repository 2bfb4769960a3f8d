"""Drawing shared by `live` and `analyze`: skeleton, judged angles, hold timer, counters, cue.

Pure-ish: each function takes a BGR frame plus plain data and returns a new image;
the input frame is never modified. Shapes are OpenCV primitives; text goes through the
one text path of `hud.text` (cached, anti-aliased, Unicode) in people's words.
With `mirrored=True` the picture is flipped first and everything is drawn on the
flipped picture, so text reads normally and each label stays on its own joint.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import cv2
import numpy as np

from posecheck.media.hud import text as hudtext
from posecheck.media.hud import words
from posecheck.pose.landmarks import INDEX, SKELETON, Pose

from posecheck.media.hud.widgets import AMBER, CYAN, GREEN, GREY, RED, WHITE  # noqa: F401 (BGR)

DARK = (30, 30, 30)
BONE = (230, 210, 160)

PX_PER_SCALE = 30        # text size in pixels per unit of the old Hershey scale
NEAR_DEG = 10.0          # out of band by less than this is amber, more is red
NEAR_TORSO = 0.1         # the same for lengths in torso lengths
MIN_VIS = 0.3            # landmarks seen less than this are not drawn

# Angle name -> (arm, vertex, arm) landmark stems; the side is added from the name.
_JOINT_ARMS = {
    "hip": ("shoulder", "hip", "knee"),
    "knee": ("hip", "knee", "ankle"),
    "shoulder": ("hip", "shoulder", "elbow"),
    "elbow": ("shoulder", "elbow", "wrist"),
}
_SIDE_RE = re.compile(r"(left|right)")


@dataclass(frozen=True)
class Layout:
    """Where the fixed widgets go, scaled to the frame (tests read these positions)."""

    scale: float
    ring_centre: tuple[int, int]
    ring_radius: int
    banner_top: int

    @classmethod
    def for_size(cls, w: int, h: int) -> "Layout":
        s = max(min(w, h) / 480.0, 0.5)
        r = int(38 * s)
        return cls(s, (w - r - int(14 * s), r + int(14 * s)), r, h - int(44 * s))


def as_band(band) -> tuple[float, float] | None:
    """(lo, hi) from a catalogue Band or a pair."""
    if band is None:
        return None
    if hasattr(band, "lo"):
        return float(band.lo), float(band.hi)
    return float(band[0]), float(band[1])


def band_colour(value: float, band, in_band: bool | None = None, near: float = NEAR_DEG):
    """Green inside the band, amber just outside it, red further out, grey unknown."""
    if value is None or not math.isfinite(value):
        return GREY
    if in_band:
        return GREEN
    band = as_band(band)
    if band is None:
        return GREY
    lo, hi = band
    off = max(lo - value, value - hi, 0.0)
    if off == 0.0 and in_band is None:
        return GREEN
    return AMBER if off <= near else RED


_is_degrees = words.is_degrees


def near_for(metric: str) -> float:
    return NEAR_DEG if _is_degrees(metric) else NEAR_TORSO


def fmt_value(metric: str, value: float) -> str:
    """Degrees as whole numbers, other units (torso lengths) with two decimals."""
    if value is None or not math.isfinite(value):
        return "--"
    return f"{value:.0f}" if _is_degrees(metric) else f"{value:.2f}"


def joint_of(metric: str) -> tuple[int, int, int] | None:
    """(arm, vertex, arm) landmark indices an angle metric is measured at, if it names one."""
    side = _SIDE_RE.search(metric)
    if side is None:
        return None
    for joint, arms in _JOINT_ARMS.items():
        if metric.startswith(joint) or f"_{joint}" in metric:
            return tuple(INDEX[f"{side.group(1)}_{stem}"] for stem in arms)
    return None


# -- public drawing ---------------------------------------------------------------
def draw_overlay(frame: np.ndarray, pose: Pose | None, feedback=None, stretch=None,
                 fps: float | None = None, mirrored: bool = False, in_place: bool = False) -> np.ndarray:
    """The coaching overlay on a copy of `frame` (flipped first when `mirrored`), or on `frame`
    itself with `in_place` when the caller no longer needs it (saves a full-frame copy)."""
    img = cv2.flip(frame, 1) if mirrored else frame if in_place else frame.copy()
    h, w = img.shape[:2]
    lay = Layout.for_size(w, h)
    judged = tuple(getattr(feedback, "judged", ()) or ())
    if pose is not None:
        xy = _screen_xy(pose, w, mirrored)
        draw_skeleton(img, xy, pose.visibility, judged, lay)
    _draw_gauges(img, judged, lay)
    if feedback is not None:
        _draw_timer(img, feedback, stretch, lay)
        _draw_status(img, feedback, stretch, lay)
        cue = getattr(feedback, "cue", None)
        if cue is not None:
            _draw_banner(img, cue.text, RED if getattr(cue, "safety", False) else AMBER, lay)
    elif stretch is not None:
        _text(img, getattr(stretch, "name", str(stretch)), (int(10 * lay.scale), h - int(60 * lay.scale)),
              0.6 * lay.scale, WHITE)
    if fps is not None:
        _text(img, f"{fps:4.1f} fps", (int(8 * lay.scale), int(20 * lay.scale)), 0.5 * lay.scale, WHITE)
    if pose is None:
        _text(img, "no person seen", (int(8 * lay.scale), int(42 * lay.scale)), 0.55 * lay.scale, AMBER)
    return img


def draw_setup(frame: np.ndarray, problems, pose: Pose | None = None, title: str = "Set up the camera",
               ok_progress: float = 0.0, mirrored: bool = False) -> np.ndarray:
    """The set-up screen: dimmed picture, skeleton, and what to change (or 'Looks good')."""
    img = cv2.flip(frame, 1) if mirrored else frame.copy()
    h, w = img.shape[:2]
    lay = Layout.for_size(w, h)
    if pose is not None:
        draw_skeleton(img, _screen_xy(pose, w, mirrored), pose.visibility, (), lay)
    s = lay.scale
    problems = [_problem_text(p, mirrored) for p in (problems or ())]
    lines = problems if problems else ["In position: hold still"]
    box_h = int((44 + 26 * len(lines)) * s)
    _shade(img, 0, 0, w, box_h, 0.55)
    _text(img, title, (int(12 * s), int(28 * s)), 0.75 * s, WHITE, 2)
    colour = AMBER if problems else GREEN
    for i, line in enumerate(lines):
        _text(img, f"• {line}" if problems else line, (int(16 * s), int((56 + 26 * i) * s)), 0.6 * s, colour)
    if not problems and ok_progress > 0:
        _ring(img, lay.ring_centre, lay.ring_radius, min(ok_progress, 1.0), GREEN)
    return img


_problem_text = words.problem_text


def draw_countdown(frame: np.ndarray, title: str, detail: str, seconds_left: float,
                   total_s: float, mirrored: bool = False) -> np.ndarray:
    """A transition screen of a routine: what comes next and a countdown ring."""
    img = cv2.flip(frame, 1) if mirrored else frame.copy()
    h, w = img.shape[:2]
    lay = Layout.for_size(w, h)
    s = lay.scale
    _shade(img, 0, 0, w, h, 0.5)
    _text(img, title, (int(16 * s), int(40 * s)), 0.8 * s, WHITE, 2)
    _text(img, detail, (int(16 * s), int(72 * s)), 0.6 * s, CYAN)
    frac = 1.0 - seconds_left / total_s if total_s > 0 else 1.0
    _ring(img, lay.ring_centre, lay.ring_radius, frac, CYAN)
    _centred(img, f"{math.ceil(max(seconds_left, 0)):d}", lay.ring_centre, 0.8 * s, WHITE)
    return img


def draw_paused(img: np.ndarray) -> np.ndarray:
    """Mark an overlay as paused (in place: it is already our copy)."""
    h, w = img.shape[:2]
    s = Layout.for_size(w, h).scale
    _centred(img, "Paused: space to resume", (w // 2, h // 2), 0.9 * s, AMBER)
    return img


def draw_summary(frame: np.ndarray, summary: dict) -> np.ndarray:
    """The closing card: holds, reps, cues and the live figures over the last frame."""
    img = frame.copy()
    h, w = img.shape[:2]
    s = Layout.for_size(w, h).scale
    _shade(img, 0, 0, w, h, 0.65)
    lines = [f"Session summary: {summary.get('stretch')}"]
    for hold in summary.get("holds", [])[:8]:
        mark = "done" if hold.get("completed") else "short"
        lines.append(f"hold {hold.get('side') or ''} {hold.get('duration_s') or 0:.1f}s / "
                     f"{hold.get('target_s') or 0:.0f}s  {mark}")
    if not summary.get("holds"):
        lines.append("no holds")
    if summary.get("reps") is not None:
        lines.append(f"reps: {summary['reps']}")
    lines.append(f"cues: {len(summary.get('cues', []))}")
    live = summary.get("live") or {}
    lat = live.get("latency_ms") or {}
    if live:
        lines.append(f"{live.get('fps')} fps, latency {lat.get('median')} ms ({live.get('end_reason')})")
    for i, line in enumerate(lines):
        _text(img, line, (int(16 * s), int((36 + 28 * i) * s)), (0.75 if i == 0 else 0.6) * s,
              WHITE if i else CYAN, 2 if i == 0 else 1)
    return img


# -- pieces ---------------------------------------------------------------------------
def _screen_xy(pose: Pose, w: int, mirrored: bool) -> np.ndarray:
    xy = np.asarray(pose.xy, dtype=float).copy()
    if mirrored:
        xy[:, 0] = (w - 1) - xy[:, 0]
    return xy


def _pt(p) -> tuple[int, int]:
    return int(round(p[0])), int(round(p[1]))


def draw_skeleton(img, xy, vis, judged, lay: Layout) -> None:
    seen = (np.isfinite(xy).all(axis=1) & (np.asarray(vis) >= MIN_VIS)).tolist()
    pts = [tuple(p) for p in np.rint(np.nan_to_num(xy)).astype(int).tolist()]
    thick, dot = max(int(2 * lay.scale), 1), max(int(3 * lay.scale), 2)
    for a, b in SKELETON:
        if seen[a] and seen[b]:
            cv2.line(img, pts[a], pts[b], BONE, thick)  # no AA: 4x cheaper
    for i, ok in enumerate(seen):
        if ok:
            cv2.circle(img, pts[i], dot, WHITE, -1)
    for metric, value, band, in_band in judged:
        joint = joint_of(metric)
        if joint is None or not all(seen[i] for i in joint):
            continue
        _draw_joint(img, xy, joint, metric, value, band, in_band, lay)


def _draw_joint(img, xy, joint, metric, value, band, in_band, lay: Layout) -> None:
    """Highlight the judged joint and draw its angle as a filled arc between the arms."""
    a, v, c = (xy[i] for i in joint)
    colour = band_colour(value, band, in_band, near_for(metric))
    r = int(26 * lay.scale)
    start = math.degrees(math.atan2(a[1] - v[1], a[0] - v[0]))
    end = math.degrees(math.atan2(c[1] - v[1], c[0] - v[0]))
    sweep = (end - start + 540.0) % 360.0 - 180.0       # shortest way round, signed
    centre = _pt(v)
    cv2.ellipse(img, centre, (r, r), 0, start, start + sweep, colour, -1, cv2.LINE_AA)
    cv2.line(img, centre, _pt(a), colour, max(int(4 * lay.scale), 2))
    cv2.line(img, centre, _pt(c), colour, max(int(4 * lay.scale), 2))
    cv2.circle(img, centre, max(int(6 * lay.scale), 3), colour, -1, cv2.LINE_AA)
    if value is not None and math.isfinite(value):
        _text(img, words.value_text(metric, value), (centre[0] + r // 2, centre[1] - r // 2), 0.55 * lay.scale, WHITE)


def _draw_gauges(img, judged, lay: Layout) -> None:
    """One horizontal gauge per judged metric: the band shaded, the value as a tick."""
    s = lay.scale
    x0, y, gw = int(8 * s), int(62 * s), int(150 * s)
    for metric, value, band, in_band in judged[:4]:
        lo, hi = as_band(band) or (math.nan, math.nan)
        span_lo, span_hi = _gauge_span(lo, hi, 20.0 if _is_degrees(metric) else 0.2)
        _shade(img, x0 - 4, y - int(14 * s), x0 + gw + 4, y + int(12 * s), 0.5)

        def at(v):
            return x0 + int((v - span_lo) / (span_hi - span_lo) * gw)

        cv2.rectangle(img, (x0, y), (x0 + gw, y + int(6 * s)), GREY, -1)
        if math.isfinite(lo) and math.isfinite(hi):
            cv2.rectangle(img, (at(lo), y), (at(hi), y + int(6 * s)), GREEN, -1)
        colour = band_colour(value, band, in_band, near_for(metric))
        if value is not None and math.isfinite(value):
            x = at(min(max(value, span_lo), span_hi))
            cv2.rectangle(img, (x - 2, y - int(4 * s)), (x + 2, y + int(10 * s)), colour, -1)
        label = f"{words.metric_label(metric)} {words.value_text(metric, value)}"
        _text(img, label, (x0, y - int(3 * s)), 0.4 * s, colour if colour != GREEN else WHITE)
        y += int(30 * s)


def _gauge_span(lo: float, hi: float, min_pad: float) -> tuple[float, float]:
    """The gauge's scale: the band with a margin as wide as the band (at least min_pad) each side."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return 0.0, 180.0
    pad = max(hi - lo, min_pad)
    return lo - pad, hi + pad


def _draw_timer(img, fb, stretch, lay: Layout) -> None:
    """Circular hold timer: progress ring and seconds left inside it."""
    target = float(getattr(fb, "target_s", 0) or 0)
    held = float(getattr(fb, "hold_s", 0) or 0)
    rest = float(getattr(fb, "rest_left_s", 0) or 0)
    if getattr(fb, "state", "") == "rest" and rest > 0:     # the rest counts down in cyan
        total = float(getattr(getattr(stretch, "dose", None), "rest_s", 0) or rest)
        _ring(img, lay.ring_centre, lay.ring_radius, min(rest / max(total, 1e-9), 1.0), CYAN)
        _centred(img, f"{math.ceil(rest):d}s", lay.ring_centre, 0.7 * lay.scale, CYAN)
        return
    frac = held / target if target > 0 else 0.0
    colour = GREEN if getattr(fb, "state", "") == "holding" else AMBER
    _ring(img, lay.ring_centre, lay.ring_radius, frac, colour)
    if target > 0:
        label = f"{max(target - held, 0.0):.0f}s"
    else:                                   # a dynamic stretch: the ring holds the rep count
        label = str(getattr(fb, "reps_done", "") or 0)
    _centred(img, label, lay.ring_centre, 0.7 * lay.scale, WHITE)


def _ring(img, centre, radius, frac, colour) -> None:
    thick = max(radius // 4, 3)
    _shade(img, centre[0] - radius - thick, centre[1] - radius - thick,
           centre[0] + radius + thick, centre[1] + radius + thick, 0.45)
    # thick anti-aliased arcs cost ~5x more and look the same at this width
    cv2.circle(img, centre, radius, GREY, thick)
    if frac > 0:
        cv2.ellipse(img, centre, (radius, radius), -90, 0, 360.0 * min(frac, 1.0), colour, thick)


def _draw_status(img, fb, stretch, lay: Layout) -> None:
    """State, side and rep/set counters under the timer."""
    s = lay.scale
    h, w = img.shape[:2]
    kind = getattr(stretch, "kind", "hold")
    lines = [words.state_word(getattr(fb, "state", ""), kind, getattr(fb, "rest_left_s", 0.0),
                              cue_id=getattr(getattr(fb, "cue", None), "id", ""))]
    side = getattr(fb, "side", None)
    if side:
        lines.append(words.side_words(side))
    lines += words.counters(fb, stretch)
    x = w - int(150 * s)
    y = lay.ring_centre[1] + lay.ring_radius + int(30 * s)
    _shade(img, x - 6, y - int(18 * s), w, y + int(22 * s) * (len(lines) - 1) + int(8 * s), 0.5)
    for line in lines:
        _text(img, line, (x, y), 0.55 * s, WHITE)
        y += int(22 * s)
    if stretch is not None:
        _text(img, getattr(stretch, "name", ""), (int(8 * s), lay.banner_top - int(10 * s)), 0.55 * s, WHITE)


def _draw_banner(img, text: str, colour, lay: Layout) -> None:
    """The single cue, in a full-width band at the bottom: wrapped to two lines, then shrunk."""
    h, w = img.shape[:2]
    cv2.rectangle(img, (0, lay.banner_top), (w, h), colour, -1)
    px, lines = hudtext.fit(text, int(0.7 * PX_PER_SCALE * lay.scale), w - 20, 2, 8)
    step = int(hudtext.line_height(px) * 1.0)
    y = (lay.banner_top + h) // 2 - step * len(lines) // 2
    hudtext.draw_lines(img, lines, (w // 2, y), px, DARK if colour == AMBER else WHITE, anchor_x="m",
                       spacing=1.0, outline=0)


def _shade(img, x0, y0, x1, y1, alpha: float) -> None:
    """Darken a rectangle (only its pixels are touched, so it stays cheap)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(int(x0), 0), max(int(y0), 0), min(int(x1), w), min(int(y1), h)
    if x1 > x0 and y1 > y0:
        roi = img[y0:y1, x0:x1]
        roi[:] = cv2.convertScaleAbs(roi, alpha=1.0 - alpha)   # 4x faster than numpy float math


def _text(img, text, org, scale, colour, thick: int = 1) -> None:
    """Text with a dark outline so it reads on any background; `org` is the baseline start."""
    px = max(int(PX_PER_SCALE * scale * (1.1 if thick > 1 else 1.0)), 8)
    hudtext.draw(img, text, org, px, colour, bold=thick > 1, anchor="lb")


def _centred(img, text, centre, scale, colour, thick: int = 2) -> None:
    px = max(int(PX_PER_SCALE * scale * (1.1 if thick > 1 else 1.0)), 8)
    hudtext.draw(img, text, centre, px, colour, bold=thick > 1, anchor="mm")
