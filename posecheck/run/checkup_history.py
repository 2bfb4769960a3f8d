"""Check-up results in the local history (`posecheck.history.store.HistoryStore`).

A check-up is stored as one session of kind "checkup" whose stretches are its tests
("checkup/<test id>"), each carrying its result block (values, trials, finding) in the
stretch's JSON `balance` column as {"checkup": block}: the store's public API only, no
table of its own. The last stored check-up is read back to show the change.
"""

from __future__ import annotations

KIND = "checkup"
PREFIX = "checkup/"


def _store(path=None):
    try:
        from posecheck.history.store import HistoryStore
    except ImportError:          # a posecheck without the history
        return None
    return HistoryStore(path)


def record_checkup(result: dict, source: str, model_name: str | None = None, path=None) -> int | None:
    """Store the result; returns the session id (None when there is no history)."""
    store = _store(path)
    if store is None:
        return None
    with store:
        sid = store.start_session(KIND, source, model_name=model_name,
                                  routine=(result.get("routine") or {}).get("id"))
        store.finish_session(sid, stretches=[
            {"stretch": PREFIX + block["test"], "reps": None, "cues": [], "pain_stops": [],
             "balance": {"checkup": block}} for block in result["tests"]], end_reason="checkup")
    return sid


def last_checkup(path=None) -> dict | None:
    """The latest stored check-up as {"tests": [blocks], "created": ...} (None: none yet)."""
    store = _store(path)
    if store is None:
        return None
    with store:
        sessions = [s for s in store.sessions() if s.get("kind") == KIND]
    if not sessions:
        return None
    last = sessions[-1]
    blocks = [(st.get("balance") or {}).get("checkup") for st in last["stretches"]]
    return {"created": last["started_at"], "tests": [b for b in blocks if b]}
