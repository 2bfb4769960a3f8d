"""`posecheck history`: the sessions recorded on this machine (table, --json, --csv), `export`
and `forget`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Sessions recorded on this machine: a table per day, --json or --csv; "
                       "`export FILE.json`, `forget --all | --before DATE`.",
                  invoke_without_command=True, no_args_is_help=False)


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="history")


def _store():
    from posecheck.history.store import HistoryStore

    return HistoryStore()


@app.callback()
def history_command(
    ctx: typer.Context,
    stretch: Optional[str] = typer.Option(None, "--stretch", "-s", help="Only this stretch id."),
    since: Optional[str] = typer.Option(None, "--since", help="Only sessions from this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the sessions as JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print one CSV row per hold."),
) -> None:
    """Sessions recorded on this machine, per day: holds per side vs target, range, balance, pain."""
    if ctx.invoked_subcommand is not None:
        return
    from posecheck.errors import UsageError

    if as_json and as_csv:
        raise UsageError("give either --json or --csv, not both")
    if stretch:
        from posecheck.coach.catalog import get_stretch

        get_stretch(stretch)                  # an unknown id: exit 2 with the fix
    with _store() as store:
        sessions, pains = store.sessions(since=since, stretch=stretch), store.pains(since=since)
        where = store.path
    if as_json:
        print(json.dumps({"sessions": sessions, "pain": pains}, indent=2))
    elif as_csv:
        print(_csv(sessions), end="")
    else:
        from posecheck.cli.historytable import print_history

        print_history(sessions, pains, where)


CSV_COLUMNS = ("session", "started_at", "kind", "source", "stretch", "side", "start_s", "end_s",
               "duration_s", "target_s", "completed", "range_metric", "range_deg", "tighter",
               "difference_deg", "noise_floor_deg", "pain_before", "pain_after")


def _csv(sessions: list[dict]) -> str:
    from posecheck.coach.catalog import resolve
    from posecheck.history.rows import is_balance

    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(CSV_COLUMNS)
    for s in sessions:
        for st in s["stretches"]:
            b = st["balance"] if is_balance(st["balance"]) else {}
            for h in st["holds"]:
                metric = resolve(b["metric"], h["side"]) if b and h["side"] else ""
                out.writerow([s["id"], s["started_at"], s["kind"], s["source"], st["stretch"], h["side"] or "",
                              h["start_s"], h["end_s"], h["duration_s"], h["target_s"], int(h["completed"]),
                              metric, h["peak"].get(metric, "") if metric else "", b.get("tighter") or "",
                              b.get("difference", ""), b.get("noise_floor", ""),
                              "" if s["pain"]["before"] is None else s["pain"]["before"],
                              "" if s["pain"]["after"] is None else s["pain"]["after"]])
    return buf.getvalue()


@app.command("export")
def export_command(path: Path = typer.Argument(..., help="The JSON file to write (private: 0600).")) -> None:
    """Write everything the history holds to FILE.json (your own copy of your data)."""
    from posecheck.media.atomic import write_json

    with _store() as store:
        data = store.export()
    write_json(path, data)                       # 0600, new folders 0700
    typer.echo(f"{len(data['sessions'])} sessions and {len(data['pain'])} pain entries written to {path}",
               err=True)


@app.command("forget")
def forget_command(
    everything: bool = typer.Option(False, "--all", help="Delete every session and pain entry."),
    before: Optional[str] = typer.Option(None, "--before", help="Delete what is older than this date (YYYY-MM-DD)."),
) -> None:
    """Delete recorded sessions and pain entries (all, or those before a date)."""
    from posecheck.errors import UsageError

    if everything and before:
        raise UsageError("give either --all or --before DATE, not both")
    with _store() as store:
        n = store.forget(everything=everything, before=before)
    typer.echo(f"forgot {n['sessions']} sessions and {n['pain']} pain entries", err=True)
