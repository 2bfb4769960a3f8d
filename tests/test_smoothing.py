"""smoothing.py: one-euro jitter reduction and lag, zero-phase filtering, Hampel outliers."""

import math

import numpy as np
import pytest

from posecheck.measure.smoothing import OneEuro, OneEuroDict, hampel, hampel_mask, sample_rate, zero_phase

FPS = 30.0


def _noisy_constant(n=600, value=120.0, std=2.0, seed=1):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / FPS
    return t, value + rng.normal(0, std, n)


# measured on this seed: 3.1x, 3.8x, 2.4x
@pytest.mark.parametrize("min_cutoff,beta,min_factor", [(1.0, 0.01, 2.9), (0.5, 0.01, 3.5), (1.0, 0.05, 2.2)])
def test_one_euro_reduces_jitter(min_cutoff, beta, min_factor):
    t, x = _noisy_constant()
    f = OneEuro(min_cutoff=min_cutoff, beta=beta)
    y = np.array([f(ti, xi) for ti, xi in zip(t, x)])
    factor = np.std(x[60:]) / np.std(y[60:])
    assert factor >= min_factor, f"jitter std reduced only {factor:.2f}x"
    assert abs(np.mean(y[60:]) - 120.0) < 0.5  # no bias


def test_one_euro_follows_a_fast_move_with_little_lag():
    # a 60 deg/s ramp: the speed term raises the cutoff, so lag stays a few frames
    t = np.arange(120) / FPS
    x = np.where(t < 1, 90.0, 90.0 + 60.0 * (t - 1))
    f = OneEuro(min_cutoff=1.0, beta=0.01)
    y = np.array([f(ti, xi) for ti, xi in zip(t, x)])
    lag_deg = x[-1] - y[-1]
    assert 0 < lag_deg < 60.0 * 3 / FPS  # behind by less than 3 frames' worth of motion


def test_one_euro_nan_is_a_gap():
    f = OneEuro(max_gap_s=0.5)
    assert f(0.0, 10.0) == 10.0
    f(1 / FPS, 10.0)
    assert math.isnan(f(2 / FPS, math.nan))
    assert f(3 / FPS, 12.0) == pytest.approx(10.0, abs=2.0) and f(3 / FPS, 12.0) != 12.0  # short gap: continues
    assert math.isnan(f(4 / FPS, math.nan))
    assert f(2.0, 50.0) == 50.0  # after a long gap: restarts at the new value, no blending


def test_one_euro_dict_per_key_and_missing_keys():
    f = OneEuroDict(overrides={"hip_ratio": {"beta": 5.0}})
    out0 = f(0.0, {"knee_left": 100.0, "hip_ratio": 0.5})
    out1 = f(1 / FPS, {"knee_left": 110.0})
    assert out0 == {"knee_left": 100.0, "hip_ratio": 0.5}
    assert 100.0 < out1["knee_left"] < 110.0
    assert math.isnan(out1["hip_ratio"])
    assert f._filters["hip_ratio"].beta == 5.0 and f._filters["knee_left"].beta == 0.01


@pytest.mark.parametrize("freq_hz", [0.3, 1.0])
def test_zero_phase_sine_has_no_lag(freq_hz):
    t = np.arange(600) / FPS
    clean = 30 * np.sin(2 * np.pi * freq_hz * t)
    noisy = clean + np.random.default_rng(2).normal(0, 2.0, t.size)
    y = zero_phase(t, noisy, cutoff_hz=4.0)
    lags = np.arange(-5, 6)
    corr = [np.dot(np.roll(y, k)[30:-30], clean[30:-30]) for k in lags]
    assert lags[int(np.argmax(corr))] == 0
    # sub-sample phase from the fitted sine: |lag| < 1 sample
    fit = np.linalg.lstsq(np.c_[np.sin(2 * np.pi * freq_hz * t), np.cos(2 * np.pi * freq_hz * t)], y, rcond=None)[0]
    lag_samples = math.atan2(fit[1], fit[0]) / (2 * np.pi * freq_hz) * FPS
    assert abs(lag_samples) < 1.0
    assert np.std(y[30:-30] - clean[30:-30]) < 0.5 * np.std(noisy - clean)


def test_zero_phase_step_is_centred():
    t = np.arange(200) / FPS
    x = np.where(np.arange(200) < 100, 0.0, 10.0)
    y = zero_phase(t, x, cutoff_hz=2.0, hampel_half_window=None)
    i = int(np.flatnonzero(y >= 5.0)[0])
    crossing = i - 1 + (5.0 - y[i - 1]) / (y[i] - y[i - 1])
    assert abs(crossing - 99.5) < 1.0   # symmetric about the step, no lag
    assert y[60] == pytest.approx(0.0, abs=0.05) and y[140] == pytest.approx(10.0, abs=0.05)


def test_zero_phase_keeps_nans_and_filters_runs():
    t = np.arange(100) / FPS
    x = np.full(100, 50.0)
    x[40:45] = np.nan
    x[80] = np.nan
    y = zero_phase(t, x, cutoff_hz=3.0)
    assert np.array_equal(np.isnan(y), np.isnan(x))
    assert np.allclose(y[np.isfinite(y)], 50.0, atol=1e-6)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 12])
def test_zero_phase_short_series(n):
    t = np.arange(n) / FPS
    x = 10.0 + np.arange(n, dtype=float)
    y = zero_phase(t, x, cutoff_hz=3.0)
    assert y.shape == (n,)
    assert np.isfinite(y).all()
    if n:
        assert np.all(np.abs(y - x) < 3.0)


