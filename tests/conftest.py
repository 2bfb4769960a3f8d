"""Shared fixtures: the real-footage folder (read in place, never copied) and the pose model."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
SAMPLES = REPO / "samples"


@pytest.fixture(scope="session", autouse=True)
def private_history(tmp_path_factory):
    """Sessions that tests analyse go to a throw-away history, never the user's own."""
    import os

    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    yield


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
