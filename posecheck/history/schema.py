"""The history's tables and their migrations; PRAGMA user_version is the schema version.

Each migration moves the file up one version inside one write transaction, so two
posecheck processes opening an old file at once migrate it exactly once.
"""

from __future__ import annotations

import sqlite3

from posecheck.errors import InputError

MIGRATIONS = [
    # 1: sessions, their stretches, holds, cues, pain stops; the pain diary
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,          -- ISO 8601, UTC
        ended_at TEXT,                     -- null: running, or the process died
        kind TEXT NOT NULL,                -- analyze | live
        source TEXT NOT NULL,
        model_name TEXT, model_sha256 TEXT, version TEXT,
        routine TEXT, end_reason TEXT, duration_s REAL
    );
    CREATE INDEX sessions_started ON sessions(started_at);
    CREATE TABLE stretches (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        stretch TEXT NOT NULL,
        reps INTEGER,
        balance TEXT,                      -- JSON: the summary's balance block, or null
        PRIMARY KEY (session_id, stretch)
    );
    CREATE TABLE holds (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        stretch TEXT NOT NULL, side TEXT,
        start_s REAL, end_s REAL, duration_s REAL, target_s REAL, completed INTEGER,
        peak TEXT                          -- JSON {metric: degrees}
    );
    CREATE INDEX holds_session ON holds(session_id);
    CREATE TABLE cues (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        stretch TEXT, t_s REAL, cue TEXT, text TEXT
    );
    CREATE TABLE pain_stops (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        stretch TEXT, t_s REAL
    );
    CREATE TABLE pain (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,                  -- ISO 8601, UTC
        level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 10),
        location TEXT, note TEXT,
        session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
        moment TEXT                        -- before | after (a live session's question) | null
    );
    CREATE INDEX pain_at ON pain(at);
    """,
]
VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the file to VERSION; refuse a file written by a newer posecheck. -> the version."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == VERSION:
        return VERSION
    conn.execute("BEGIN IMMEDIATE")        # one migrator at a time; others wait (busy timeout)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > VERSION:
            raise InputError(f"the history file is from a newer posecheck (schema {current} > "
                             f"{VERSION}): upgrade posecheck, or move the file away")
        for version in range(current, VERSION):  # executescript would commit: one by one
            for statement in filter(str.strip, MIGRATIONS[version].split(";")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return VERSION
