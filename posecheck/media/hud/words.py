"""What the screen says, in the words a person uses: never a state id or a metric id."""

from __future__ import annotations

import math
import re

STATE_WORDS = {
    "setup": "Get into position", "entering": "Get into position", "holding": "Hold",
    "released": "Release", "rest": "Rest", "done": "Well done",
    "low_confidence": "Timer paused",   # a joint unseen or hidden by a helper: the cue says which
    "paused": "Back into position",
}
_SIDE_RE = re.compile(r"_(left|right)$")


def state_word(state: str | None, kind: str = "hold", rest_left_s: float = 0.0,
               user_paused: bool = False, cue_id: str = "") -> str:
    """"Hold", "Get into position", "Rest 8 s"... for a coach state (and its cue's id: no
    one found at all is "Can't see you", one knee unseen only pauses the timer)."""
    if user_paused:
        return "Paused"
    state = str(state or "setup")
    if state == "low_confidence" and cue_id == "no-pose":
        return "Can't see you"
    if state == "rest" and rest_left_s > 0:
        return f"Rest {math.ceil(rest_left_s)} s"
    if state == "holding" and kind == "reps":
        return "Keep going"
    return STATE_WORDS.get(state, state.replace("_", " ").capitalize())


def side_words(side: str | None) -> str:
    return f"{side.capitalize()} side" if side else ""


def metric_label(metric: str) -> str:
    """'hip_left' -> 'Left hip', 'trunk_lean' -> 'Trunk lean'."""
    m = _SIDE_RE.search(metric)
    base = metric[:m.start()] if m else metric
    base = base.replace("_", " ")
    return f"{m.group(1).capitalize()} {base}" if m else base.capitalize()


def is_degrees(metric: str) -> bool:
    from posecheck.measure.metrics import METRICS

    info = METRICS.get(metric)
    return info is None or info.unit == "deg"


def value_text(metric: str, value) -> str:
    """Degrees as whole numbers with "°", other units (torso lengths) with two decimals."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.0f}°" if is_degrees(metric) else f"{value:.2f}"


def gauge_label(metric: str, value) -> str:
    """'Left hip 57°'; a value in torso lengths is left off (a person reads the bar's mark)."""
    label = metric_label(metric)
    return f"{label} {value_text(metric, value)}" if is_degrees(metric) else label


def counters(fb, stretch) -> list[str]:
    """"Hold 1 of 2" (holds of a hold stretch, all sides) or "Rep 3 of 10" and "Set 1 of 2"."""
    dose = getattr(stretch, "dose", None)
    if dose is None or fb is None:
        return []
    if getattr(stretch, "kind", "hold") == "reps":
        out = [f"Rep {getattr(fb, 'reps_done', 0)} of {dose.reps}"]
        if dose.sets > 1:
            out.append(f"Set {min(getattr(fb, 'sets_done', 0) + 1, dose.sets)} of {dose.sets}")
        return out
    total = dose.reps * max(len(getattr(stretch, "sides", ()) or ()), 1)
    return [f"Hold {min(getattr(fb, 'holds_done', 0) + 1, total)} of {total}"]


def problem_text(problem, mirrored: bool) -> str:
    """A set-up problem as text; (id, text) pairs are accepted. In a mirrored view the
    picture's left and right edges swap, so the words do too (body sides do not)."""
    text = problem[1] if isinstance(problem, (tuple, list)) else str(problem)
    if mirrored:
        swap = {"left": "right", "right": "left"}
        text = re.sub(r"\b(left|right)\b(?=[a-z ]* edges?\b)", lambda m: swap[m.group(1)], text)
    return text


def seconds_text(s: float) -> str:
    """Whole seconds left as a timer shows them: '23', '1:05'."""
    s = max(int(math.ceil(s - 1e-6)), 0)
    return f"{s // 60}:{s % 60:02d}" if s >= 60 else str(s)


def cue_text(cue, fb, stretch) -> str:
    """The cue as shown: "switch-side" names the side to switch to."""
    if getattr(cue, "id", "") == "switch-side":
        other = next((s for s in getattr(stretch, "sides", ()) or () if s != getattr(fb, "side", None)), None)
        if other:
            return f"Well done. Switch to your {other} side"
    return cue.text
