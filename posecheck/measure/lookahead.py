"""Zero-phase smoothing on a stream: a short delay line and a centred filter.

Offline analysis may look a little ahead. Each frame is released once `half`
frames after it have been measured; its values are then smoothed with a
symmetric (hence zero-phase, lag-free) Gaussian window after a Hampel test drops
outliers. Memory is bounded by the window, whatever the video's length.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Item:
    """One frame travelling through the delay line."""

    index: int
    t_s: float
    image: np.ndarray | None
    pose: object | None
    raw: np.ndarray                     # (n_metrics,) measured values, nan unknown
    smooth: np.ndarray | None = None    # filled when released
    extra: dict = field(default_factory=dict)


def gaussian_weights(half: int, sigma_frames: float) -> np.ndarray:
    k = np.arange(-half, half + 1, dtype=float)
    return np.exp(-0.5 * (k / max(sigma_frames, 1e-6)) ** 2)


def nanmedian0(a: np.ndarray) -> np.ndarray:
    """np.nanmedian(a, axis=0) for a small 2-D array, ~20x faster: numpy's version goes
    through masked arrays for small inputs, which dominated the per-frame smoothing cost."""
    s = np.sort(a, axis=0)                      # nans sort last
    n = (~np.isnan(a)).sum(axis=0)
    cols = np.arange(a.shape[1])
    lo, hi = np.maximum((n - 1) // 2, 0), np.maximum(n // 2, 0)
    with np.errstate(invalid="ignore"):
        med = 0.5 * (s[lo, cols] + s[hi, cols])
    med[n == 0] = np.nan
    return med


def centred_smooth(window: np.ndarray, centre: int, weights: np.ndarray,
                   hampel_k: float = 3.0, slack: float | np.ndarray = 1.0,
                   median: np.ndarray | None = None) -> np.ndarray:
    """Smoothed value at `centre` of window (n_frames, n_metrics), nan-aware.

    `weights` is aligned so that weights[half] multiplies the centre frame. A frame
    whose value is unknown at the centre stays unknown: smoothing never invents one.
    `slack` (per metric column, its unit: `measure.spikes`) is added to the outlier bound;
    `median` (bool per column) takes the window's median there instead (`measure.spikes`).
    """
    half = (len(weights) - 1) // 2
    lo = centre - half
    w = weights[max(0, -lo): len(weights) - max(0, lo + len(weights) - window.shape[0])]
    seg = window[max(0, lo): max(0, lo) + len(w)]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-unknown columns stay nan
        med = nanmedian0(seg)
        mad = 1.4826 * nanmedian0(np.abs(seg - med))
        outlier = np.abs(seg - med) > hampel_k * np.maximum(mad, 1e-6) + slack
        ok = np.isfinite(seg) & ~outlier
        wts = np.where(ok, w[:, None], 0.0)
        total = wts.sum(axis=0)
        out = np.where(total > 0, (np.where(ok, seg, 0.0) * wts).sum(axis=0) / total, np.nan)
        if median is not None:
            out = np.where(median, med, out)
    out[~np.isfinite(window[centre])] = np.nan
    return out


class DelayLine:
    """Push measured frames in; get them back `half` frames later, smoothed."""

    def __init__(self, half: int, sigma_frames: float, slack: float | np.ndarray = 1.0,
                 median: np.ndarray | None = None):
        self.half = max(0, int(half))
        self.slack, self.median = slack, median
        self.weights = gaussian_weights(self.half, sigma_frames)
        self._items: deque[Item] = deque()
        self._next = 0  # position in _items of the next frame to release

    def push(self, item: Item) -> list[Item]:
        self._items.append(item)
        out = []
        while self._next < len(self._items) and len(self._items) - 1 - self._next >= self.half:
            out.append(self._release())
        return out

    def flush(self) -> list[Item]:
        out = []
        while self._next < len(self._items):
            out.append(self._release())
        return out

    def _release(self) -> Item:
        window = np.stack([it.raw for it in self._items])
        item = self._items[self._next]
        item.smooth = centred_smooth(window, self._next, self.weights, slack=self.slack,
                                     median=self.median)
        self._next += 1
        while self._next > self.half:  # keep only `half` frames of history
            self._items.popleft()
            self._next -= 1
        return item
