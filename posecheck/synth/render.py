"""Ray-cast the mannequin's ellipsoids analytically in numpy, with a depth buffer.

Scene: the body, a floor (y = 0) and a back wall behind the subject; Lambert key light
plus a fill light from the camera, a soft blob shadow on the floor, a painted face
(eyes, brows, mouth, hair) on the head. Each part is only tested on the pixels of its
projected bounding square, which keeps a 640x480 frame well under a second.
"""

from __future__ import annotations

import cv2
import numpy as np

from posecheck.synth.body import Look, Part
from posecheck.synth.camera import Camera

WALL_BEHIND_M = 1.3


def _light_dir(look: Look) -> np.ndarray:
    az, el = np.radians(look.light_az_deg), np.radians(look.light_elev_deg)
    return np.array([np.cos(el) * np.sin(az), np.sin(el), np.cos(el) * np.cos(az)])


def _square(cam: Camera, part: Part, basis, f, w, h):
    """Pixel rectangle (y0, y1, x0, x1) that contains the part's image, or None."""
    c = (part.centre - cam.position) @ basis.T
    r = float(part.radii.max())
    if c[2] - r < 0.05:
        return None
    u, v, rp = w / 2 + f * c[0] / c[2], h / 2 + f * c[1] / c[2], f * r / (c[2] - r) + 2
    x0, x1 = max(int(u - rp), 0), min(int(u + rp) + 1, w)
    y0, y1 = max(int(v - rp), 0), min(int(v + rp) + 1, h)
    return None if x0 >= x1 or y0 >= y1 else (y0, y1, x0, x1)


def _hit(origin, dirs, part: Part):
    """Ray-ellipsoid: distance (inf on miss), unit-sphere hit point, world normal."""
    inv = part.rot / part.radii  # columns scaled: world -> unit-sphere uses rot.T / radii
    o = (origin - part.centre) @ inv
    d = dirs @ inv
    a = np.einsum("...i,...i", d, d)
    b = np.einsum("...i,...i", d, o)
    c = o @ o - 1.0
    disc = b * b - a * c
    ok = disc > 0
    t = np.where(ok, (-b - np.sqrt(np.where(ok, disc, 0))) / a, np.inf)
    t = np.where(t > 0, t, np.inf)
    q = o + d * np.where(np.isfinite(t), t, 0)[..., None]
    n = (q / part.radii) @ part.rot.T
    n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-12
    return t, q, n


def _face_colour(q: np.ndarray, skin: np.ndarray, look: Look) -> np.ndarray:
    """Paint hair, eyes, brows and mouth on the head (q: unit-sphere points, head axes)."""
    x, y, z = q[..., 0], q[..., 1], q[..., 2]
    col = np.broadcast_to(skin, q.shape).copy()
    hair = (y > 0.55 - 0.5 * np.clip(-x, 0, 1)) | ((x < -0.45) & (y > -0.55))
    col[hair] = look.hair
    for sz in (-1.0, 1.0):
        e = np.array([0.80, 0.26, 0.42 * sz]); e /= np.linalg.norm(e)
        cosang = q @ e
        col[cosang > np.cos(0.16)] = (0.97, 0.97, 0.97)
        col[cosang > np.cos(0.085)] = (0.08, 0.06, 0.05)
        b = np.array([0.74, 0.50, 0.42 * sz]); b /= np.linalg.norm(b)
        col[(q @ b > np.cos(0.2)) & (np.abs(y - b[1]) < 0.05)] = np.asarray(look.hair) * 0.8
    mouth = (x > 0.7) & (np.abs(z) < 0.3) & (y > -0.52) & (y < -0.42)
    col[mouth] = (0.55, 0.15, 0.15)
    return col


