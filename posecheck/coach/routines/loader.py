"""Load routine files: built-ins, then the user's config dir, then each `--routines DIR`.

A routine file:

    id = "low-back"
    name = "Low-back routine"
    description = "..."
    transition_s = 10          # countdown before each step, seconds

    [[step]]
    stretch = "knee-to-chest"  # a catalogue id
    hold_s = 30                # optional: overrides the stretch's dose
    reps = 1                   # optional: holds per side (hold) or cycles (reps)
    sets = 1                   # optional
    rest_s = 10                # optional
    sides = ["right", "left"]  # optional: these sides of a sided stretch, in this order
                               # (a check-up's routine: the tighter side first, then an
                               # extra step with just that side for its extra set)
    style = "reps"             # optional: a stretch with a [rep_style] done as repetitions

Sides, holds and rests within a step are the coach's job (each side of a sided
stretch in turn); the routine only orders the stretches and adjusts their dose.
Every problem is one UsageError line naming the file, the key and the fix.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path

from posecheck.errors import UsageError

DATA_DIR = Path(__file__).parent / "data"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TOP_KEYS = {"id", "name", "description", "transition_s", "step"}
STEP_KEYS = {"stretch", "hold_s", "reps", "sets", "rest_s", "style", "sides"}
DOSE_KEYS = ("hold_s", "reps", "sets", "rest_s")


@dataclass(frozen=True)
class Step:
    stretch: str
    dose: dict          # the dose keys this step overrides (may be empty)
    style: str | None = None
    sides: tuple[str, ...] = ()   # the sides to do, in order (empty: the stretch's own)

    def apply(self, stretch):
        """The catalogue stretch in this step's style and sides, with this step's dose."""
        from posecheck.coach.catalog.schema import with_style

        stretch = with_style(stretch, self.style)
        if self.sides and stretch.sided:
            stretch = dataclasses.replace(stretch, sides=self.sides)
        if not self.dose:
            return stretch
        return dataclasses.replace(stretch, dose=dataclasses.replace(stretch.dose, **self.dose))


@dataclass(frozen=True)
class Routine:
    id: str
    name: str
    description: str
    transition_s: float
    steps: tuple[Step, ...]
    path: str = ""


def user_routine_dir() -> Path:
    """Where users keep their own routines: <user config dir>/posecheck/routines."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("posecheck")) / "routines"


def _fail(path: Path, key: str, problem: str, fix: str) -> UsageError:
    return UsageError(f"{path.name}: {key}: {problem}; {fix}")


def _number(path: Path, table: dict, key: str, where: str, integer: bool = False):
    from posecheck.coach.catalog.schema import DOSE_LIMITS, MAX_TRANSITION_S

    value = table[key]
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or not math.isfinite(value) or value < (1 if integer else 0):
        kind = "a whole number >= 1" if integer else "a number of seconds >= 0"
        raise _fail(path, f"{where}{key}", f"must be {kind}, got {value!r}", f"write e.g. {key} = "
                    f"{'2' if integer else '30'}")
    hi, unit = (MAX_TRANSITION_S, "s") if key == "transition_s" else DOSE_LIMITS[key][1:]
    if value > hi:
        raise _fail(path, f"{where}{key}", f"{value:g} {unit} is more than the {hi:g} {unit} allowed",
                    f"use a value up to {hi:g}")
    return int(value) if integer else float(value)


def _sides(path: Path, raw: dict, where: str) -> tuple[str, ...]:
    sides = raw.get("sides", [])
    if not isinstance(sides, list) or not all(s in ("left", "right") for s in sides) \
            or len(set(sides)) != len(sides):
        raise _fail(path, where + "sides", f"must list left/right at most once each, got {sides!r}",
                    'write e.g. sides = ["right", "left"]')
    return tuple(sides)


def parse_routine(data: dict, path: Path) -> Routine:
    for key in data:
        if key not in TOP_KEYS:
            raise _fail(path, key, "unknown key", f"remove it (allowed: {', '.join(sorted(TOP_KEYS))})")
    rid = data.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise _fail(path, "id", "missing or not lower-case letters, digits and dashes",
                    f'add id = "{path.stem}"')
    steps_raw = data.get("step")
    if not isinstance(steps_raw, list) or not steps_raw or not all(isinstance(s, dict) for s in steps_raw):
        raise _fail(path, "step", "missing", 'add at least one [[step]] with stretch = "knee-to-chest"')
    steps = []
    for i, raw in enumerate(steps_raw):
        where = f"step[{i}]."
        for key in raw:
            if key not in STEP_KEYS:
                raise _fail(path, where + key, "unknown key",
                            f"remove it (allowed: {', '.join(sorted(STEP_KEYS))})")
        if not isinstance(raw.get("stretch"), str):
            raise _fail(path, where + "stretch", "missing", 'add stretch = "<id from posecheck list>"')
        dose = {k: _number(path, raw, k, where, integer=k in ("reps", "sets")) for k in DOSE_KEYS if k in raw}
        style = raw.get("style")
        if style not in (None, "hold", "reps"):
            raise _fail(path, where + "style", f"must be \"hold\" or \"reps\", got {style!r}",
                        'write style = "reps" (for a stretch with a [rep_style])')
        steps.append(Step(raw["stretch"], dose, style, _sides(path, raw, where)))
    transition = _number(path, data, "transition_s", "") if "transition_s" in data else 10.0
    name = data.get("name", rid)
    desc = data.get("description", "")
    if not isinstance(name, str) or not isinstance(desc, str):
        raise _fail(path, "name", "name and description must be text", 'quote them: name = "..."')
    return Routine(rid, name, desc, transition, tuple(steps), str(path))


def _read(path: Path) -> dict:
    from posecheck.coach.tomlfile import read_toml

    return read_toml(path)


def load_routines(extra_dirs=(), *, user_dir: bool = True) -> dict[str, Routine]:
    """Routine id -> Routine; later folders override earlier ones with the same id."""
    dirs = [DATA_DIR] + ([user_routine_dir()] if user_dir else [])
    routines: dict[str, Routine] = {}
    for folder in dirs + [Path(d) for d in extra_dirs]:
        if not folder.is_dir():
            if folder in dirs:
                continue
            raise UsageError(f"routine folder {folder} does not exist; check --routines")
        here: dict[str, Path] = {}     # a later folder overrides; one folder must not say it twice
        for path in sorted(folder.glob("*.toml")):
            routine = parse_routine(_read(path), path)
            if routine.id in here:
                raise UsageError(f"{path.name}: id: '{routine.id}' is also defined in {here[routine.id].name}; "
                                 "give each routine its own id")
            here[routine.id] = path
            routines[routine.id] = routine
    return dict(sorted(routines.items()))


def get_routine(routine_id: str, extra_dirs=(), catalog=None, *, user_dir: bool = True) -> Routine:
    """The routine with this id, its stretches checked against the catalogue."""
    routines = load_routines(extra_dirs, user_dir=user_dir)
    if routine_id not in routines:
        known = ", ".join(routines) or "none"
        raise UsageError(f"unknown routine '{routine_id}'; known routines: {known}")
    routine = routines[routine_id]
    if catalog is not None:
        for step in routine.steps:
            if step.stretch not in catalog:
                raise UsageError(f"{Path(routine.path).name}: step stretch '{step.stretch}' is not in the "
                                 "catalogue; use an id from `posecheck list`")
            try:
                step.apply(catalog[step.stretch])
            except UsageError as err:
                raise UsageError(f"{Path(routine.path).name}: step style: {err}") from None
    return routine