def test_zero_phase_cutoff_above_nyquist_returns_input():
    t = np.arange(50) / FPS
    x = np.sin(t * 20)
    assert np.allclose(zero_phase(t, x, cutoff_hz=20.0, hampel_half_window=None), x)


def test_hampel_removes_a_spike():
    t = np.arange(300) / FPS
    rng = np.random.default_rng(3)
    x = 100 + 10 * np.sin(2 * np.pi * 0.5 * t) + rng.normal(0, 0.5, t.size)
    spiked = x.copy()
    spiked[150] += 40.0
    cleaned = hampel(spiked, half_window=3, n_sigma=3.0)
    assert abs(cleaned[150] - x[150]) < 3.0
    mask = hampel_mask(spiked)
    assert mask[150] and mask.sum() <= 10  # the spike, and a few noise values on the slopes
    others = np.arange(300) != 150
    assert np.abs(cleaned - x)[others].max() < 2.0  # those only moved within the noise


def test_hampel_spike_on_a_constant_and_nans():
    x = np.array([5.0, 5, 5, np.nan, 5, 40, 5, 5, 5])
    y = hampel(x, half_window=2)
    assert y[5] == 5.0 and np.isnan(y[3])
    assert np.allclose(np.delete(y, 3), 5.0)


def test_hampel_keeps_a_step():
    x = np.r_[np.zeros(20), np.full(20, 10.0)]
    assert np.array_equal(hampel(x, half_window=3), x)


def test_sample_rate_ignores_dropped_frames():
    t = np.r_[np.arange(10) / 30, 1.0 + np.arange(10) / 30]
    assert sample_rate(t) == pytest.approx(30.0)


def _run(f: OneEuro, xs, fps: float = 10.0) -> np.ndarray:
    return np.array([f(i / fps, x) for i, x in enumerate(xs)])


@pytest.mark.parametrize("glitch_frames", [1, 2, 3])
def test_one_euro_spike_guard_drops_a_short_glitch(glitch_frames):
    # a hold at 30 deg with 0.5 deg jitter; MediaPipe swaps the legs for 1-3 frames (-40 deg)
    rng = np.random.default_rng(3)
    xs = 30.0 + rng.normal(0, 0.5, 40)
    xs[20:20 + glitch_frames] = -40.0
    guarded = _run(OneEuro(spike_window=7), xs)
    plain = _run(OneEuro(), xs)
    assert np.abs(guarded[20:30] - 30.0).max() < 2.0     # never leaves the hold
    assert plain[20:30].min() < 10.0                      # the plain filter is dragged away


def test_one_euro_spike_guard_lets_a_real_step_through_after_four_frames():
    xs = np.r_[np.full(20, 30.0), np.full(20, 90.0)]
    out = _run(OneEuro(spike_window=7), xs)
    assert np.all(out[20:23] == pytest.approx(30.0, abs=0.01))   # held for 3 frames
    assert out[23] > 31.0                                        # the 4th: accepted
    assert out[35:] == pytest.approx(90.0, abs=1.0)


def test_one_euro_spike_guard_follows_a_smooth_move():
    xs = np.linspace(30.0, 120.0, 30)                            # 3 deg per frame, steady
    guarded, plain = _run(OneEuro(spike_window=7), xs), _run(OneEuro(), xs)
    assert guarded == pytest.approx(plain, abs=1e-9)


# the back knee of a rendered lunge, as MediaPipe read it (hip-flexor-lunge-shallow-left, 7.7-8.5 s):
# kneel_shift in torso lengths, with a two-frame glitch (the back leg folded toward the front one)
LUNGE_SHIFT = [0.17, 0.18, 0.18, -0.01, -0.13, 0.17, 0.22, 0.22, 0.22]


def test_glitch_slack_is_in_the_metrics_unit():
    from posecheck.measure.lookahead import centred_smooth, gaussian_weights
    from posecheck.measure.spikes import slack_of

    flat = np.array([[0.20, 20.0]] * 4 + [[-0.10, 50.0]] + [[0.20, 20.0]] * 4)   # torso, degrees
    w = gaussian_weights(4, 1.2)
    one = centred_smooth(flat, 3, w)                                   # slack 1 everywhere
    assert one[0] < 0.15                                               # 0.3 torso never flagged
    assert one[1] == pytest.approx(20.0, abs=1e-6)                     # 30 degrees always
    per_unit = centred_smooth(flat, 3, w, slack=np.array([slack_of("kneel_shift"), slack_of("hip_left")]))
    assert per_unit == pytest.approx([0.20, 20.0], abs=1e-6)
    assert slack_of("kneel_shift") == 0.02 and slack_of("hip_left") == 1.0


def test_median_metrics_ride_over_a_two_frame_glitch():
    from posecheck.measure.lookahead import centred_smooth, gaussian_weights
    from posecheck.measure.spikes import median_mask

    win = np.array(LUNGE_SHIFT)[:, None]
    w = gaussian_weights(4, 1.2)
    mean = centred_smooth(win, 4, w, slack=0.02)
    assert mean[0] < 0.12          # the -0.01 frame hides behind the other glitch: hold broken
    med = centred_smooth(win, 4, w, slack=0.02, median=median_mask(["kneel_shift"]))
    assert med[0] == pytest.approx(0.18, abs=1e-6)
    assert median_mask(["kneel_shift", "hip_ext_left"]).tolist() == [True, False]
