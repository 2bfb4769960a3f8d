"""`posecheck report`: one self-contained HTML file of the history (no network, no scripts).

Everything is inline (SVG charts, CSS); the Content-Security-Policy forbids loading
anything else, so the file shows the same offline, and leaks nothing when opened.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from posecheck.history.days import local_day, session_days, streak
from posecheck.media.atomic import write_bytes
from posecheck.report import charts

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
       "form-action 'none'")

CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
svg.plot{max-width:100%;height:auto;display:block;margin:.5rem 0}
table{border-collapse:collapse;font-size:.85rem}td,th{border:1px solid #ddd;padding:.2rem .45rem}
.cal{display:grid;grid-template-rows:repeat(7,1rem);grid-auto-columns:1rem;grid-auto-flow:column;
gap:3px;margin:.5rem 0;justify-content:start}
.cal span{width:1rem;height:1rem;border-radius:2px;background:#eee}
.cal .d1{background:#9be9a8}.cal .d2{background:#40c463}.cal .d3{background:#216e39}
.caveat{background:#fff8e1;border-left:4px solid #f0ad4e;padding:.5rem 1rem}
.muted{color:#666;font-size:.85rem}
"""

CAVEATS = [
    "Angles come from one camera: they are 2D projections. Film each stretch side-on as `posecheck show` "
    "says; a turned camera changes the figures.",
    "Ranges are the best hold of each side in a session; the shaded bands are the metric's noise floor "
    "(its measured repeatability, docs/ACCURACY.md). A left/right difference inside it is not an imbalance.",
    "A rendered-clip accuracy is not a clinical measurement. This report describes what was measured; it "
    "does not diagnose anything. Sharp or lasting pain: see a professional.",
]


def calendar(days_done: dict[date, int], start: date, end: date) -> str:
    """An adherence calendar: one square per day (weeks as columns), darker = more sessions."""
    first = start - timedelta(days=start.weekday())
    cells, d = [], first
    while d <= end:
        n = days_done.get(d, 0)
        cls = f"d{min(n, 3)}" if n else ""
        cells.append(f'<span class="{cls}" title="{d.isoformat()}: {n} session(s)"></span>')
        d += timedelta(days=1)
    return (f'<div class="cal" aria-label="adherence calendar">{"".join(cells)}</div>'
            f'<p class="muted">one square a day from {first:%d %b %Y}, Monday at the top, weeks left to right; '
            f'darker = more sessions</p>')


def _sessions_table(sessions: list[dict]) -> str:
    rows = []
    for s in sessions:
        holds = "; ".join(f"{st['stretch']}: " + ", ".join(
            f"{h['side'] or '-'} {h['duration_s']:.0f}/{h['target_s']:.0f}s" for h in st["holds"])
            for st in s["stretches"]) or "no holds"
        pain = s["pain"]
        rows.append(f"<tr><td>{escape(s['started_at'][:16].replace('T', ' '))}</td><td>{escape(s['kind'])}</td>"
                    f"<td>{escape(holds)}</td><td>{'' if pain['before'] is None else pain['before']}</td>"
                    f"<td>{'' if pain['after'] is None else pain['after']}</td>"
                    f"<td>{'' if s['complete'] else 'interrupted'}</td></tr>")
    return ("<table><tr><th>started (UTC)</th><th>kind</th><th>holds (held/target)</th><th>pain before</th>"
            "<th>pain after</th><th></th></tr>" + "".join(rows) + "</table>")


def _stretch_sections(sessions: list[dict], catalog) -> list[str]:
    out = []
    for sid in dict.fromkeys(st["stretch"] for s in sessions for st in s["stretches"]):
        points = charts.balance_points(sessions, sid)
        stretch = catalog.get(sid)
        if not points or stretch is None or stretch.balance is None:
            continue
        name = stretch.name
        metric = stretch.balance.metric.replace("{side}", "side")
        out.append(f"<h2>{escape(name)}</h2><p class='muted'>range metric {escape(metric)}, noise floor "
                   f"±{stretch.balance.noise_floor:g}° · {len(points)} sessions with both sides</p>"
                   + charts.range_chart(points, f"{name}: range per side")
                   + charts.balance_chart(points, f"{name}: balance", stretch.balance.better))
    return out


def build_report(sessions: list[dict], pains: list[dict], catalog, generated: datetime | None = None) -> str:
    generated = generated or datetime.now().astimezone()
    parts = [f"<h1>posecheck progress report</h1><p class='muted'>generated {generated:%Y-%m-%d %H:%M} · "
             f"{len(sessions)} sessions · {len(pains)} pain entries · made on this machine, from its own "
             f"history only</p>"]
    parts.append("<div class='caveat'><strong>Read with care</strong><ul>"
                 + "".join(f"<li>{escape(c)}</li>" for c in CAVEATS) + "</ul></div>")
    if not sessions and not pains:
        parts.append("<p>No sessions recorded yet.</p>")
    else:
        days = [local_day(s["started_at"]) for s in sessions] + [local_day(p["at"]) for p in pains]
        counts: dict[date, int] = {}
        for s in sessions:
            counts[local_day(s["started_at"])] = counts.get(local_day(s["started_at"]), 0) + 1
        parts.append(f"<h2>Adherence</h2><p>streak: {streak(session_days(sessions))} days in a row</p>"
                     + calendar(counts, min(days), max(max(days), date.today())))
        parts += _stretch_sections(sessions, catalog)
        if sessions:
            planned = {sid: s.dose.hold_s * s.dose.reps * max(len(s.sides), 1)
                       for sid, s in catalog.items() if s.kind == "hold"}
            parts.append("<h2>Time held</h2>" + charts.held_chart(sessions, planned))
        parts.append("<h2>Pain</h2>" + charts.pain_chart(sessions, pains))
        parts.append("<h2>Sessions</h2>" + _sessions_table(sessions))
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            "<meta name='referrer' content='no-referrer'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>posecheck progress report</title><style>{CSS}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")


def write_report(path: str | Path, sessions: list[dict], pains: list[dict], catalog) -> Path:
    return write_bytes(Path(path), build_report(sessions, pains, catalog).encode("utf-8"))   # 0600, folders 0700
