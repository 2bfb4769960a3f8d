"""Stage 1, pose: frames in, one `Pose` of the coached person out.

The `Pose` type and landmark tables, the MediaPipe engine, person tracking, and the
model store that finds, verifies and builds the model file.
May import: `posecheck.errors` only."""
