"""The `posecheck history` table: one row per day and stretch, then streak, weeks and advice."""

from __future__ import annotations

from pathlib import Path


def _holds(side: dict | None) -> str:
    if side is None:
        return ""
    return f"{side['best_s']:.0f}/{side['target_s']:.0f}s ({side['completed']}/{side['holds']})"


def _range(balance: dict | None, side: str) -> str:
    return "" if not balance else f"{balance[side]:.0f}°"


def _balance(balance: dict | None) -> str:
    if not balance:
        return ""
    if balance["tighter"] is None:
        return f"even (±{balance['noise_floor']:g}°)"
    return f"{balance['tighter']} tighter {balance['difference']:.0f}°"


def _pain(row: dict) -> str:
    parts = []
    if row["pain_before"] is not None or row["pain_after"] is not None:
        fmt = lambda v: "–" if v is None else str(v)  # noqa: E731
        parts.append(f"{fmt(row['pain_before'])}→{fmt(row['pain_after'])}")
    for d in row["diary"]:
        parts.append(f"{d['level']}" + (f" {d['where']}" if d["where"] else "") + (f" ({d['note']})" if d["note"] else ""))
    return "; ".join(parts)


def print_history(sessions: list[dict], pains: list[dict], where: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    from posecheck.coach.catalog import load_catalog
    from posecheck.history.advice import advice_text, side_trend
    from posecheck.history.days import day_rows, per_week, session_days, streak

    import sys

    console = Console(width=None if sys.stdout.isatty() else 150)   # piped: rows unwrapped
    if not sessions and not pains:
        console.print(f"no sessions recorded yet (history file: {where})")
        return
    table = Table(title="posecheck history (holds: best/target s (done/held))")
    for col in ("day", "stretch", "n", "left", "right", "range L", "range R", "balance", "pain"):
        table.add_column(col, no_wrap=col in ("day", "stretch", "n"))
    for row in day_rows(sessions, pains):
        unsided = row["unsided"]
        table.add_row(row["day"], row["stretch"] or "(diary)", str(row["sessions"] or ""),
                      _holds(row["left"] or unsided), _holds(row["right"]), _range(row["balance"], "left"),
                      _range(row["balance"], "right"), _balance(row["balance"]), _pain(row))
    console.print(table)
    weeks = per_week(sessions)
    avg = sum(weeks.values()) / len(weeks) if weeks else 0.0
    console.print(f"streak: {streak(session_days(sessions))} days in a row · {len(sessions)} sessions, "
                  f"{avg:.1f} per week over {len(weeks)} weeks "
                  f"({', '.join(f'{k}: {v}' for k, v in list(weeks.items())[-4:])})")
    catalog = load_catalog(user_dir=False)
    for sid in dict.fromkeys(st["stretch"] for s in sessions for st in s["stretches"]):
        trend = side_trend(sessions, sid)
        if trend and sid in catalog:
            console.print(advice_text(trend, catalog[sid].name))
    console.print(f"[dim]ranges: best hold per side; differences within the noise floor are not "
                  f"called an imbalance (docs/ACCURACY.md). History file: {where}[/dim]")
