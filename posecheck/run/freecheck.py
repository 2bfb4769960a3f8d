"""Free mode against analyze: the holds `live` finds with no stretch given vs `analyze --stretch auto`.

Both run the real model over the same clip; live is causal (one-euro smoothing, decides as
it goes), analyze looks a little ahead. They agree when they report the same number of
holds, on the same sides, each start and end within TOLERANCE_S.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

TOLERANCE_S = 1.0


def free_live(video: Path, realtime: bool = True) -> dict:
    """`posecheck live --source VIDEO --no-window` (realtime: frames dropped when behind)."""
    from posecheck.run.live import LiveOptions, LiveSession

    opts = LiveOptions(source=str(video), window=False, realtime=realtime)
    return LiveSession(opts, echo=lambda msg: None).run()


def auto_analyze(video: Path) -> dict:
    from posecheck.run.analyze import analyze

    with tempfile.TemporaryDirectory() as tmp:
        return dict(analyze(video, "auto", out_dir=tmp, annotate=False, plot=False))


def compare(live: dict, offline: dict) -> list[str]:
    """What differs (empty: the same holds within TOLERANCE_S)."""
    a, b = live["holds"], offline["holds"]
    if len(a) != len(b):
        return [f"{len(a)} holds live vs {len(b)} in analyze"]
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x["side"] != y["side"]:
            out.append(f"hold {i + 1}: side {x['side']} vs {y['side']}")
        for key in ("start_s", "end_s"):
            if abs(x[key] - y[key]) > TOLERANCE_S:
                out.append(f"hold {i + 1}: {key} {x[key]:.1f} vs {y[key]:.1f}")
    return out
