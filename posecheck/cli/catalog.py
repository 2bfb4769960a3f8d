"""`posecheck list` and `posecheck show ID`: the stretch catalogue for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

CATALOG_HELP = "Extra folder of stretch files (.toml); may be repeated."
PROFILE_HELP = "e.g. 'stenosis': narrower bands for flexion/extension-heavy stretches."


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
    app.command("show")(show_command)


def _dose_text(stretch) -> str:
    d = stretch.dose
    per = " each side" if stretch.sided else ""
    if stretch.kind == "reps":
        sets = f" x {d.sets} sets" if d.sets > 1 else ""
        return f"{d.reps} reps{sets}"
    times = f" x {d.reps}" if d.reps > 1 else ""
    return f"{d.hold_s:g} s{times}{per}"


def _as_dict(stretch) -> dict:
    return {"id": stretch.id, "name": stretch.name, "kind": stretch.kind, "sides": list(stretch.sides),
            "view": stretch.view, "loads": list(stretch.loads),
            "dose": {"hold_s": stretch.dose.hold_s, "reps": stretch.dose.reps,
                     "sets": stretch.dose.sets, "rest_s": stretch.dose.rest_s},
            "source": stretch.source, "file": stretch.path, "partner": stretch.partner}


def list_command(
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as JSON."),
    catalog: List[Path] = typer.Option([], "--catalog", help=CATALOG_HELP),
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP),
) -> None:
    """The stretches posecheck can coach: id, name, kind, sides and dose."""
    from posecheck.coach.catalog import load_catalog

    cat = load_catalog(extra_dirs=tuple(catalog), profile=profile)
    if as_json:
        print(json.dumps([_as_dict(s) for s in cat.values()], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "name", "kind", "sides", "dose", box=None, pad_edge=False)
    for s in cat.values():
        table.add_row(s.id, s.name, s.kind, "left/right" if s.sided else "-", _dose_text(s))
    Console().print(table)


def show_command(
    stretch_id: str = typer.Argument(..., metavar="STRETCH", help="A stretch id from `posecheck list`."),
    catalog: List[Path] = typer.Option([], "--catalog", help=CATALOG_HELP),
    profile: Optional[str] = typer.Option(None, "--profile", help=PROFILE_HELP),
) -> None:
    """Set-up, camera, dose, target bands and cues of one stretch."""
    from posecheck.coach.catalog import get_stretch

    s = get_stretch(stretch_id, extra_dirs=tuple(catalog), profile=profile)
    lines = [f"{s.name} ({s.id})", f"  position: {s.position}", f"  set-up:   {s.setup}",
             f"  camera:   {s.camera} [{s.view} view]",
             f"  dose:     {_dose_text(s)}, rest {s.dose.rest_s:g} s", f"  source:   {s.source}"]
    if s.partner:
        lines.append("  partner:  done with a helper; cues starting \"Partner:\" are for them "
                     "(--stretch auto coaches the solo version)")
    if s.loads:
        lines.append(f"  loads:    {', '.join(s.loads)} (narrowed by --profile stenosis)")
    if s.side_rule:
        r = s.side_rule
        if r.pick.startswith("positive-"):
            pos = r.pick.removeprefix("positive-")
            rule = f"{pos} when {r.metric} > 0, else {'left' if pos == 'right' else 'right'}"
        else:
            rule = f"the side with the {'smaller' if r.pick == 'min' else 'larger'} {r.metric}"
        lines.append(f"  side:     {rule}")
    lines.append("  judged (enter / leave / safe):")
    for j in s.judges:
        names = " & ".join(j.metrics)
        safe = f" / {j.safe}" if j.safe else ""
        signed = f" (as for the {j.signed} side; mirrored for the other)" if j.signed else ""
        lines.append(f"    {names}: {j.enter} / {j.leave}{safe}{signed}")
    if s.reps_rule:
        r = s.reps_rule
        swing = " + ".join(f"{sig.metric} {sig.excursion:+g}" for sig in r.signals)
        lines.append(f"  a rep:    one extreme then the other, each swing >= 1 of: {swing} "
                     f"(the person's own range); ease off outside {r.safe}")
    for style, dose in s.styles[1:]:
        lines.append(f"  or as {style}: {dose.reps} x {dose.hold_s:g} s top hold (style = \"{style}\")")
    lines.append("  cues:")
    for c in sorted(s.cues, key=lambda c: (-c.safety, -c.priority)):
        when = ""
        if c.metric:
            when = f" [when {c.metric} {'>' if c.above is not None else '<'} " \
                   f"{c.above if c.above is not None else c.below:g}]"
        lines.append(f"    {c.id} ({c.priority}{', safety' if c.safety else ''}): {c.text}{when}")
    typer.echo("\n".join(lines))
