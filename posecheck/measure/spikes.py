"""How far a value may stray from its neighbours' median, beyond their spread, before the
Hampel tests (offline `lookahead`, live `OneEuro` spike guard) call it a glitch.

The slack is in the metric's own unit: one degree, or one pixel, but a fiftieth of a torso
length (or of the -1..1 ratios). A single slack of 1 for every metric never flagged anything
in torso lengths, whose whole range is about 1: a 1-3 frame MediaPipe glitch of the back
knee in a lunge then passed straight into `kneel_shift` and broke the hold."""

from __future__ import annotations

import numpy as np

from posecheck.measure.metrics import METRICS

SLACK = {"deg": 1.0, "px": 1.0, "torso": 0.02, "ratio": 0.02}
# Read from one knee's image x alone: when MediaPipe folds the back leg toward the front one
# for 2-3 frames (rendered lunges, both sides) the two glitch values also widen the window's
# spread enough to hide each other from the Hampel test, so these take the window's median,
# which keeps out glitches shorter than half the window (4 of 9 frames at 10 fps).
MEDIAN = ("kneel_shift", "pelvis_shift_left", "pelvis_shift_right")


def slack_of(name: str) -> float:
    info = METRICS.get(name)
    return SLACK.get(info.unit, 1.0) if info else 1.0


def slack_vector(names: list[str]) -> np.ndarray:
    """Per-column slack for a (frames, metrics) window in `names` order."""
    return np.array([slack_of(n) for n in names], dtype=float)


def median_mask(names: list[str]) -> np.ndarray:
    return np.array([n in MEDIAN for n in names], dtype=bool)


def spike_overrides(names=None) -> dict[str, dict]:
    """`OneEuroDict` overrides giving each non-degree metric its own spike slack."""
    return {n: {"spike_slack": slack_of(n)} for n in (names or METRICS) if slack_of(n) != 1.0}
