"""The mannequin's shape: ellipsoids hung on the skeleton's segment frames, and its look.

Each part is an ellipsoid (centre, rotation whose columns are its axes, radii) with a
material name; the renderer colours materials from a `Look`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecheck.synth.skeleton import Skeleton

SKIN_TONES = ((0.93, 0.78, 0.66), (0.85, 0.64, 0.49), (0.71, 0.50, 0.35),
              (0.55, 0.37, 0.24), (0.38, 0.25, 0.16))
HAIR = ((0.10, 0.07, 0.05), (0.30, 0.18, 0.08), (0.55, 0.40, 0.20), (0.15, 0.15, 0.15))
CLOTHES = ((0.15, 0.30, 0.65), (0.70, 0.15, 0.15), (0.20, 0.50, 0.30), (0.85, 0.55, 0.10),
           (0.35, 0.35, 0.38), (0.50, 0.20, 0.55), (0.90, 0.90, 0.88), (0.10, 0.10, 0.12))
FLOORS = ((0.55, 0.42, 0.30), (0.62, 0.60, 0.56), (0.35, 0.45, 0.55), (0.45, 0.30, 0.30))
WALLS = ((0.86, 0.85, 0.80), (0.75, 0.80, 0.85), (0.85, 0.78, 0.68), (0.70, 0.72, 0.70))


@dataclass(frozen=True)
class Look:
    """Colours (RGB 0..1), light and clothing cut of one rendered clip."""

    skin: tuple = SKIN_TONES[1]
    hair: tuple = HAIR[0]
    top: tuple = CLOTHES[0]
    bottom: tuple = CLOTHES[7]
    shoes: tuple = (0.92, 0.92, 0.92)
    floor: tuple = FLOORS[0]
    wall: tuple = WALLS[0]
    light_az_deg: float = 30.0       # key light direction around the vertical
    light_elev_deg: float = 55.0
    light: float = 0.85
    ambient: float = 0.30
    short_sleeves: bool = True
    shorts: bool = False


def random_look(rng: np.random.Generator) -> Look:
    """A varied but detectable look: clothes never the colour of the floor or skin."""
    def pick(options):
        return tuple(options[int(rng.integers(len(options)))])

    top = pick(CLOTHES)
    bottom = pick([c for c in CLOTHES if c != top])
    return Look(skin=pick(SKIN_TONES), hair=pick(HAIR), top=top, bottom=bottom,
                shoes=pick(((0.92, 0.92, 0.92), (0.12, 0.12, 0.14), (0.75, 0.20, 0.20))),
                floor=pick(FLOORS), wall=pick(WALLS),
                light_az_deg=float(rng.uniform(-60, 60)), light_elev_deg=float(rng.uniform(40, 70)),
                light=float(rng.uniform(0.7, 0.95)), ambient=float(rng.uniform(0.25, 0.38)),
                short_sleeves=bool(rng.random() < 0.5), shorts=bool(rng.random() < 0.3))


@dataclass(frozen=True)
class Part:
    centre: np.ndarray
    rot: np.ndarray
    radii: np.ndarray
    material: str
    segment: str = ""
    look: Look | None = None   # a second person's own colours (None: the scene's look)

    def lowest_y(self) -> float:
        return float(self.centre[1] - np.sqrt(np.sum((self.rot[1, :] * self.radii) ** 2)))


def _part(frames, seg, centre, radii, material, girth) -> Part:
    r = np.asarray(radii, float)
    r = np.array([r[0] * girth, r[1], r[2] * girth]) if girth != 1.0 else r
    frame = frames[seg]
    return Part(frame.at(centre), frame.rot, r, material, seg)


def body_parts(sk: Skeleton, look: Look = Look()) -> list[Part]:
    """All ellipsoids of the posed mannequin (about 40)."""
    f, s, g = sk.frames, sk.build.s, sk.build.girth
    arm = "skin" if look.short_sleeves else "top"
    leg = "skin" if look.shorts else "bottom"
    parts = [
        _part(f, "pelvis", (-0.01, -0.01, 0), (s(0.11), s(0.11), s(0.165)), "bottom", g),
        _part(f, "pelvis", (-s(0.06), -s(0.04), -s(0.07)), (s(0.08), s(0.09), s(0.08)), "bottom", g),
        _part(f, "pelvis", (-s(0.06), -s(0.04), s(0.07)), (s(0.08), s(0.09), s(0.08)), "bottom", g),
        _part(f, "lumbar", (0, s(0.08), 0), (s(0.105), s(0.13), s(0.15)), "top", g),
        _part(f, "chest", (0, s(0.08), 0), (s(0.115), s(0.16), s(0.17)), "top", g),
        _part(f, "chest", (0.0, s(0.18), 0), (s(0.08), s(0.05), s(0.19)), "top", g),
        _part(f, "neck", (0, s(0.04), 0), (s(0.05), s(0.08), s(0.05)), "skin", g),
        _part(f, "head", (s(0.02), s(0.10), 0), (s(0.105), s(0.12), s(0.09)), "head", 1.0),
    ]
    head = f["head"]
    nose_c = head.at((s(0.02) + s(0.105), s(0.09), 0))
    parts.append(Part(nose_c, head.rot, np.array([s(0.022), s(0.018), s(0.012)]), "skin", "head"))
    for z in (-1.0, 1.0):
        parts.append(Part(head.at((s(0.02), s(0.10), z * s(0.085))), head.rot,
                          np.array([s(0.02), s(0.03), s(0.014)]), "skin", "head"))
    for k in ("l", "r"):
        parts += [
            _part(f, f"uarm_{k}", (0, -s(0.01), 0), (s(0.06), s(0.06), s(0.06)), "top", g),
            _part(f, f"uarm_{k}", (0, -s(0.145), 0), (s(0.05), s(0.16), s(0.05)), arm, g),
            _part(f, f"farm_{k}", (0, 0, 0), (s(0.042), s(0.042), s(0.042)), arm, g),
            _part(f, f"farm_{k}", (0, -s(0.125), 0), (s(0.04), s(0.14), s(0.04)), "skin", g),
            _part(f, f"hand_{k}", (s(0.005), -s(0.055), 0), (s(0.045), s(0.065), s(0.022)), "skin", 1.0),
            _part(f, f"thigh_{k}", (0, -s(0.20), 0), (s(0.085), s(0.25), s(0.085)), "bottom", g),
            _part(f, f"shin_{k}", (0, 0, 0), (s(0.058), s(0.058), s(0.058)), leg, g),
            _part(f, f"shin_{k}", (0, -s(0.20), 0), (s(0.058), s(0.23), s(0.058)), leg, g),
            _part(f, f"foot_{k}", (0, 0, 0), (s(0.045), s(0.045), s(0.045)), "skin", 1.0),
            _part(f, f"foot_{k}", (s(0.055), -s(0.035), 0), (s(0.13), s(0.045), s(0.052)), "shoes", 1.0),
        ]
    return parts


def lowest_y(parts: list[Part]) -> float:
    return min(p.lowest_y() for p in parts)
