"""Stage 3, coach: metrics in, feedback out: the catalogue and routines (data files),
judging against bands, cue choice, the hold/rep state machine and stretch recognition.
Pure Python, shared by `live` and `analyze`.
May import: `posecheck.errors`, `posecheck.pose`, `posecheck.measure`. Never media, run, cli."""
