"""The mannequin renderer and sample timelines (numpy + OpenCV only, no downloaded assets).

A tool beside the pipeline (it makes the clips the tests and `check` run on).
May import: `posecheck.errors`, `posecheck.pose`, `posecheck.measure`, `posecheck.coach`."""

from posecheck.synth.clip import render_clip, samples_render

__all__ = ["render_clip", "samples_render"]
