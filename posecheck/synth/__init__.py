"""The mannequin renderer and sample timelines (numpy + OpenCV only, no downloaded assets)."""

from posecheck.synth.clip import render_clip, samples_render

__all__ = ["render_clip", "samples_render"]
