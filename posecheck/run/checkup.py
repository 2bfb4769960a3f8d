"""`posecheck checkup --video FILE...`: the check-up from recordings.

Each file holds one test (any trials, either or both sides; `TEST=FILE`, or a file name
starting with the test id): pose (VIDEO mode) -> swap correction -> metrics -> one-euro
(spike guard, as live does) -> records -> trials -> best valid per side -> findings ->
result JSON and the routine file. Whatever was measured is written, atomically.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from posecheck.coach.checkup import load_tests
from posecheck.coach.checkup.evaluate import NOT_A_DIAGNOSIS, compare, evaluate_test
from posecheck.coach.checkup.routine import ROUTINE_ID, routine_text
from posecheck.coach.checkup.trials import Record, find_trials
from posecheck.errors import InputError, UsageError

RESULT_NAME = "checkup.json"


@dataclass
class CheckupOptions:
    out_dir: Path = Path("posecheck-checkup")
    model: str | None = None
    routine_dir: Path | None = None      # None: the user routine folder
    test_dirs: tuple[Path, ...] = ()
    history: bool = True                 # store the result in the local history
    history_path: Path | None = None     # None: the history's own file
    notes: list[str] = field(default_factory=list)


def test_for(spec: str, tests: dict) -> tuple[str, Path]:
    """(test id, path) of one `--video` argument: `TEST=FILE` or a file named after its test."""
    if "=" in spec and spec.split("=", 1)[0] in tests:
        tid, path = spec.split("=", 1)
        return tid, Path(path)
    path = Path(spec)
    stem = path.stem.lower()
    matches = [t for t in tests if stem == t or stem.startswith(t + "-") or stem.startswith(t + "_")]
    if not matches:
        raise UsageError(f"which test is {path.name}? name it TEST=FILE with TEST one of: {', '.join(tests)}")
    return max(matches, key=len), path


def records_from_video(path: Path, model: str | None = None) -> list[Record]:
    """One Record per decoded frame of the video."""
    from posecheck.measure import metrics
    from posecheck.measure.sides import SwapCorrector, near_side
    from posecheck.measure.smoothing import OneEuroDict
    from posecheck.measure.spikes import spike_overrides
    from posecheck.media.videoio import VideoReader
    from posecheck.pose.engine import PoseEngine

    if not path.is_file():
        raise InputError(f"no such video: {path}")
    swap, smooth, out = SwapCorrector(), OneEuroDict(spike_window=7, overrides=spike_overrides()), []
    reader = VideoReader(path)
    with PoseEngine(model, mode="video") as engine:
        for frame in reader:
            pose = engine.detect(frame.image, frame.t_s)
            if pose is not None:
                pose = swap.correct(pose)
            values = smooth(frame.t_s, metrics.measure(pose) if pose is not None else None)
            out.append(Record(frame.t_s, values if pose is not None else None,
                              near_side(pose) if pose is not None else None))
    if not out:
        raise InputError(f"{path.name}: no frames could be decoded")
    return out


def build_result(tests: dict, trials_by_test: dict, files: list[dict], previous: dict | None = None) -> dict:
    """The check-up result (JSON-ready) from each test's trials, in the check-up's order."""
    blocks = [evaluate_test(tests[tid], trials_by_test[tid]) for tid in tests if tid in trials_by_test]
    result = {"kind": "checkup", "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "files": files, "tests": blocks, "note": NOT_A_DIAGNOSIS}
    result["changes"] = compare(previous, result)
    return result


def _temp_copy(path: Path, text: str) -> Path:
    """`text` in a hidden temporary file next to `path` (same folder: a rename or link is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder, then rename: never a half file."""
    tmp = _temp_copy(path, text)
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_new(path: Path, text: str) -> bool:
    """Write `path` whole only if no file has that name (False then): a hard link of the
    temporary file fails rather than replace, so a file made meanwhile survives too."""
    tmp = _temp_copy(path, text)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError:             # no hard links on this file system (FAT...): an exclusive create
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(text)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _routine_ids_in(folder: Path) -> set[str]:
    """The ids the routine files in `folder` use (an unreadable one: its file name)."""
    from posecheck.coach.tomlfile import read_toml

    ids = set()
    for path in folder.glob("*.toml"):
        try:
            ids.add(str(read_toml(path).get("id", path.stem)))
        except UsageError:
            ids.add(path.stem)
    return ids


def write_routine(folder: Path, text_for, day: str) -> tuple[str, Path]:
    """Write the routine (`text_for(id)`) under the first free id: `checkup`, then
    `checkup-<day>`, `checkup-<day>-2`, ... An earlier routine, perhaps edited since, is the
    user's: it is never replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = _routine_ids_in(folder)
    candidates = [ROUTINE_ID, f"{ROUTINE_ID}-{day}"] + [f"{ROUTINE_ID}-{day}-{n}" for n in range(2, 1000)]
    for rid in candidates:
        path = folder / f"{rid}.toml"
        if rid not in taken and write_new(path, text_for(rid)):
            return rid, path
    raise InputError(f"{folder}: {len(candidates)} check-up routines already; remove old ones")


def save(result: dict, tests: dict, opts: CheckupOptions) -> dict:
    """Write the result JSON and the routine file; returns their paths (also in the result)."""
    from posecheck.coach.routines import user_routine_dir

    routine_path = None
    if result["tests"]:
        rid, routine_path = write_routine(
            opts.routine_dir or user_routine_dir(),
            lambda rid: routine_text(tests, result["tests"], result["created"], rid), result["created"][:10])
        result["routine"] = {"id": rid, "path": str(routine_path)}
    if opts.history and result["tests"]:
        from posecheck.run.checkup_history import record_checkup

        sid = record_checkup(result, ", ".join(f["file"] for f in result["files"]), opts.model,
                             opts.history_path)
        result["history"] = {"session": sid} if sid is not None else None
    out = opts.out_dir / RESULT_NAME
    write_atomic(out, json.dumps(result, indent=1))
    return {"result": out, "routine": routine_path}


def previous_result(opts: CheckupOptions) -> dict | None:
    """The last check-up's result, to show the change: the history's, else the last file."""
    if opts.history:
        from posecheck.run.checkup_history import last_checkup

        stored = last_checkup(opts.history_path)
        if stored:
            return stored
    path = opts.out_dir / RESULT_NAME
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def checkup_videos(specs: list[str], opts: CheckupOptions, echo=print) -> dict:
    """Run the check-up over recordings; returns the result (written with its routine)."""
    tests = load_tests(opts.test_dirs)
    jobs = [test_for(s, tests) for s in specs]
    trials_by_test: dict[str, list] = {}
    files = []
    for tid, path in jobs:
        echo(f"{path.name}: {tests[tid].name}")
        trials = find_trials(tests[tid], records_from_video(path, opts.model))
        trials_by_test.setdefault(tid, []).extend(trials)
        files.append({"file": path.name, "test": tid, "trials": len(trials)})
    result = build_result(tests, trials_by_test, files, previous_result(opts))
    save(result, tests, opts)
    return result


def report_lines(result: dict) -> list[str]:
    """The result in words, for the terminal (and the voice, line by line)."""
    lines = []
    for r in result["tests"]:
        unit = "°" if r["unit"] == "deg" else f" {r['unit']}"
        vals = ", ".join(f"{s} {v['value']:g}{unit}" if v["value"] is not None else f"{s} -"
                         for s, v in r["sides"].items())
        lines.append(f"{r['name']}: {vals}")
        lines.append(f"  {r['finding']}")
        for s, v in r["sides"].items():
            lines += [f"  {s} trial at {t['start_s']:.1f}s not counted: {t['reason']}"
                      for t in v["trials"] if not t["valid"]]
    lines += [f"Since last time: {c}" for c in result.get("changes", [])]
    if result.get("routine"):
        rid = result["routine"]["id"]
        kept = "" if rid == ROUTINE_ID else f"; your earlier {ROUTINE_ID}.toml is kept as it was"
        lines.append(f"Your routine: posecheck live --routine {rid} (written to {result['routine']['path']}{kept})")
    lines.append(result["note"])
    return lines
