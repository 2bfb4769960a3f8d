"""The angles-over-time figure of `analyze`: main metrics, target bands, holds shaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def plot_angles(path: str | Path, t: np.ndarray, series: dict[str, np.ndarray],
                bands: dict[str, tuple[float, float]], holds, title: str, share: bool = False) -> Path:
    """One panel per metric; the enter band shaded green, holds shaded blue."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt

    names = list(series) or ["(no metrics)"]
    fig, axes = plt.subplots(len(names), 1, figsize=(9, 1.9 * len(names) + 0.8), sharex=True,
                             squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        if name in series:
            ax.plot(t, series[name], lw=1.2, color="#333333")
        if name in bands:
            lo, hi = bands[name]
            ax.axhspan(lo, hi, color="#2ca02c", alpha=0.18, lw=0)
        for hold in holds:
            ax.axvspan(hold.start_s, hold.end_s, color="#1f77b4", alpha=0.12, lw=0)
        ax.set_ylabel(name, fontsize=8)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("time (s)")
    axes[0, 0].set_title(title, fontsize=10)
    fig.tight_layout()
    from posecheck.media.atomic import Pending

    try:
        with Pending(path, share) as pending:
            fig.savefig(pending.tmp, dpi=90, format="png")
    finally:
        plt.close(fig)
    return pending.final
