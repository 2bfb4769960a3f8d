"""Partner stretches: who is coached among two people, what the helper hides, the helper's
metrics, the two-person renderer, and the real pipeline on the partner samples."""

from __future__ import annotations

import json
import re
import math
from pathlib import Path

import numpy as np
import pytest

from posecheck.coach.catalog import get_stretch, load_catalog
from posecheck.measure.partner import helper_metrics
from posecheck.pose.landmarks import INDEX, Pose
from posecheck.pose.occlusion import covered, hide_covered, in_front
from posecheck.pose.tracking import PersonTracker
from posecheck.run.people import posture_scorer

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "partner"
PARTNER = sorted(p.stem for p in SAMPLES.glob("partner-*.toml"))
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def _truth(name: str) -> dict:
    path = SAMPLES / f"{name}.truth.json"
    if not path.exists():
        pytest.skip(f"{name} is not rendered (posecheck samples render {name})")
    return json.loads(path.read_text())


def _pose(xy, t_s: float, size) -> Pose:
    xy = np.asarray(xy, float)
    return Pose(t_s, xy, xy / size, np.zeros((33, 3)), np.ones(33), np.ones(33), tuple(size))


def _people(name: str, i: int) -> tuple[Pose, Pose]:
    """(patient, helper) of frame i, from the renderer's exact landmarks."""
    tr = _truth(name)
    f = tr["frames"][i]
    return _pose(f["landmarks_px"], f["t_s"], tr["size"]), _pose(f["helper_landmarks_px"], f["t_s"], tr["size"])


def _scorer(stretch_id: str):
    return posture_scorer([get_stretch(stretch_id, catalog=load_catalog(user_dir=False))])


def test_the_lying_patient_is_coached_not_the_larger_standing_helper():
    patient, helper = _people("partner-hamstring-left-beside", 60)
    tracker = PersonTracker(scorer=_scorer("partner-hamstring"))
    assert tracker.choose([helper, patient], 6.0) is patient
    assert tracker.others == [helper]


@pytest.mark.parametrize("name", [n for n in PARTNER if "between" in n or "feet" in n])
def test_the_patient_is_kept_through_the_whole_clip_whatever_the_order(name):
    """Frame by frame, candidates in either order, the helper's arms reaching the patient's
    legs: the coached pose is the patient's every time; the helper alone is never taken."""
    tr = _truth(name)
    tracker = PersonTracker(scorer=_scorer(tr["expect"]["stretch"]))
    for i, f in enumerate(tr["frames"]):
        patient = _pose(f["landmarks_px"], f["t_s"], tr["size"])
        helper = _pose(f["helper_landmarks_px"], f["t_s"], tr["size"])
        chosen = tracker.choose([helper, patient] if i % 2 else [patient, helper], f["t_s"])
        assert chosen is patient, f"frame {i}"
    t = tr["frames"][-1]["t_s"] + 0.1
    assert tracker.choose([helper], t) is None   # patient unseen: lost, not the helper


def test_single_person_tracking_is_unchanged_by_a_scorer():
    """Alone in frame the choice and the jump limit are the old tracker's."""
    patient, _ = _people("partner-hamstring-left-beside", 60)
    far = _pose(patient.xy + (200.0, 0.0), 6.1, patient.size)
    for scorer in (None, _scorer("partner-hamstring")):
        tr = PersonTracker(scorer=scorer)
        assert tr.choose([patient], 6.0) is patient
        assert tr.choose([far], 6.1) is None


def test_a_helper_behind_the_mat_hides_nothing_one_in_front_hides_what_they_cover():
    patient, helper = _people("partner-hamstring-left-beside", 60)
    assert not in_front(patient, helper) and not covered(patient, helper).any()
    patient, helper = _people("partner-knees-to-chest-between", 60)
    assert in_front(patient, helper)
    hidden_pose, names = hide_covered(patient, [helper])
    assert names, "the helper stands over the patient's legs"
    for n in names:
        assert hidden_pose.visibility[INDEX[n]] == 0.0
    assert sorted(n for n in INDEX if hidden_pose.visibility[INDEX[n]] == 0.0) == sorted(names)


