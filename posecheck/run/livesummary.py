"""The live session's summary dict (interface.md's, plus a "live" block and the pain
answers) and its one-line report."""

from __future__ import annotations

import time

import numpy as np

from posecheck.run.livehistory import live_balance


def build_live_summary(session, holds, cues, reps, pain_stops=()) -> dict:
    """interface.md's summary for the session, plus a "live" block (fps, latency, drops) and
    "pain": {"before": int|None, "after": int|None} (the answers to the pain question)."""
    from posecheck.media.summary import build_summary

    st, src = session.stats, session.source
    wall = max((st.ended or time.monotonic()) - st.started, 1e-9)
    lat = np.asarray(st.latencies_ms, dtype=float)
    live = {
        "source": session.opts.source, "source_kind": src.kind, "source_fps": round(src.fps, 3),
        "fps": round(st.frames / wall, 2), "wall_s": round(wall, 3),
        "frames_read": src.frames_read, "frames_dropped": src.frames_dropped,
        "latency_ms": ({"median": round(float(np.median(lat)), 1), "p95": round(float(np.percentile(lat, 95)), 1),
                        "max": round(float(lat.max()), 1)} if lat.size else None),
        "end_reason": session.end_reason,
    }
    if session.record_info:
        live["record"] = session.record_info
    extra = {"live": live, "end_reason": session.end_reason,
             "pain": dict(getattr(session, "pain", None) or {"before": None, "after": None})}
    if getattr(session, "helpers", None) is not None:   # partner stretches: a helper's time
        extra["helper"] = session.helpers.summary(live["fps"] or session.source.fps)
    if pain_stops:
        extra["pain_stops"] = list(pain_stops)
    extra["plan"] = [plan_entry(s.stretch) for s in session.steps]   # the summary card's targets
    if session.routine is not None:
        extra["routine"] = {"id": session.routine.id, "steps": [
            {"stretch": s.stretch.id, "status": s.status} for s in session.steps]}
    holds.sort(key=lambda sh: sh[1].start_s)
    stretch_id = session.routine.id if session.routine is not None else session.steps[0].stretch.id
    duration = (st.last_t - st.first_t + 1.0 / src.fps) if st.first_t is not None else 0.0
    summary = build_summary(
        video=session.opts.source, stretch=stretch_id, fps=live["fps"], frames=st.frames,
        frames_with_pose=st.with_pose, duration_s=duration, model=session.engine.model,
        holds=[h for _, h in holds], reps=reps, cues=sorted(cues, key=lambda c: c.t_s),
        angles={n: session.log.series(n) for n in session.log.columns}, extra=extra,
        balance=live_balance(session, holds))
    if session.routine is not None:           # which stretch each hold belongs to
        for entry, (sid, _) in zip(summary["holds"], holds):
            entry["stretch"] = sid
    return summary


def plan_entry(stretch) -> dict:
    """What one step asked for: holds per side of hold_s seconds, or reps per set."""
    dose = stretch.dose
    return {"stretch": stretch.id, "name": stretch.name, "kind": stretch.kind, "sides": list(stretch.sides or ()),
            "holds_per_side": dose.reps if stretch.kind == "hold" else None,
            "hold_s": dose.hold_s if stretch.kind == "hold" else None,
            "reps": dose.reps * dose.sets if stretch.kind == "reps" else None}


def session_line(summary: dict) -> str:
    """The one-line end-of-session report."""
    live = summary.get("live", {})
    holds = ", ".join(f"{h['side'] or '-'} {h['duration_s']:.1f}s{'✓' if h['completed'] else ''}"
                      for h in summary["holds"]) or "none"
    lat = live.get("latency_ms") or {}
    return (f"session ({live.get('end_reason')}): holds {holds}; reps {summary['reps']}; "
            f"{len(summary['cues'])} cues; {live.get('fps')} fps; latency median {lat.get('median')} ms "
            f"p95 {lat.get('p95')} ms; frames {live.get('frames_read')} read, {live.get('frames_dropped')} dropped")
