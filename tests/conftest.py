"""Shared fixtures: the real-footage folder (read in place, never copied) and the pose model."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.is_dir():
        pytest.skip("../shared/data/real absent")
    return REAL


@pytest.fixture(scope="session")
def model():
    """The full model, resolved the way users resolve it (cache, else fetch)."""
    from posecheck.pose.modelstore import resolve_model

    return resolve_model(None)
