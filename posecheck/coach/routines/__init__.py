"""Routines: named sequences of catalogue stretches, as data files (TOML)."""

from posecheck.coach.routines.loader import DATA_DIR, Routine, Step, get_routine, load_routines, user_routine_dir

__all__ = ["DATA_DIR", "Routine", "Step", "get_routine", "load_routines", "user_routine_dir"]
