"""What follows from the history: a side that has been tighter, session after session.

Pure over `HistoryStore.sessions()` dicts. A side is named only when every one of the last
sessions (at least MIN_SESSIONS) named the same tighter side (each beyond its noise floor)
and the mean difference is beyond the floor too. It is a measurement, never a diagnosis.
"""

from __future__ import annotations

from statistics import mean

from posecheck.history.rows import is_balance

LAST_SESSIONS = 5
MIN_SESSIONS = 3


def balances(sessions: list[dict], stretch_id: str) -> list[tuple[str, dict]]:
    """(started_at, balance block) of every session of the stretch that has one, oldest first."""
    return [(s["started_at"], st["balance"]) for s in sessions for st in s["stretches"]
            if st["stretch"] == stretch_id and is_balance(st.get("balance"))]


def side_trend(sessions: list[dict], stretch_id: str, last: int = LAST_SESSIONS) -> dict | None:
    recent = [b for _, b in balances(sessions, stretch_id)][-last:]
    if len(recent) < MIN_SESSIONS:
        return None
    sides = {b["tighter"] for b in recent}
    if len(sides) != 1 or None in sides:
        return None
    diff = mean(b["difference"] for b in recent)
    floor = max(b["noise_floor"] for b in recent)
    if diff <= floor:
        return None
    return {"stretch": stretch_id, "tighter": sides.pop(), "difference": round(diff, 1),
            "sessions": len(recent), "noise_floor": floor}


def advice_text(trend: dict, stretch_name: str) -> str:
    side = trend["tighter"]
    other = "left" if side == "right" else "right"
    return (f"{stretch_name}: your {side} side has been ~{trend['difference']:.0f}° tighter than the "
            f"{other} over your last {trend['sessions']} sessions (measurement noise ±{trend['noise_floor']:g}°): "
            f"start with the {side} side and add one set there. A camera measurement, not a diagnosis.")
