"""The run layer's hook into the history: a session row at start, each hold as it ends, the
rest at the end. A history that cannot be written warns once and never stops a session.

    rec = Recorder.start("live", source, model, version)     # or Recorder.off()
    rec.poll(stretch_id, coach)                              # every frame: cheap, writes new holds
    rec.finish([(stretch, coach), ...], summary)             # reps, cues, pain stops, balance
"""

from __future__ import annotations

import sqlite3
import sys

from posecheck.errors import UserError


def _hold_dict(hold) -> dict:
    r = lambda v: None if v is None else round(float(v), 3)  # noqa: E731
    return {"side": hold.side, "start_s": r(hold.start_s), "end_s": r(hold.end_s),
            "duration_s": r(hold.duration_s), "target_s": r(hold.target_s),
            "completed": bool(hold.completed), "peak": {k: round(float(v), 1) for k, v in dict(hold.peak).items()}}


class Recorder:
    def __init__(self, store=None, session_id: int | None = None, warn=None):
        self.store, self.session_id = store, session_id
        self.warn = warn or (lambda msg: print(msg, file=sys.stderr))
        self._written: dict[int, int] = {}       # id(coach) -> holds already written

    @classmethod
    def off(cls) -> "Recorder":
        return cls()

    @classmethod
    def start(cls, kind: str, source: str, model=None, version: str | None = None,
              routine: str | None = None, warn=None) -> "Recorder":
        """Open the user's history and write the session row (a warning and no history on failure)."""
        import posecheck

        rec = cls(warn=warn)
        version = version or posecheck.__version__
        try:
            from posecheck.history.store import HistoryStore

            rec.store = HistoryStore()
            rec.session_id = rec.store.start_session(
                kind, source, model_name=getattr(model, "name", None),
                model_sha256=getattr(model, "sha256", None), version=version, routine=routine)
        except (UserError, sqlite3.Error, OSError) as err:
            rec._fail(err)
        return rec

    @property
    def on(self) -> bool:
        return self.store is not None and self.session_id is not None

    def _fail(self, err) -> None:
        self.warn(f"history not recorded ({err}); the session goes on")
        store, self.store, self.session_id = self.store, None, None
        if store is not None:
            try:
                store.close()
            except sqlite3.Error:
                pass

    def _new_holds(self, coach, holds) -> None:
        done = self._written.get(id(coach), 0)
        for hold in holds[done:]:
            self.store.add_hold(self.session_id, coach.s.id, _hold_dict(hold))
        self._written[id(coach)] = max(done, len(holds))

    def poll(self, coach) -> None:
        """Write the coach's holds that ended since the last call."""
        holds = getattr(coach, "holds", None)
        if not self.on or holds is None or len(holds) <= self._written.get(id(coach), 0):
            return
        try:
            self._new_holds(coach, holds)
        except (sqlite3.Error, OSError) as err:
            self._fail(err)

    def finish(self, coaches, summary: dict) -> None:
        """The end: the last holds (one still going included), then per stretch the rest."""
        if not self.on:
            return
        from posecheck.coach.balance import balance

        try:
            per: dict[str, dict] = {}
            for coach in coaches:
                result = coach.result()
                self._new_holds(coach, result.holds)
                st = per.setdefault(coach.s.id, {"stretch": coach.s.id, "reps": None, "cues": [],
                                                 "pain_stops": [], "holds": [], "rule": coach.s})
                st["holds"] += result.holds
                if result.reps is not None:
                    st["reps"] = (st["reps"] or 0) + result.reps
                st["cues"] += [{"t_s": round(c.t_s, 3), "id": c.id, "text": c.text} for c in result.cues]
                st["pain_stops"] += [round(t, 3) for t in result.pain_stops]
            for st in per.values():
                st["balance"] = balance(st.pop("rule"), st.pop("holds"))
            model = summary.get("model") or {}
            self.store.finish_session(
                self.session_id, stretches=list(per.values()), duration_s=summary.get("duration_s"),
                end_reason=summary.get("end_reason") or (summary.get("live") or {}).get("end_reason"),
                model_name=model.get("name"), model_sha256=model.get("sha256"), pain=summary.get("pain"))
        except (sqlite3.Error, OSError) as err:
            self._fail(err)
        finally:
            if self.store is not None:
                self.store.close()
                self.store = None