def test_helper_hand_metrics_in_torso_lengths():
    patient, helper = _people("partner-hamstring-left-beside", 60)
    m = helper_metrics(patient, helper)
    assert m["helper_hand_ankle_left"] < 0.3, m      # a hand on the raised (left) ankle
    assert math.isnan(m["helper_hand_ankle_right"]), m   # that leg rests: not the helper's job
    rest_patient, rest_helper = _people("partner-hamstring-left-beside", 0)
    assert all(math.isnan(v) for v in helper_metrics(rest_patient, rest_helper).values())
    assert all(math.isnan(v) for v in helper_metrics(patient, None).values())


def _frame(name: str, i: int) -> np.ndarray:
    import cv2

    cap = cv2.VideoCapture(str(SAMPLES / f"{name}.mp4"))
    cap.set(cv2.CAP_PROP_POS_FRAMES, i)
    ok, image = cap.read()
    assert ok, f"{name} frame {i}"
    return image


def test_paint_out_covers_the_helpers_body_and_keeps_their_hands_and_the_patient():
    from posecheck.pose.paintout import paint_out

    patient, helper = _people("partner-hamstring-right-between", 70)
    image = _frame("partner-hamstring-right-between", 70)
    out = paint_out(image, helper)
    rows = np.median(image[:, ::4], axis=1).astype(np.uint8)
    for name in ("left_hip", "right_knee", "left_shoulder"):      # the helper's body: background now
        x, y = np.round(helper.point(name)).astype(int)
        assert (out[y, x] == rows[y]).all(), name
    hand = min(("left_wrist", "right_wrist"),                      # the hand on the ankle is kept
               key=lambda n: np.linalg.norm(helper.point(n) - patient.point("right_ankle")))
    x, y = np.round(helper.point(hand)).astype(int)
    assert (out[y, x] == image[y, x]).all()
    x, y = np.round(patient.point("left_shoulder")).astype(int)    # the patient's far end too
    assert (out[y, x] == image[y, x]).all()
    changed = (out != image).any(axis=2).mean()
    assert 0.02 < changed < 0.25, f"{changed:.1%} of the pixels painted"


def test_the_patient_hidden_from_the_detector_by_a_standing_helper_is_found_once_they_are_painted_out(model):
    """Real model: on this frame MediaPipe (two people asked for) finds only the helper;
    with the helper painted out it finds the patient (mean landmark error < 25 px)."""
    from posecheck.pose.engine import PoseEngine, _mp_image, _to_poses
    from posecheck.pose.paintout import paint_out

    patient, helper = _people("partner-hamstring-right-between", 70)
    image = _frame("partner-hamstring-right-between", 70)
    with PoseEngine(model.path, mode="image", num_poses=2) as eng:
        found = _to_poses(eng._landmarker.detect(_mp_image(image)), patient.size, 7.0)
        again = _to_poses(eng._landmarker.detect(_mp_image(paint_out(image, helper))), patient.size, 7.0)
    err = lambda p, q: float(np.linalg.norm(p.xy - q.xy, axis=1).mean())   # noqa: E731
    assert len(found) == 1 and err(found[0], helper) < err(found[0], patient), "only the helper found"
    assert again and min(err(p, patient) for p in again) < 25.0, [round(err(p, patient)) for p in again]


class _FakeLandmarker:
    """Stands in for MediaPipe in the probe's pure switching logic: returns `people` poses."""

    def __init__(self, name: str, people):
        self.name, self.people, self.calls = name, people, 0

    def _result(self, ts_ms=None):
        from types import SimpleNamespace

        self.calls += 1
        n = self.people(ts_ms) if callable(self.people) else self.people
        return SimpleNamespace(pose_landmarks=[self.name] * n, source=self.name)

    def detect(self, image):
        return self._result()

    def detect_for_video(self, image, ts_ms):
        return self._result(ts_ms)

    def close(self):
        pass


def _second_person(every: int, partner: bool, probe_people, two_people):
    from types import SimpleNamespace

    from posecheck.pose.second import SecondPerson

    one = _FakeLandmarker("one", 1)
    made = {"image": _FakeLandmarker("probe", probe_people), "video": _FakeLandmarker("two", two_people)}
    engine = SimpleNamespace(_landmarker=one, _create=lambda mode, n: made[mode])
    sp = SecondPerson(every, partner)
    sp.open(engine)
    return sp, one, made


def test_alone_in_frame_every_frame_comes_from_the_one_person_tracker_and_the_probe_only_counts():
    sp, one, made = _second_person(60, False, 1, 2)
    sources = [sp.detect(None, 100 * i).source for i in range(300)]
    sp.close()
    assert sources == ["one"] * 300
    assert sp.probes == made["image"].calls == 5 and sp.two_frames == 0   # frames 0, 60, ... 240