def _floor_shadow(points: np.ndarray, parts: list[Part], light: np.ndarray) -> np.ndarray:
    """Soft shadow factor (1 = lit) on floor points (N,3) from blobs under each part."""
    dark = np.zeros(len(points))
    slope = 0.4 * light[[0, 2]] / max(light[1], 0.2)
    for p in parts:
        cx, cz = p.centre[[0, 2]] - slope * p.centre[1]
        sigma = float(np.sqrt(np.mean(p.radii ** 2))) + 0.08 * p.centre[1] + 0.02
        d2 = (points[:, 0] - cx) ** 2 + (points[:, 2] - cz) ** 2
        dark += 0.6 * np.exp(-d2 / (2 * sigma ** 2)) * np.exp(-p.centre[1] / 0.5)
    return 1.0 - 0.6 * np.clip(dark, 0, 1)


def render(parts: list[Part], cam: Camera, look: Look = Look(), scale: float = 1.0) -> np.ndarray:
    """The scene as a BGR uint8 image of the camera's size (rendered at `scale`, then resized)."""
    dirs = cam.rays(scale)
    h, w = dirs.shape[:2]
    f = cam.focal_px * scale
    basis = cam.basis()
    origin = cam.position
    depth = np.full((h, w), np.inf)
    normal = np.zeros((h, w, 3))
    colour = np.zeros((h, w, 3))
    for part in parts:
        sq = _square(cam, part, basis, f, w, h)
        if sq is None:
            continue
        y0, y1, x0, x1 = sq
        t, q, n = _hit(origin, dirs[y0:y1, x0:x1], part)
        nearer = t < depth[y0:y1, x0:x1]
        if not nearer.any():
            continue
        depth[y0:y1, x0:x1][nearer] = t[nearer]
        normal[y0:y1, x0:x1][nearer] = n[nearer]
        own = part.look or look   # a second person (a helper) wears their own colours
        if part.material == "head":
            col = _face_colour(q[nearer], np.asarray(own.skin), own)
        else:
            col = np.asarray(getattr(own, part.material), float)
        colour[y0:y1, x0:x1][nearer] = col
    body = np.isfinite(depth)
    light = _light_dir(look)
    img = np.zeros((h, w, 3))
    lam = np.clip(normal[body] @ light, 0, None)
    fill = np.clip(normal[body] @ -basis[2], 0, None)
    img[body] = colour[body] * (look.ambient + look.light * lam + 0.3 * fill)[:, None]
    img[~body] = _background(origin, dirs[~body], cam, parts, look, light)
    img = np.clip(img, 0, 1)[..., ::-1]
    out = (img * 255 + 0.5).astype(np.uint8)
    if scale != 1.0:
        out = cv2.resize(out, (cam.width, cam.height), interpolation=cv2.INTER_LINEAR)
    return out


def _background(origin, dirs, cam: Camera, parts, look: Look, light) -> np.ndarray:
    """Floor (with the soft shadow) and back wall colours for rays that miss the body."""
    fwd = cam.basis()[2].copy()
    fwd[1] = 0
    fwd /= np.linalg.norm(fwd)
    wall_p = np.asarray(cam.target, float) + fwd * WALL_BEHIND_M
    with np.errstate(divide="ignore", invalid="ignore"):
        t_floor = np.where(dirs[:, 1] < -1e-6, -origin[1] / dirs[:, 1], np.inf)
        denom = dirs @ fwd
        t_wall = np.where(denom > 1e-6, ((wall_p - origin) @ fwd) / denom, np.inf)
    floor = t_floor < t_wall
    out = np.empty((len(dirs), 3))
    pts = origin + dirs[floor] * t_floor[floor][:, None]
    shade = _floor_shadow(pts, parts, light) * (look.ambient + look.light * light[1])
    out[floor] = np.asarray(look.floor) * shade[:, None]
    wall_pts = origin + dirs[~floor] * np.where(np.isfinite(t_wall[~floor]), t_wall[~floor], 50)[:, None]
    wall_shade = look.ambient + look.light * 0.55 * (1 - 0.25 * np.exp(-wall_pts[:, 1] / 0.3))
    out[~floor] = np.asarray(look.wall) * wall_shade[:, None]
    return out
