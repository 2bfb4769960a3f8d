"""The history by local day: per stretch the holds per side against the target, the range per
side, the balance and pain; the streak (days in a row) and sessions per week. Pure over
`HistoryStore.sessions()` / `pains()` dicts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from posecheck.history.rows import balance_of


def local_day(iso: str) -> date:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().date()


def _side(holds: list[dict], side: str) -> dict | None:
    mine = [h for h in holds if h["side"] == side or (side == "-" and h["side"] is None)]
    if not mine:
        return None
    return {"holds": len(mine), "completed": sum(h["completed"] for h in mine),
            "best_s": max(h["duration_s"] or 0.0 for h in mine), "target_s": mine[0]["target_s"]}


def day_rows(sessions: list[dict], pains: list[dict] = ()) -> list[dict]:
    """One row per (day, stretch), oldest first; diary entries with no session get their own row."""
    rows: dict[tuple, dict] = {}
    for s in sessions:
        day = local_day(s["started_at"])
        for st in s["stretches"]:
            row = rows.setdefault((day, st["stretch"]), {"day": day.isoformat(), "stretch": st["stretch"],
                                                         "sessions": 0, "holds": [], "pain_before": None,
                                                         "pain_after": None, "diary": []})
            row["sessions"] += 1
            row["holds"] += st["holds"]
            if row["pain_before"] is None:
                row["pain_before"] = s["pain"]["before"]
            if s["pain"]["after"] is not None:
                row["pain_after"] = s["pain"]["after"]
    for p in pains:
        if p.get("session_id") is not None and p.get("moment"):
            continue                                  # shown as that session's before/after
        day = local_day(p["at"])
        same_day = [r for (d, _), r in rows.items() if d == day]
        target = same_day[-1] if same_day else rows.setdefault((day, ""), {
            "day": day.isoformat(), "stretch": "", "sessions": 0, "holds": [], "pain_before": None,
            "pain_after": None, "diary": []})
        target["diary"].append({"level": p["level"], "where": p.get("location"), "note": p.get("note")})
    out = []
    for (_, sid), row in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        holds = row.pop("holds")
        row["left"], row["right"] = _side(holds, "left"), _side(holds, "right")
        row["unsided"] = _side(holds, "-")
        row["balance"] = balance_of(sid, holds) if sid else None
        out.append(row)
    return out


def streak(days: set[date], today: date | None = None) -> int:
    """Days in a row with a session, ending today (or yesterday: today is not over yet)."""
    today = today or date.today()
    day = today if today in days else today - timedelta(days=1)
    n = 0
    while day in days:
        n += 1
        day -= timedelta(days=1)
    return n


def per_week(sessions: list[dict]) -> dict[str, int]:
    """Sessions per ISO week ("2026-W48": n), every week from the first to the last listed."""
    if not sessions:
        return {}
    days = [local_day(s["started_at"]) for s in sessions]
    first, last = min(days), max(days)
    weeks: dict[str, int] = {}
    d = first - timedelta(days=first.weekday())
    while d <= last:
        y, w, _ = d.isocalendar()
        weeks[f"{y}-W{w:02d}"] = 0
        d += timedelta(days=7)
    for d in days:
        y, w, _ = d.isocalendar()
        weeks[f"{y}-W{w:02d}"] += 1
    return weeks


def session_days(sessions: list[dict]) -> set[date]:
    return {local_day(s["started_at"]) for s in sessions}