def test_two_found_by_a_probe_are_followed_until_one_has_been_alone_for_two_seconds():
    from posecheck.pose.second import ALONE_S, LAG

    # the second person leaves at 5 s; the probe sees two from the start
    sp, one, made = _second_person(60, False, 2, lambda ts: 2 if ts < 5000 else 1)
    sources = [sp.detect(None, 100 * i).source for i in range(120)]
    sp.close()
    # the probe runs beside the next LAG frames, which stay one-person's; then two are followed
    assert sources[:LAG] == ["one"] * LAG and set(sources[LAG:50]) == {"two"}
    back = sources.index("one", LAG)
    assert back * 0.1 == pytest.approx(5.0 + ALONE_S + 0.1, abs=0.15), back
    assert set(sources[back:]) == {"one"}                          # and no probe for 60 frames


def test_a_partner_stretch_takes_the_probes_two_people_for_that_frame():
    sp, one, made = _second_person(10, True, 2, 2)
    assert sp.detect(None, 0).source == "probe" and sp.detect(None, 100).source == "two"


# --- the two-person renderer ------------------------------------------------------------

def test_helper_track_is_rendered_with_hands_on_the_patient_and_leaves_the_patient_alone():
    from posecheck.synth.clip import make_scene, render_frames
    from posecheck.synth.timeline import load_timeline

    tl = load_timeline(SAMPLES / "partner-hamstring-left-beside.toml")
    scene = make_scene(tl)
    both = render_frames(tl, scene)
    solo = render_frames(tl, scene, with_helper=False)
    for i in range(61):
        (_, img, truth), (_, img_solo, truth_solo) = next(both), next(solo)
    assert truth["angles"] == truth_solo["angles"]              # same patient, same camera
    assert "helper_landmarks_px" in truth and "helper_landmarks_px" not in truth_solo
    changed = (np.abs(img.astype(int) - img_solo).max(axis=2) > 30).mean()
    assert changed > 0.02, f"{changed:.1%} of the pixels"      # the helper is in the picture
    helper, patient = np.array(truth["helper_landmarks_px"]), np.array(truth["landmarks_px"])
    hand = min(np.linalg.norm(helper[INDEX[h]] - patient[INDEX["left_ankle"]])
               for h in ("left_wrist", "right_wrist"))
    torso = np.linalg.norm(patient[INDEX["left_shoulder"]] - patient[INDEX["left_hip"]])
    assert hand < 0.4 * torso, f"helper's hand {hand:.0f} px from the ankle"


@pytest.mark.parametrize("body, message", [
    ('[helper]\nseed = 1\n', "helper.keys: needs at least one"),
    ('[helper]\n[[helper.keys]]\npose = "flying"\n', "helper.keys[0].pose 'flying' unknown"),
    ('[helper]\n[[helper.keys]]\npose = "standing"\nhands = ["left_ankel", ""]\n', "not a landmark name"),
    ('[helper]\ncolour = 1\n[[helper.keys]]\npose = "standing"\n', "unknown key(s) ['colour']"),
])
def test_bad_helper_tables_give_one_line_errors(tmp_path, body, message):
    from posecheck.errors import UsageError
    from posecheck.synth.timeline import load_timeline

    p = tmp_path / "t.toml"
    p.write_text('[[keys]]\npose = "supine"\nhold_s = 1\n' + body)
    with pytest.raises(UsageError, match=re.escape(message)):
        load_timeline(p)


# --- with the real model ----------------------------------------------------------------

@pytest.mark.skipif(not (REAL / "sports2d_demo.mp4").exists(), reason="real footage absent")
@pytest.mark.xfail(strict=True, reason="measured 2026-12-02: followed in 204/230 frames (163 before the look behind "
                   "the refused woman); still lost 5.63-6.07 s in mid-jump, where the detector finds no one even with "
                   "the woman painted out, so the step across that gap is 0.54 body sizes (the same man, found again at "
                   "6.10 s, never the woman)")
