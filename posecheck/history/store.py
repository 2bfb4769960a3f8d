"""`HistoryStore`: the local SQLite history of sessions and the pain diary.

    with HistoryStore() as store:                 # the user data dir's history.sqlite3
        sid = store.start_session("analyze", "clip.mp4", model_name="full", model_sha256="…")
        store.add_hold(sid, "supine-hamstring", {"side": "left", "duration_s": 28.0, ...})
        store.finish_session(sid, stretches=[{"stretch": "supine-hamstring", "reps": None,
                                              "cues": [], "pain_stops": [], "balance": None}])
        store.add_pain(4, location="low back", note="after sitting")
        store.sessions(since="2026-11-01")          # [{..., "stretches": [{..., "holds": [...]}]}]

WAL mode (readers never block the writer), a busy timeout (two processes at once wait
for each other rather than fail), every write its own short transaction (a killed
process loses at most what it had not written yet). The file and its -wal/-shm are 0600.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from posecheck.errors import InputError, UsageError
from posecheck.history import paths
from posecheck.history.schema import VERSION, migrate

BUSY_TIMEOUT_S = 15.0


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_utc_iso(value: str | datetime) -> str:
    """A date or datetime (naive = local time) as the UTC ISO text the file stores."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"not a date: {value!r}; write it as YYYY-MM-DD") from None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(obj) -> str | None:
    return None if obj is None else json.dumps(obj, separators=(",", ":"))


class HistoryStore:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else paths.db_path()
        paths.private_dir(self.path.parent)
        if not self.path.exists():
            paths.precreate(self.path)
        try:
            # analyze's coach runs on its own thread: one writer at a time, never concurrently
            self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                        check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            migrate(self.conn)
        except sqlite3.DatabaseError as err:
            raise InputError(f"cannot use the history file {self.path}: {err}") from None
        for suffix in ("", "-wal", "-shm"):
            paths.make_private(Path(f"{self.path}{suffix}"))

    def __enter__(self) -> "HistoryStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _write(self, sql: str, args=()) -> int:
        with self.conn:                      # one short transaction per write
            self.conn.execute("BEGIN IMMEDIATE")
            cur = self.conn.execute(sql, args)
        return cur.lastrowid

    # -- writing a session ----------------------------------------------------------
    def start_session(self, kind: str, source: str, *, model_name=None, model_sha256=None,
                      version=None, routine=None, started_at=None) -> int:
        return self._write(
            "INSERT INTO sessions (started_at, kind, source, model_name, model_sha256, version, routine)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (to_utc_iso(started_at) if started_at else now_iso(), kind, str(source), model_name,
             model_sha256, version, routine))

    def add_hold(self, session_id: int, stretch: str, hold: dict) -> int:
        return self._write(
            "INSERT INTO holds (session_id, stretch, side, start_s, end_s, duration_s, target_s,"
            " completed, peak) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session_id, stretch, hold.get("side"), hold.get("start_s"), hold.get("end_s"),
             hold.get("duration_s"), hold.get("target_s"), int(bool(hold.get("completed"))),
             _dumps(hold.get("peak") or {})))

    def finish_session(self, session_id: int, *, stretches=(), end_reason=None, duration_s=None,
                       model_name=None, model_sha256=None, pain=None, ended_at=None) -> None:
        """The session's end: per stretch its reps, cues, pain stops and balance; pain before/after."""
        ended = to_utc_iso(ended_at) if ended_at else now_iso()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            started = self.conn.execute("SELECT started_at FROM sessions WHERE id = ?", (session_id,)).fetchone()
            when = {"before": started[0] if started else ended, "after": ended}
            for st in stretches:
                sid = st["stretch"]
                self.conn.execute("INSERT OR REPLACE INTO stretches VALUES (?, ?, ?, ?)",
                                  (session_id, sid, st.get("reps"), _dumps(st.get("balance"))))
                self.conn.executemany("INSERT INTO cues VALUES (?, ?, ?, ?, ?)", [
                    (session_id, sid, c["t_s"], c["id"], c["text"]) for c in st.get("cues", ())])
                self.conn.executemany("INSERT INTO pain_stops VALUES (?, ?, ?)", [
                    (session_id, sid, t) for t in st.get("pain_stops", ())])
            for moment in ("before", "after"):
                level = (pain or {}).get(moment)
                if level is not None:
                    self.conn.execute("INSERT INTO pain (at, level, session_id, moment) VALUES (?, ?, ?, ?)",
                                      (when[moment], int(level), session_id, moment))
            self.conn.execute(
                "UPDATE sessions SET ended_at = ?, end_reason = ?, duration_s = ?,"
                " model_name = coalesce(?, model_name), model_sha256 = coalesce(?, model_sha256)"
                " WHERE id = ?",
                (ended, end_reason, duration_s, model_name,
                 model_sha256, session_id))

    def add_pain(self, level: int, *, location=None, note=None, at=None, session_id=None,
                 moment=None) -> int:
        if not isinstance(level, int) or not 0 <= level <= 10:
            raise UsageError(f"pain level must be a whole number 0-10, got {level!r}")
        return self._write("INSERT INTO pain (at, level, location, note, session_id, moment)"
                           " VALUES (?, ?, ?, ?, ?, ?)",
                           (to_utc_iso(at) if at else now_iso(), level, location, note, session_id, moment))

    # -- reading ----------------------------------------------------------------------
    def sessions(self, since=None, stretch: str | None = None) -> list[dict]:
        """Sessions oldest first, each with its stretches (holds, reps, cues, balance) and pain."""
        from posecheck.history.rows import session_dicts

        where, args = "", []
        if since:
            where, args = "WHERE started_at >= ?", [to_utc_iso(since)]
        rows = self.conn.execute(f"SELECT * FROM sessions {where} ORDER BY started_at, id", args).fetchall()
        out = session_dicts(self.conn, rows)
        if stretch:
            out = [{**s, "stretches": [x for x in s["stretches"] if x["stretch"] == stretch]} for s in out]
            out = [s for s in out if s["stretches"]]
        return out

    def pains(self, since=None) -> list[dict]:
        where, args = "", []
        if since:
            where, args = "WHERE at >= ?", [to_utc_iso(since)]
        return [dict(r) for r in self.conn.execute(f"SELECT * FROM pain {where} ORDER BY at, id", args)]

    def export(self) -> dict:
        """Everything the file holds, as plain JSON-ready data (the user's own copy)."""
        return {"schema_version": VERSION, "exported_at": now_iso(), "sessions": self.sessions(),
                "pain": self.pains()}

    # -- forgetting ---------------------------------------------------------------------
    def forget(self, *, everything: bool = False, before=None) -> dict:
        """Delete all sessions and pain entries, or those before a date. -> counts deleted."""
        if not everything and not before:
            raise UsageError("say what to forget: --all, or --before YYYY-MM-DD")
        cond, args = ("", []) if everything else (" WHERE started_at < ?", [to_utc_iso(before)])
        pcond = "" if everything else " WHERE at < ?"
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            n_s = self.conn.execute(f"DELETE FROM sessions{cond}", args).rowcount
            n_p = self.conn.execute(f"DELETE FROM pain{pcond}", args).rowcount
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")   # deleted rows leave the WAL too
        self.conn.execute("VACUUM")                             # ... and the file's free pages
        return {"sessions": n_s, "pain": n_p}
