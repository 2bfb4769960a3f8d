"""posecheck: a camera coach for low-back stretches.

`posecheck.analyze(path, stretch="auto")` analyses a recorded video and returns its summary.
"""

__version__ = "0.1.0"


def analyze(path, stretch: str = "auto", **kwargs):
    """Analyse a recorded video; see `posecheck.run.analyze.analyze` for the options."""
    from posecheck.run.analyze import analyze as _analyze

    return _analyze(path, stretch, **kwargs)
