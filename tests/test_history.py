"""The local history: a real SQLite file (WAL, migrations, 0600), the CLI over it, advice."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from posecheck.coach.balance import compare
from posecheck.errors import InputError, UsageError
from posecheck.history import schema
from posecheck.history.advice import side_trend
from posecheck.history.days import per_week, streak
from posecheck.history.store import HistoryStore


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture()
def xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def add_session(store, day: str, left: float, right: float, pain=None) -> int:
    sid = store.start_session("analyze", "clip.mp4", model_name="full", model_sha256="00", started_at=day)
    for side, value, start in (("left", left, 2.0), ("right", right, 14.0)):
        store.add_hold(sid, "supine-hamstring", {"side": side, "start_s": start, "end_s": start + 9,
                                                 "duration_s": 9.0, "target_s": 30.0, "completed": False,
                                                 "peak": {f"leg_raise_{side}": value}})
    store.finish_session(sid, stretches=[{"stretch": "supine-hamstring", "reps": None, "cues": [],
                                          "pain_stops": [], "balance": compare("leg_raise_{side}", left, right, 6.0)}],
                         pain=pain)
    return sid


def test_db_in_user_data_dir_private_and_wal(xdg, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        with HistoryStore() as store:
            add_session(store, "2026-11-02T09:00:00", 70, 60)
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
            db = store.path
            files = [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")) if p.exists()]
            assert len(files) == 3                     # WAL and shm exist while open
            assert {_mode(p) for p in files} == {0o600}
    finally:
        os.umask(old)
    assert db == xdg / "posecheck" / "history.sqlite3"
    assert _mode(db.parent) == 0o700 and _mode(xdg) == 0o700
    assert not list(tmp_path.glob("*.sqlite3"))      # never in the current folder


def test_sessions_round_trip_with_balance_and_pain(xdg):
    with HistoryStore() as store:
        add_session(store, "2026-11-02T09:00:00", 78.0, 54.0, pain={"before": 5, "after": 3})
        store.add_pain(4, location="low back", note="after sitting", at="2026-11-02T20:00:00")
        (s,) = store.sessions()
        pains = store.pains()
    st = s["stretches"][0]
    assert st["balance"]["tighter"] == "right" and st["balance"]["difference"] == 24.0
    assert [h["side"] for h in st["holds"]] == ["left", "right"]
    assert s["pain"] == {"before": 5, "after": 3} and s["complete"]
    # by time: before (the session start), the diary entry that evening, after (its end, now)
    assert [(p["level"], p["location"]) for p in pains] == [(5, None), (4, "low back"), (3, None)]


def test_interrupted_session_gets_its_balance_from_the_stored_holds(xdg):
    with HistoryStore() as store:
        sid = store.start_session("live", "0")
        for side, v in (("left", 80.0), ("right", 60.0)):
            store.add_hold(sid, "supine-hamstring", {"side": side, "duration_s": 5.0, "target_s": 30.0,
                                                     "peak": {f"leg_raise_{side}": v}})
        (s,) = store.sessions()                      # never finished: the process died
    assert not s["complete"]
    assert s["stretches"][0]["balance"]["tighter"] == "right"


def test_newer_schema_refused_in_one_line(xdg):
    with HistoryStore() as store:
        path = store.path
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match="newer posecheck"):
        HistoryStore()


def test_old_file_is_migrated(xdg, tmp_path):
    path = tmp_path / "old.sqlite3"
    sqlite3.connect(path).close()                     # version 0: an empty file
    with HistoryStore(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION
        assert store.sessions() == []


def test_forget_before_and_all(xdg):
    with HistoryStore() as store:
        for d in ("2026-11-01", "2026-11-05", "2026-11-09"):
            add_session(store, f"{d}T10:00:00", 70, 60)
        assert store.forget(before="2026-11-05")["sessions"] == 1
        assert [s["started_at"][:10] for s in store.sessions()] == ["2026-11-05", "2026-11-09"]
        assert store.forget(everything=True)["sessions"] == 2
        assert store.sessions() == [] and store.pains() == []
        assert store.conn.execute("SELECT count(*) FROM holds").fetchone()[0] == 0   # cascaded
        with pytest.raises(UsageError):
            store.forget()


def test_advice_needs_the_same_side_beyond_the_floor_every_time(xdg):
    with HistoryStore() as store:
        for i, (left, right) in enumerate([(78, 56), (77, 55), (76, 57), (79, 58), (78, 55)]):
            add_session(store, f"2026-11-{i + 1:02d}T09:00:00", left, right)
        sessions = store.sessions()
    trend = side_trend(sessions, "supine-hamstring")
    assert trend["tighter"] == "right" and trend["sessions"] == 5 and abs(trend["difference"] - 21.4) < 0.05
    # one session inside the noise floor among the last five: nothing is claimed
    with HistoryStore() as store:
        add_session(store, "2026-11-06T09:00:00", 70, 66)
        assert side_trend(store.sessions(), "supine-hamstring") is None


def test_streak_and_weeks():
    from datetime import date

    days = {date(2026, 11, d) for d in (3, 4, 5, 7, 8)}
    assert streak(days, today=date(2026, 11, 8)) == 2
    assert streak(days, today=date(2026, 11, 9)) == 2      # today not over yet
    assert streak(days, today=date(2026, 11, 10)) == 0
    sessions = [{"started_at": f"2026-11-{d:02d}T12:00:00Z"} for d in (2, 3, 4, 20)]
    assert list(per_week(sessions).values()) == [3, 0, 1]


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "posecheck", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_cli_history_pain_export_forget(xdg, tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(xdg)}
    with HistoryStore() as store:
        for i in range(3):
            add_session(store, f"2026-11-{i + 10:02d}T09:00:00", 78, 55)
    r = _cli("pain", "4", "--where", "low back", "--note", "after sitting", env=env)
    assert r.returncode == 0, r.stderr
    for bad in ("11", "four", "2.5"):
        r = _cli("pain", bad, env=env)
        assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    data = json.loads(_cli("history", "--json", env=env).stdout)
    assert len(data["sessions"]) == 3
    assert data["sessions"][0]["stretches"][0]["balance"]["tighter"] == "right"
    assert data["pain"][-1]["note"] == "after sitting"
    since = json.loads(_cli("history", "--json", "--since", "2026-11-11", env=env).stdout)
    assert len(since["sessions"]) == 2
    rows = _cli("history", "--csv", env=env).stdout.splitlines()
    assert len(rows) == 1 + 3 * 2 and rows[1].split(",")[11] == "leg_raise_left"
    table = _cli("history", env=env).stdout
    assert "2026-11-10" in table and "tighter" in table and "3 sessions" in table
    out = tmp_path / "mine" / "export.json"
    old = os.umask(0o022)
    try:
        assert _cli("history", "export", str(out), env=env).returncode == 0
    finally:
        os.umask(old)
    assert _mode(out) == 0o600 and _mode(out.parent) == 0o700
    assert len(json.loads(out.read_text())["sessions"]) == 3
    r = _cli("history", "forget", env=env)
    assert r.returncode == 2 and "--all" in r.stderr
    assert _cli("history", "forget", "--all", env=env).returncode == 0
    assert json.loads(_cli("history", "--json", env=env).stdout)["sessions"] == []
