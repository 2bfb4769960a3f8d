"""Smoothing of metric series: one-euro (live, causal) and zero-phase Butterworth (offline),
with Hampel outlier rejection. nan means unknown: it is a gap, never filled in.
"""

from __future__ import annotations

import math
import statistics
import warnings
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from scipy.signal import butter, sosfiltfilt


def _alpha(cutoff_hz: float, dt: float) -> float:
    tau = 1.0 / (2 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt)


@dataclass
class OneEuro:
    """One-euro filter (Casiez et al. 2012) for one value sampled at irregular times.

    The cutoff rises with the speed of change (`beta`, in cutoff Hz per unit/s), so
    slow holds are smoothed hard and fast moves follow with little lag. A nan input
    returns nan; after a gap longer than `max_gap_s` the filter restarts from the
    next known value instead of blending across the gap.
    """

    min_cutoff: float = 1.0   # Hz
    beta: float = 0.01        # Hz per (unit/s): tuned for degrees with ~2 deg jitter
    d_cutoff: float = 1.0     # Hz, for the speed estimate
    max_gap_s: float = 0.5
    spike_window: int = 0     # > 0: causal Hampel over the last N raw values (see `_spike`)
    spike_slack: float = 1.0  # in the metric's unit (`measure.spikes`)
    _x: float = field(default=math.nan, repr=False)
    _dx: float = field(default=0.0, repr=False)
    _t: float = field(default=math.nan, repr=False)
    _recent: deque = field(default_factory=deque, repr=False)

    def reset(self) -> None:
        self._x, self._dx, self._t = math.nan, 0.0, math.nan
        self._recent.clear()

    def _spike(self, x: float) -> bool:
        """A value far from the median of the recent raw values (3 scaled MADs + `spike_slack`, the
        offline Hampel's rule) is a glitch, e.g. MediaPipe swapping the legs for a few frames.
        It is kept in the window, so a real new level wins once it is the majority
        (after spike_window // 2 + 1 frames) while shorter glitches never reach the output."""
        recent = self._recent
        recent.append(x)
        while len(recent) > self.spike_window:
            recent.popleft()
        if len(recent) < self.spike_window // 2 + 1:
            return False
        # statistics.median: ~20x cheaper than numpy on 7 values, and this runs per metric per frame
        med = statistics.median(recent)
        mad = 1.4826 * statistics.median(abs(v - med) for v in recent)
        return abs(x - med) > 3.0 * mad + self.spike_slack

    def __call__(self, t_s: float, x: float) -> float:
        if not math.isfinite(x):
            return math.nan
        dt = t_s - self._t
        if not math.isfinite(self._x) or dt > self.max_gap_s:
            self._recent.clear()
            self._recent.append(x)
            self._x, self._dx, self._t = x, 0.0, t_s
            return x
        if not dt > 0:  # repeated timestamp: nothing new to filter
            return self._x
        if self.spike_window and self._spike(x):
            return self._x  # hold the last output; the clock stays, so the gap rule still applies
        dx = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff, dt) * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        self._t = t_s
        return self._x


@dataclass
class OneEuroDict:
    """One `OneEuro` per key of a metrics dict: `smooth = f(t_s, values)`.

    `overrides` maps a metric name to its own filter parameters (e.g. a larger beta
    for degrees than for torso-length ratios). Keys missing from a frame count as nan.
    """

    min_cutoff: float = 1.0
    beta: float = 0.01
    d_cutoff: float = 1.0
    max_gap_s: float = 0.5
    spike_window: int = 0
    overrides: dict[str, dict] = field(default_factory=dict)
    _filters: dict[str, OneEuro] = field(default_factory=dict, repr=False)

    def _filter(self, name: str) -> OneEuro:
        f = self._filters.get(name)
        if f is None:
            params = dict(min_cutoff=self.min_cutoff, beta=self.beta, d_cutoff=self.d_cutoff,
                          max_gap_s=self.max_gap_s, spike_window=self.spike_window) | self.overrides.get(name, {})
            f = self._filters[name] = OneEuro(**params)
        return f

    def __call__(self, t_s: float, values: dict[str, float] | None) -> dict[str, float]:
        values = values or {}
        names = list(values) + [n for n in self._filters if n not in values]  # input order first
        return {n: self._filter(n)(t_s, float(values.get(n, math.nan))) for n in names}

    def reset(self) -> None:
        for f in self._filters.values():
            f.reset()


def _runs(finite: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index ranges of consecutive True values."""
    edges = np.diff(np.concatenate([[0], finite.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def sample_rate(t) -> float:
    """Frames per second from timestamps (median interval; robust to dropped frames)."""
    dt = np.diff(np.asarray(t, dtype=float))
    dt = dt[dt > 0]
    return float(1.0 / np.median(dt)) if dt.size else math.nan


def zero_phase(t, values, cutoff_hz: float, order: int = 2, hampel_half_window: int | None = 3,
               n_sigma: float = 3.0) -> np.ndarray:
    """Offline low-pass without lag: Butterworth run forwards and backwards (sosfiltfilt).

    Each run of known values is filtered on its own; nans stay nan. Outliers are first
    replaced by the local median (`hampel`; None disables). Runs too short for the
    filter's padding are padded less; runs of 1-2 samples are returned as they are. A
    cutoff at or above the Nyquist frequency returns the (outlier-cleaned) input.
    """
    x = np.array(values, dtype=float)
    if hampel_half_window:
        x = hampel(x, hampel_half_window, n_sigma)
    fs = sample_rate(t)
    if not np.isfinite(fs) or cutoff_hz >= fs / 2:
        return x
    sos = butter(order, cutoff_hz, btype="low", fs=fs, output="sos")
    pad = 3 * (2 * len(sos) + 1)  # about scipy's default padding for this filter
    out = x.copy()
    for a, b in _runs(np.isfinite(x)):
        n = b - a
        if n < 3:
            continue
        out[a:b] = sosfiltfilt(sos, x[a:b], padlen=min(pad, n - 1))
    return out


def hampel(values, half_window: int = 3, n_sigma: float = 3.0) -> np.ndarray:
    """Replace outliers by the median of their window (Hampel filter), nan-aware.

    A value is an outlier when it is more than `n_sigma` scaled MADs
    (1.4826 * median absolute deviation) from the median of the 2*half_window+1
    values around it. nans are ignored in the windows and stay nan.
    """
    x = np.array(values, dtype=float)
    n = x.size
    if n == 0 or half_window < 1:
        return x
    padded = np.concatenate([np.full(half_window, np.nan), x, np.full(half_window, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half_window + 1)
    with warnings.catch_warnings():  # all-nan windows are expected: they give nan
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(windows, axis=1)
        mad = 1.4826 * np.nanmedian(np.abs(windows - med[:, None]), axis=1)
    # mad == 0 (most of the window identical): any departure from it is an outlier
    outlier = np.isfinite(x) & (np.abs(x - med) > np.maximum(n_sigma * mad, 1e-9))
    x[outlier] = med[outlier]
    return x


def hampel_mask(values, half_window: int = 3, n_sigma: float = 3.0) -> np.ndarray:
    """Boolean mask of the values `hampel` would replace."""
    x = np.asarray(values, dtype=float)
    return (hampel(x, half_window, n_sigma) != x) & np.isfinite(x)
