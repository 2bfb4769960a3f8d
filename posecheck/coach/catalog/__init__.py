"""The stretch catalogue: one TOML file per stretch, loaded into frozen dataclasses."""

from posecheck.coach.catalog.loader import DATA_DIR, PROFILES, Catalog, get_stretch, load_catalog, parse_stretch, user_stretch_dir
from posecheck.coach.catalog.schema import (Band, Cue, Dose, Judge, RepsRule, SideRule, Stretch, Timing, other_side,
                     resolve)

__all__ = ["DATA_DIR", "PROFILES", "Catalog", "get_stretch", "load_catalog", "parse_stretch",
           "user_stretch_dir", "Band", "Cue", "Dose", "Judge", "RepsRule", "SideRule", "Stretch",
           "Timing", "other_side", "resolve"]
