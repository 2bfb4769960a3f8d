"""Stage 2, measure: a `Pose` in, named numbers out (degrees, torso lengths).

Pure geometry, the metrics every stretch judges, sides (near/stretched, swap correction),
smoothing filters and the camera view check.
May import: `posecheck.errors`, `posecheck.pose`."""