def test_two_people_walking_one_is_followed_for_the_whole_clip(model):
    """Real footage, two people walking past each other: the coached person never jumps."""
    from posecheck.media.videoio import VideoReader
    from posecheck.pose.engine import PoseEngine

    centres, sizes, seen, n = [], [], 0, 0
    with PoseEngine(model.path, mode="video", num_poses=None) as eng:   # the second-person look
        for frame in VideoReader(REAL / "sports2d_demo.mp4"):
            pose = eng.detect(frame.image, frame.t_s)
            n += 1
            if pose is not None:
                seen += 1
                x0, y0, x1, y1 = pose.bbox()
                centres.append(((x0 + x1) / 2, (y0 + y1) / 2))
                sizes.append(np.hypot(x1 - x0, y1 - y0))
    assert seen >= 0.9 * n, f"followed in {seen}/{n} frames"
    steps = np.linalg.norm(np.diff(np.array(centres), axis=0), axis=1) / np.array(sizes[1:])
    assert steps.max() < 0.25, f"largest jump {steps.max():.2f} body sizes in one frame"
    assert eng.painted is not None and eng.painted.frames > 0   # the second person was seen (and looked behind)


@pytest.mark.parametrize("name", ["partner-hamstring-left-beside", pytest.param(
    "partner-knees-to-chest-feet", marks=pytest.mark.xfail(strict=True, reason="re-measured 2026-12-02 14:40: hip_right MAE 3.59 deg with "
                                                           "the helper at the feet, 0.80 without (+2.79 > 2): a steady 2-5 deg "
                                                           "low reading through the hold while the helper's hands rest on the "
                                                           "knees (cause not isolated); holds 3.4-12.6 s "
                                                           "with, 3.3-12.7 s without (ACCURACY.md)"))])
def test_the_helper_changes_the_patients_primary_angles_by_at_most_2_degrees(name, tmp_path, model):
    """The same clip rendered without its helper (same camera and patient): the primary
    angles' mean errors vs the truth during the hold are at most 2° worse with the helper,
    and the hold is found on the same side within ±1 s in both."""
    from posecheck.run.partner_check import helper_effect

    _truth(name)
    r = helper_effect(SAMPLES / f"{name}.toml", tmp_path)
    for angle, err in r["with"].items():
        if angle != "holds":
            assert err - r["without"][angle] <= 2.0, (angle, err, r["without"][angle])
    expected = _truth(name)["expect"]["holds"][0]
    for holds in (r["with"]["holds"], r["without"]["holds"]):
        assert len(holds) == 1, holds
        side, start, end = holds[0]
        assert side == expected["side"]
        assert abs(start - expected["start_s"]) <= 1.0 and abs(end - expected["end_s"]) <= 1.0, holds


def test_a_standing_helper_alone_in_frame_is_not_coached_in_a_lying_stretch():
    """MediaPipe sometimes finds only the standing helper (the patient lying flat or behind
    them): no coaching then, rather than the helper's angles; a standing stretch still is."""
    patient, helper = _people("partner-hamstring-right-between", 60)
    tracker = PersonTracker(scorer=_scorer("partner-hamstring"), helper=True)
    assert tracker.choose([helper], 6.0) is None and tracker.others == [helper]
    assert tracker.choose([patient], 6.1) is patient
    assert PersonTracker(scorer=_scorer("standing-hamstring")).choose([helper], 6.0) is helper
    assert PersonTracker().choose([helper], 6.0) is helper         # no stretch given: as before
    # a solo floor stretch: whoever is alone in frame is coached, standing or not (a photo
    # from above reads as standing; a person who stands up is told to get into position)
    assert PersonTracker(scorer=_scorer("knee-to-chest")).choose([helper], 6.0) is helper


def test_alone_the_person_seen_elsewhere_is_taken_once_steady_and_fitting():
    """A cut in the video (or a low frame rate): the one person in view jumped further than a
    step. Taken after NEWCOMER_S when they fit the stretch; never when they do not fit."""
    patient, helper = _people("partner-hamstring-left-beside", 60)
    x0, y0, x1, y1 = patient.bbox()
    step = (1.2 * np.hypot(x1 - x0, y1 - y0), 0.0)  # beyond any frame-to-frame move
    moved = [_pose(patient.xy + step, 6.1 + 0.1 * i, patient.size) for i in range(12)]
    tracker = PersonTracker(scorer=_scorer("supine-hamstring"))
    assert tracker.choose([patient], 6.0) is patient
    chosen = [tracker.choose([p], p.t_s) for p in moved]
    assert chosen[:10] == [None] * 10 and chosen[10] is moved[10] and chosen[11] is moved[11]
    tracker = PersonTracker(scorer=_scorer("supine-hamstring"))
    tracker.choose([patient], 6.0)
    standing_far = [_pose(helper.xy + step, 6.1 + 0.1 * i, helper.size) for i in range(12)]
    assert all(tracker.choose([p], p.t_s) is None for p in standing_far)


