"""The check-up: standard range-of-motion tests on each side, as data files (TOML), found
in recorded metrics (trials, validity), evaluated against reference ranges and the
left/right noise floor, and turned into a routine. Pure Python, no I/O but reading the
test files. May import: `posecheck.errors`, `posecheck.measure`, `posecheck.coach`
(catalogue, routines). Never media, run, cli."""

from posecheck.coach.checkup.schema import CheckupTest, load_tests

__all__ = ["CheckupTest", "load_tests"]
