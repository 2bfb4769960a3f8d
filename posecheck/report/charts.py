"""The report's charts from `HistoryStore.sessions()` dicts, each returned as inline SVG."""

from __future__ import annotations

from datetime import datetime

from posecheck.history.rows import is_balance
from posecheck.report.svg import figure_svg

LEFT, RIGHT, NOISE = "#1f77b4", "#d62728", "#bbbbbb"


def _when(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()


def _figure(height: float = 2.6):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"       # text as shapes: no font is fetched or needed
    fig, ax = plt.subplots(figsize=(7.5, height), dpi=100)
    ax.grid(alpha=0.3)
    ax.margins(x=0.04, y=0.15)               # markers at the extremes stay whole
    return fig, ax


def _dates(fig, ax) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    fig.autofmt_xdate()


def balance_points(sessions: list[dict], stretch_id: str) -> list[tuple[datetime, dict]]:
    return [(_when(s["started_at"]), st["balance"]) for s in sessions for st in s["stretches"]
            if st["stretch"] == stretch_id and is_balance(st.get("balance"))]


def range_chart(points: list[tuple[datetime, dict]], title: str, unit: str = "°") -> str:
    """Best hold per side per session; the shaded band is ± the noise floor around each side."""
    fig, ax = _figure()
    t = [p[0] for p in points]
    for side, colour in (("left", LEFT), ("right", RIGHT)):
        v = [p[1][side] for p in points]
        f = [p[1]["noise_floor"] / 2 for p in points]
        ax.fill_between(t, [a - b for a, b in zip(v, f)], [a + b for a, b in zip(v, f)], color=colour,
                        alpha=0.15, linewidth=0)
        ax.plot(t, v, "o-", color=colour, label=f"{side}")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(f"range ({unit})")
    ax.legend(fontsize=8, loc="best")
    _dates(fig, ax)
    return figure_svg(fig, title)


def right_tighter_by(b: dict, better: str) -> float:
    """Degrees by which the right side has less range than the left (negative: the left has less)."""
    d = b["left"] - b["right"]
    return d if better == "higher" else -d


def balance_chart(points: list[tuple[datetime, dict]], title: str, better: str = "higher") -> str:
    """How much tighter one side was: up = right tighter, down = left tighter; grey = noise floor."""
    fig, ax = _figure(2.2)
    t = [p[0] for p in points]
    floor = [b["noise_floor"] for _, b in points]
    ax.fill_between(t, [-f for f in floor], floor, color=NOISE, alpha=0.5, linewidth=0,
                    label="within measurement noise")
    ax.axhline(0, color="#555555", linewidth=0.8)
    ax.plot(t, [right_tighter_by(b, better) for _, b in points], "s-", color="#444444")
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("° (+ right tighter)")
    ax.legend(fontsize=8, loc="best")
    _dates(fig, ax)
    return figure_svg(fig, title)


def held_chart(sessions: list[dict], planned: dict[str, float]) -> str:
    """Per session: seconds held (all holds) against the planned total of its stretches' doses."""
    fig, ax = _figure()
    t = [_when(s["started_at"]) for s in sessions]
    held = [sum(h["duration_s"] or 0.0 for st in s["stretches"] for h in st["holds"]) for s in sessions]
    plan = [sum(planned.get(st["stretch"], 0.0) for st in s["stretches"]) for s in sessions]
    ax.bar(t, held, width=0.6, color="#2ca02c", alpha=0.8, label="held")
    ax.plot(t, plan, "_", markersize=18, markeredgewidth=2, color="#000000", label="target")
    ax.set_title("Time held vs target per session", fontsize=10)
    ax.set_ylabel("seconds")
    ax.legend(fontsize=8, loc="best")
    _dates(fig, ax)
    return figure_svg(fig, "Time held vs target per session")


def pain_chart(sessions: list[dict], pains: list[dict]) -> str:
    """Pain 0-10 before and after each session, and the diary entries, on one time axis."""
    fig, ax = _figure(2.2)
    for moment, marker, colour in (("before", "^", "#9467bd"), ("after", "v", "#ff7f0e")):
        pts = [(_when(s["started_at"]), s["pain"][moment]) for s in sessions if s["pain"][moment] is not None]
        if pts:
            ax.plot(*zip(*pts), marker, color=colour, markersize=7, linestyle="none", label=f"{moment} session")
    diary = [(_when(p["at"]), p["level"]) for p in pains if not p.get("moment")]
    if diary:
        ax.plot(*zip(*diary), "o", color="#7f7f7f", label="diary")
    for s in sessions:
        ax.axvline(_when(s["started_at"]), color="#dddddd", linewidth=0.6, zorder=0)
    ax.set_ylim(-0.5, 10.5)
    ax.set_title("Pain (0-10) next to sessions (grey lines)", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    _dates(fig, ax)
    return figure_svg(fig, "Pain next to sessions")
