"""Pipelines that wire the stages to a source and sinks: `analyze` (recorded video),
`live` (camera or file played as one) and `check` (regression runs over sample clips).
May import every stage package and `posecheck.synth`; never `posecheck.cli`."""
