"""The check-up on a real person (real MediaPipe, a clip made from a photo at test time): the
folded-forward butterfly photo, which MediaPipe reads upside down (hips at head height,
docs/ACCURACY.md), must give no adductor value and say why, never a number from a wrong
skeleton. The photo and its clip stay outside the repository."""

from __future__ import annotations

import pytest

from posecheck.run.checkup import CheckupOptions, checkup_videos
from posecheck.synth.photo_hold import photo_hold_clip

FOLDED = "fedb_Groin_and_Back_Stretch_1.jpg"
REASON = "the trunk was folded forward or read upside down"


@pytest.fixture(scope="module")
def folded(real_dir, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("checkup-photo")
    clip = photo_hold_clip(real_dir / FOLDED, 14.0, fps=10, seed=3, out=tmp / "folded.mp4")
    opts = CheckupOptions(out_dir=tmp / "out", routine_dir=tmp / "routines", history=False)
    return checkup_videos([f"adductors={clip.path}"], opts, echo=lambda m: None)


def test_folded_butterfly_gives_no_value_and_says_why(folded):
    (block,) = folded["tests"]
    assert block["test"] == "adductors"
    for side in ("left", "right"):
        data = block["sides"][side]
        assert data["value"] is None, side
        assert data["trials"], side                      # the misread is said, not "no trial"
        assert all(not t["valid"] and t["reason"].startswith(REASON) for t in data["trials"])
    assert block["tighter_side"] is None
    assert f"Left adductor not measured: no valid trial ({REASON}" in block["finding"]
