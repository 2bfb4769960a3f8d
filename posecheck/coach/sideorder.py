"""Which side a sided stretch starts with: the tighter one when asked (--tighter-first)."""

from __future__ import annotations


def start_sides(stretches, tighter: dict[str, str]) -> list[str | None]:
    """Per stretch (in plan order): the side to start with, None for the coach's usual order."""
    return [tighter.get(s.id) if s.sided and tighter.get(s.id) in s.sides else None for s in stretches]