# --- which leg the helper lifts (pure, on the renderer's landmarks) -------------------------

@pytest.mark.parametrize("name", [n for n in PARTNER if "hamstring" in n])
def test_the_raised_leg_is_labelled_on_the_side_the_helper_lifts(name):
    """Helper in front of the mat or behind it, either side raised: the renderer's own
    labels are never changed; with the legs' labels exchanged (MediaPipe's mistake) they are
    put back on every frame of the hold; at rest (legs together) nothing is decided."""
    from posecheck.pose.legs import legs_swapped, raised_label
    from posecheck.pose.occlusion import front_margin
    from posecheck.run.people import LIFT_FRONT, lifted_leg_kept, lifted_side

    tr = _truth(name)
    hold = 0
    for i, f in enumerate(tr["frames"]):
        patient, helper = _people(name, i)
        front = front_margin(patient, helper) > LIFT_FRONT
        assert np.array_equal(lifted_leg_kept(patient, front).xy, patient.xy), f"frame {i}"
        if not 4.0 <= f["t_s"] <= 12.0:
            continue
        hold += 1
        assert raised_label(patient) == lifted_side(patient, front) == tr["side"], f"frame {i}"
        assert np.array_equal(lifted_leg_kept(legs_swapped(patient), front).xy, patient.xy), f"frame {i}"
    assert hold == 81


def test_both_legs_on_the_raised_one_leaves_the_resting_leg_unseen_and_bent_knees_are_left_alone():
    from posecheck.pose.legs import LEG_PARTS
    from posecheck.run.people import lifted_leg_kept

    patient, helper = _people("partner-hamstring-right-between", 60)      # right leg raised
    xy = patient.xy.copy()
    for p in LEG_PARTS:                                                    # the left leg put on it
        xy[INDEX[f"left_{p}"]] = xy[INDEX[f"right_{p}"]] + 2.0
    both = _pose(xy, patient.t_s, patient.size)
    kept = lifted_leg_kept(both, in_front(both, helper))
    unseen = sorted(n for n in INDEX if kept.visibility[INDEX[n]] == 0.0)
    assert unseen == sorted(f"left_{p}" for p in LEG_PARTS[1:])
    hug, hug_helper = _people("partner-knees-to-chest-feet", 60)          # both knees up, bent
    assert lifted_leg_kept(hug, in_front(hug, hug_helper)) is hug


def test_a_far_leg_seen_again_beside_a_helper_counts_after_resight_s_a_near_leg_from_the_next_frame():
    """MediaPipe puts the hidden far leg somewhere wrong for runs of frames (knees-to-chest
    beside: hip 100-125° against 59-62°, runs of up to 0.7 s): once a helper was seen, the
    far leg (left here: the face says the right side is near) seen again is held unseen for
    RESIGHT_S, the near leg for one frame; without a helper nothing is held."""
    from posecheck.run.people import RESIGHT_S, Helpers

    patient, helper = _people("partner-knees-to-chest-beside", 60)
    assert RESIGHT_S == pytest.approx(0.8)
    legs = {s: [INDEX[f"{s}_{p}"] for p in ("hip", "knee", "ankle")] for s in ("left", "right")}
    # (leg, helper seen, seen this long (s) and still hidden, seen this long and shown)
    for side, with_helper, hidden_at, shown_at in (("left", True, 0.7, 0.9), ("right", True, 0.0, 0.1),
                                                   ("left", False, -1.0, 0.0)):
        helpers = Helpers()
        for i in range(14):                  # 10 fps; the leg is unseen on frame 0 only
            vis = np.ones(33)
            if i == 0:
                vis[legs[side]] = 0.1
            p = Pose(6.0 + i / 10, patient.xy, patient.xy_norm, patient.world, vis, patient.presence, patient.size)
            kept, _, _ = helpers.split(p, [helper] if with_helper else [])
            since = i / 10 - 0.1               # seen since frame 1
            got = float(kept.visibility[legs[side][1]])
            if i == 0:
                assert got == 0.1
            elif since <= hidden_at + 1e-6 or since >= shown_at - 1e-6:
                assert got == (0.0 if since <= hidden_at + 1e-6 else 1.0), (side, with_helper, i, got)
            other = "right" if side == "left" else "left"
            assert kept.visibility[legs[other][1]] == 1.0


