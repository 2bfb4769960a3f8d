"""Recognition on renders it was not tuned on: a representative subset of the evaluation set.

scripts/recognition_eval.py runs the whole set (every stretch, both sides, camera yaws 0-40
degrees, a 5 s form fault inside each hold; docs/ACCURACY.md has its matrix). Here: four
clips, far and near side, 0-40 degrees, rendered at test time (the figure-4 from its
catalogue camera, as the set renders it), through the real model.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from posecheck.coach.catalog import load_catalog
from posecheck.coach.recognize import UNSURE
from posecheck.run import recogeval as ev
from posecheck.run.posecache import cached_poses, replay_values

REPO = Path(__file__).resolve().parents[1]
SUBSET = {("knee-to-chest", "far", 20), ("hip-flexor-lunge", "near", 40), ("plank", "far", 0),
          ("piriformis", "far", 40)}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, model):
    data = ev.load_set(REPO / "scripts" / "recognition_set.toml")
    specs = [s for s in ev.render_specs(data) if (s["stretch"], s["view"], s["yaw"]) in SUBSET]
    assert len(specs) == len(SUBSET)
    cache = tmp_path_factory.mktemp("recognition")
    clips = ev.render_clips(data, cache, specs, jobs=2)
    catalog = load_catalog(user_dir=False)
    return [ev.judge(c, replay_values(cached_poses(c.video, cache / "poses")), catalog) for c in clips]


def test_recall_on_unseen_renders(verdicts):
    right = [v.clip.name for v in verdicts if v.right]
    assert len(right) >= 3, [(v.clip.name, v.label, v.side, v.confidence, v.split) for v in verdicts]


# a figure-4 from 40 degrees off the far side (the crossed leg behind the other, against its
# camera advice) was named a double knee hug (0.88): its knees near a right angle now cost the
# knee hug its form floor, and it is unsure (docs/ACCURACY.md). No wrong label is confident.


def test_a_fault_never_splits_and_no_wrong_label_is_confident(verdicts):
    wrong = set()
    for v in verdicts:
        assert not v.split, v.clip.name
        if v.label not in ("unsure", "none", v.clip.stretch) and v.confidence >= UNSURE:
            wrong.add(v.clip.name)
    assert not wrong, wrong
