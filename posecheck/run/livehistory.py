"""`live`'s use of the history: advice from past sessions (said once, at the start), the
--tighter-first side order, and the recorder that writes this session."""

from __future__ import annotations

from posecheck.history.recorder import Recorder


def _past_sessions(warn) -> list[dict]:
    from posecheck.errors import UserError
    from posecheck.history.paths import db_path
    from posecheck.history.store import HistoryStore

    if not db_path().exists():
        return []
    try:
        with HistoryStore() as store:
            return store.sessions()
    except UserError as err:
        warn(f"history not read ({err})")
        return []


def start_history(session) -> Recorder:
    """Say what the history shows, order the sides, and start recording (unless --no-history)."""
    from posecheck.coach.sideorder import start_sides
    from posecheck.history.advice import advice_text, side_trend

    opts, steps = session.opts, session.steps
    past = _past_sessions(session.echo)
    trends = {}
    for stretch in dict.fromkeys(s.stretch.id for s in steps if s.stretch.sided):
        trend = side_trend(past, stretch)
        if trend:
            trends[stretch] = trend["tighter"]
            text = advice_text(trend, session.catalog[stretch].name)
            session.echo(text)
            if session.speaker is not None:
                session.speaker.say(text)
    if opts.tighter_first:
        for step, side in zip(steps, start_sides([s.stretch for s in steps], trends)):
            step.start_side = side
        if not trends:
            session.echo("--tighter-first: no side has been tighter over your recent sessions yet; usual order")
    if not opts.history:
        return Recorder.off()
    routine = session.routine.id if session.routine is not None else None
    return Recorder.start("live", str(opts.source), session.engine.model, routine=routine, warn=session.echo)


def live_balance(session, holds) -> dict | None:
    """The summary's balance block: a single sided stretch done on both sides (routines: None)."""
    from posecheck.coach.balance import balance

    return balance(session.steps[0].stretch, [h for _, h in holds]) if session.routine is None else None


def finish_history(session, summary: dict) -> dict:
    """Write the session's end (every step's coach) to the history; -> the summary unchanged."""
    coaches = []
    for step in session.steps:
        if step.coach is not None:   # free mode: one coach per recognised stretch (maybe none)
            free = getattr(step.coach, "coaches", None)
            coaches += list(free.values()) if free is not None else [step.coach]
    session.history.finish(coaches, summary)
    return summary
