"""Bad and awkward inputs made at test time from a rendered sample (nothing large committed).

Every builder writes into a folder and returns the path it made. Clips are cut from
samples/bridge.mp4 (480x360, 10 fps) so MediaPipe sees a real rendered person.
"""

from __future__ import annotations

import fractions
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "bridge.mp4"
STRETCH_DATA = REPO / "posecheck" / "coach" / "catalog" / "data" / "bridge.toml"
# MediaPipe's native start-up lines (silenced by the live work in pose/quiet.py once it lands)
NATIVE = re.compile(r"^(INFO|WARNING|ERROR): |^[IWEF]\d{4} |^WARNING: Logging before|^W0000|^I0000|^E0000")


def sample_frames(n: int, start: int = 40) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(SAMPLE))
    frames = []
    for i in range(start + n):
        ok, img = cap.read()
        if not ok:
            break
        if i >= start:
            frames.append(img)
    cap.release()
    return frames


def write_clip(path: Path, frames, fps: float = 10.0, fourcc: str = "mp4v") -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (w, h))
    for img in frames:
        writer.write(img)
    writer.release()
    return path


def clip(folder: Path, name: str = "clip.mp4", n: int = 12, fps: float = 10.0) -> Path:
    return write_clip(folder / name, sample_frames(n), fps)


MARK_Y = (255, 267)   # rows of the frame-number mark in vfr_clip (the floor: no overlay panel there)


def marked_index(image) -> int:
    """Which vfr_clip frame an (annotated) image shows, from its mark."""
    strip = image[MARK_Y[0]:MARK_Y[1]].astype(float).mean(axis=(0, 2))
    return int(round((float(np.argmax(np.convolve(strip, np.ones(12), "valid"))) - 10) / 14))


def vfr_clip(path: Path, fast: int = 20, slow: int = 10) -> tuple[Path, list[float]]:
    """`fast` frames 0.1 s apart then `slow` frames 0.3 s apart (PyAV sets each timestamp)."""
    import av

    frames = sample_frames(fast + slow)
    for i, img in enumerate(frames):     # frame i says who it is: a white square at column i
        img[MARK_Y[0] - 2:MARK_Y[1] + 2] = 0
        img[MARK_Y[0]:MARK_Y[1], 10 + 14 * i:22 + 14 * i] = 255
    times, t_ms = [], 0
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 480, 360, "yuv420p"
        stream.codec_context.time_base = stream.time_base = fractions.Fraction(1, 1000)
        for i, img in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            frame.pts, frame.time_base = t_ms, fractions.Fraction(1, 1000)
            times.append(t_ms / 1000)
            for packet in stream.encode(frame):
                out.mux(packet)
            t_ms += 100 if i < fast else 300
        for packet in stream.encode():
            out.mux(packet)
    return path, times


def corrupt_middle(src: Path, dst: Path, at: float = 1 / 3, span: int = 2000) -> Path:
    data = bytearray(src.read_bytes())
    start = int(len(data) * at)
    for i in range(start, min(start + span, len(data))):
        data[i] ^= 0x55
    dst.write_bytes(bytes(data))
    return dst


def stretch_file(folder: Path, name: str, sid: str, edit=None, prefix: bytes = b"",
                 encoding: str = "utf-8") -> Path:
    """A copy of the bridge stretch under another id, with `edit(text) -> text` applied."""
    text = STRETCH_DATA.read_text()
    text = re.sub(r'^id = ".*"', f'id = "{sid}"', text, count=1, flags=re.M)
    if edit is not None:
        text = edit(text)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(prefix + text.encode(encoding))
    return path


def set_key(key: str, value: str):
    """An edit that sets `key = value` on its first line in the file (must exist)."""
    def edit(text: str) -> str:
        new, n = re.subn(rf"^{key} = [^\n]*", f"{key} = {value}", text, count=1, flags=re.M)
        assert n == 1, key
        return new
    return edit


def routine_file(folder: Path, name: str, body: str, prefix: bytes = b"", encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(prefix + body.encode(encoding))
    return path


def cli(args, cwd: Path, timeout: float = 300, env=None, wrap=()) -> subprocess.CompletedProcess:
    """Run the real `posecheck` CLI in a fresh interpreter."""
    cmd = [*wrap, sys.executable, "-m", "posecheck", *map(str, args)]
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env)


def own_lines(stderr: str) -> list[str]:
    """posecheck's own stderr lines (MediaPipe's native start-up lines left out)."""
    return [ln for ln in stderr.splitlines() if ln.strip() and not NATIVE.match(ln)]


def listing(folder: Path) -> list[str]:
    """Every name in `folder`, hidden ones included; [] when it does not exist."""
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def tmpfs(size_kb: int, mount: Path, save: Path) -> list[str] | None:
    """A command prefix running its command in a private mount namespace with a `size_kb`
    tmpfs on `mount`, then copying what is left there to `save` (modes kept) before the
    namespace goes. Root only; None when that is not possible here."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return None
    mount.mkdir(parents=True, exist_ok=True)
    save.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{mount}'"],
                           capture_output=True)
    if probe.returncode != 0:
        return None
    script = (f"mount -t tmpfs -o size={size_kb}k tmpfs '{mount}' || exit 99; "
              f"\"$@\"; rc=$?; cp -a '{mount}/.' '{save}/'; exit $rc")
    return ["unshare", "-m", "sh", "-c", script, "sh"]
