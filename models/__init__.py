"""Model manifest and licence (no binaries); installed as the package posecheck.modeldata."""