def test_a_leg_landmark_that_jumps_beside_a_helper_counts_once_it_stayed_put_and_a_swing_is_not_a_jump():
    """Knees-to-chest between camera and mat: MediaPipe put the near ankle on the helper's
    hand, 75 px (about 1.1 torso lengths) from where it was, on two frames. A landmark
    that jumps faster than JUMP_TORSO_PER_S from where it last counted counts again once a
    leg could have got there at that speed (1.1 torso lengths: 0.4 s) and JUMP_S more; a leg
    swung at 1.5 torso lengths per second (faster than any in the clips) is not held."""
    from posecheck.pose.legs import FIRST_FRAME, LegTrust, leg_holds
    from posecheck.run.people import JUMP_S

    patient, _ = _people("partner-knees-to-chest-between", 60)
    torso = np.linalg.norm(patient.point("right_shoulder") - patient.point("right_hip"))
    ankle = INDEX["right_ankle"]
    holds = leg_holds(FIRST_FRAME, FIRST_FRAME)
    for step_torso, jump_at, shown in ((0.15, None, [1.0] * 8), (0.0, 3, [1.0] * 3 + [0.0] * 4 + [1.0])):
        trust, got = LegTrust(JUMP_S), []
        for i in range(8):                       # 10 fps
            xy = patient.xy.copy()
            xy[ankle, 0] += step_torso * torso * i
            if jump_at is not None and i >= jump_at:
                xy[ankle, 1] -= 1.1 * torso      # and stays there
            p = Pose(3.0 + i / 10, xy, xy / patient.size, patient.world, np.ones(33), patient.presence, patient.size)
            got.append(float(trust.apply(p, holds).visibility[ankle]))
        assert got == shown, (step_torso, jump_at, got)


def test_where_the_helper_stands_is_the_median_of_five_seconds_not_one_frames_feet():
    """Helper at the feet a step toward the camera (their feet 0.31-0.33 torso lengths below
    the patient's body line): with the feet read 0.25 torso lengths higher on every third
    frame (under LIFT_FRONT alone), the raised leg is still put back on the left, the side
    the helper lifts, on every hold frame."""
    from posecheck.pose.legs import legs_swapped, raised_label
    from posecheck.pose.occlusion import front_margin
    from posecheck.run.people import LIFT_FRONT, Helpers

    name = "partner-hamstring-left-feet"
    tr, helpers, nudged = _truth(name), Helpers(), 0
    feet = [INDEX[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel")]
    torso = np.linalg.norm(np.subtract(*_people(name, 60)[0].xy[[INDEX["left_shoulder"], INDEX["left_hip"]]]))
    for i, f in enumerate(tr["frames"]):
        patient, helper = _people(name, i)
        if i % 3 == 0:
            xy = helper.xy.copy()
            xy[feet, 1] -= 0.25 * torso
            helper = _pose(xy, helper.t_s, helper.size)
            nudged += front_margin(patient, helper) < LIFT_FRONT
        kept, _, _ = helpers.split(legs_swapped(patient), [helper])
        if 4.0 <= f["t_s"] <= 12.0:
            assert raised_label(kept) == "left", f"frame {i}"
    assert nudged >= 50     # the nudged frames alone would say "behind"


def test_feet_hidden_by_a_helper_in_front_do_not_pause_partner_knees_to_chest_the_hips_carry_it():
    """partner-knees-to-chest's feet-off-the-floor judge is `hidden_ok` (hips flexed past 80°
    lift the feet): with the ankles unknown because a helper in front covers them, the hold
    counts on the hips; unknown for any other reason, or in the solo stretch, it pauses."""
    from posecheck.coach.machine import Coach

    catalog = load_catalog(user_dir=False)
    values = {"hip_left": 60.0, "hip_right": 61.0, "foot_lift_left": math.nan, "foot_lift_right": math.nan,
              "helper_hand_hips": 0.3, "helper_hand_knees": 0.3}
    for sid, helper_hides, counts in (("partner-knees-to-chest", True, True), ("partner-knees-to-chest", False, False),
                                      ("double-knee-to-chest", True, False)):
        coach = Coach(get_stretch(sid, catalog=catalog), None)
        states = [coach.update(i / 10, values, hidden_by_helper=helper_hides).state for i in range(60)]
        assert (states[-1] == "holding") is counts, (sid, helper_hides, states[-5:])
        if counts:
            assert coach.hold_s == pytest.approx(5.9, abs=0.35)   # counted from the first frame in position
        else:
            assert states[-1] == "low_confidence"
