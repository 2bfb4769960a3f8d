"""`python -m posecheck ...`: the same command as the `posecheck` entry point."""

from posecheck.cli import main

main()
