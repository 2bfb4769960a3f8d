"""Rows of the history file -> the nested session dicts that `history --json` prints."""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache


@lru_cache(maxsize=1)
def _catalog():
    from posecheck.coach.catalog import load_catalog
    from posecheck.errors import UserError

    try:
        return load_catalog()
    except UserError:          # a broken user stretch file must not hide the history
        return load_catalog(user_dir=False)


def balance_of(stretch_id: str, holds: list[dict]) -> dict | None:
    """The balance block from stored holds (a session that ended without writing its own)."""
    from posecheck.coach.balance import balance

    stretch = _catalog().get(stretch_id)
    return balance(stretch, holds) if stretch is not None else None


def is_balance(block) -> bool:
    """A left/right balance block (the column also carries other results, e.g. a check-up's)."""
    return isinstance(block, dict) and "tighter" in block and "left" in block


def _hold(row) -> dict:
    return {"side": row["side"], "start_s": row["start_s"], "end_s": row["end_s"],
            "duration_s": row["duration_s"], "target_s": row["target_s"],
            "completed": bool(row["completed"]), "peak": json.loads(row["peak"] or "{}")}


def _by_session(conn: sqlite3.Connection, table: str, ids: list[int], order: str) -> dict:
    out: dict[int, list] = {}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for row in conn.execute(f"SELECT * FROM {table} WHERE session_id IN ({marks}) ORDER BY {order}", ids):
        out.setdefault(row["session_id"], []).append(row)
    return out


def session_dicts(conn: sqlite3.Connection, rows) -> list[dict]:
    ids = [r["id"] for r in rows]
    holds = _by_session(conn, "holds", ids, "id")
    stretches = _by_session(conn, "stretches", ids, "rowid")
    cues = _by_session(conn, "cues", ids, "t_s")
    stops = _by_session(conn, "pain_stops", ids, "t_s")
    pain = _by_session(conn, "pain", ids, "id")
    return [_session(r, holds.get(r["id"], []), stretches.get(r["id"], []), cues.get(r["id"], []),
                     stops.get(r["id"], []), pain.get(r["id"], [])) for r in rows]


def _session(r, holds, stretch_rows, cues, stops, pain) -> dict:
    order = list(dict.fromkeys([s["stretch"] for s in stretch_rows] + [h["stretch"] for h in holds]))
    meta = {s["stretch"]: s for s in stretch_rows}
    stretches = []
    for sid in order:
        hs = [_hold(h) for h in holds if h["stretch"] == sid]
        row = meta.get(sid)
        stored = json.loads(row["balance"]) if row is not None and row["balance"] else None
        stretches.append({
            "stretch": sid, "holds": hs, "reps": row["reps"] if row is not None else None,
            "cues": [{"t_s": c["t_s"], "id": c["cue"], "text": c["text"]} for c in cues if c["stretch"] == sid],
            "pain_stops": [p["t_s"] for p in stops if p["stretch"] == sid],
            "balance": stored if row is not None else balance_of(sid, hs)})
    moments = {p["moment"]: p["level"] for p in pain if p["moment"]}
    return {"id": r["id"], "started_at": r["started_at"], "ended_at": r["ended_at"],
            "complete": r["ended_at"] is not None, "kind": r["kind"], "source": r["source"],
            "model": {"name": r["model_name"], "sha256": r["model_sha256"]}, "version": r["version"],
            "routine": r["routine"], "end_reason": r["end_reason"], "duration_s": r["duration_s"],
            "pain": {"before": moments.get("before"), "after": moments.get("after")},
            "stretches": stretches}
