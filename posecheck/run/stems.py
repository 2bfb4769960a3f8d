"""Output file stems that stay unique when two inputs share a file name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


def unique_stems(videos) -> list[str]:
    """The video's stem, or stem + "-" + its parent folders' names when another input has the
    same stem (a/clip.mp4, b/clip.mp4 -> clip-a, clip-b); a number when even that collides."""
    paths = [Path(v) for v in videos]
    count = Counter(p.stem for p in paths)
    stems = []
    for p in paths:
        stem = p.stem
        if count[p.stem] > 1:
            parent = p.resolve().parent.name or "root"
            stem = f"{p.stem}-{parent}"
        stems.append(stem)
    seen: Counter = Counter()
    out = []
    for stem in stems:
        seen[stem] += 1
        n = seen[stem]
        out.append(stem if n == 1 and stems.count(stem) == 1 else f"{stem}-{n}")
    return out
