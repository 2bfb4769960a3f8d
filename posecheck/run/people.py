"""Several people in frame: who is coached (posture fit), who helps, what the helper hides.

The tracker in pose/ cannot import the coach, so the posture fit is built here and handed
to it as a scorer. `Helpers` follows the other person (a partner stretch's helper) frame by
frame: their pose for the overlay and the helper metrics, and how long one was present.
"""

from __future__ import annotations

from posecheck.coach.posture import memberships, posture_of
from posecheck.measure import metrics
from posecheck.pose.landmarks import Pose
from posecheck.pose.occlusion import hide_covered
from posecheck.pose.tracking import Scorer

FLOOR_BONUS = 0.4   # auto: standing fits count this much less than floor postures
# Look for a second person on solo stretches too (pose/second.py). Off: measured 0.92 fps /
# 0.96 CPU of one-person tracking on a 30 fps clip under load, not shown within the 5% asked
# (BENCHMARKS.md (8)); bench/people_cost.py turns it on for its "default + look" runs.
SOLO_LOOK = False


def posture_scorer(stretches) -> Scorer | None:
    """A candidate's fit to the posture of the stretch (or, for `--stretch auto`, of any
    catalogue stretch). With auto, someone on the floor outranks someone standing: when
    one person lies or kneels and another stands over them, the standing one helps."""
    wanted = {p for s in stretches if (p := posture_of(s)) is not None}
    if not wanted:
        return None
    many = len(stretches) > 1

    def fit(pose: Pose) -> float:
        m = memberships(metrics.measure(pose))
        return max(m[p] - (FLOOR_BONUS if many and p == "standing" else 0.0) for p in wanted)

    return fit


class Helpers:
    """The helper of each frame (the other person nearest the coached one) and its time."""

    def __init__(self) -> None:
        self.frames = 0

    def split(self, pose: Pose | None, others: list[Pose]) -> tuple[Pose | None, Pose | None, list[str]]:
        """(coached pose with hidden landmarks unseen, helper or None, hidden landmark names)."""
        helper = max(others, key=lambda p: _area(p)) if others else None
        self.frames += helper is not None
        if pose is None or helper is None:
            return pose, helper, []
        pose, hidden = hide_covered(pose, [helper])
        return pose, helper, hidden

    def summary(self, fps: float) -> dict:
        return {"present_s": round(self.frames / fps, 3) if fps > 0 else 0.0}


def _area(p: Pose) -> float:
    x0, y0, x1, y1 = p.bbox()
    return (x1 - x0) * (y1 - y0)
