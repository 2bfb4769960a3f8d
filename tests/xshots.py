"""A private Xvfb display and real screenshots of it (xwd), for the window tests."""

from __future__ import annotations

import os
import select
import shutil
import struct
import subprocess
import time

import numpy as np
import pytest


def start_xvfb(size: tuple[int, int] = (1024, 768)):
    """(process, display) of a fresh Xvfb server; skips the test when Xvfb/xwd are absent.
    Xvfb picks a free display itself and writes its number to a pipe once it accepts
    connections (-displayfd), so parallel test runs never race for the same display."""
    exe = shutil.which("Xvfb")
    if exe is None or shutil.which("xwd") is None:
        pytest.skip("Xvfb/xwd not installed (apt-get install xvfb x11-apps)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(write_fd), "-screen", "0", f"{size[0]}x{size[1]}x24",
                             "-nolisten", "tcp"], pass_fds=(write_fd,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    got = b""
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        deadline = time.monotonic() + 10
        while not got.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([pipe], [], [], 0.2)
            chunk = pipe.read(16) if ready else b""
            if ready and not chunk:
                break              # Xvfb exited
            got += chunk
    if not got.strip().isdigit():
        proc.kill()
        pytest.skip("Xvfb could not start")
    return proc, f":{int(got)}"


def grab(display: str, window: str | None = "posecheck") -> np.ndarray | None:
    """A real screenshot (xwd, ZPixmap, LSB first) of the named window, or of the whole
    screen with window=None, as a BGR array."""
    where = ["-root"] if window is None else ["-name", window]
    proc = subprocess.run(["xwd", "-silent", "-display", display, *where], capture_output=True, timeout=10)
    data = proc.stdout
    if proc.returncode != 0 or len(data) < 100:
        return None
    h = struct.unpack(">25I", data[:100])
    header, width, height, bpp, stride, ncolors = h[0], h[4], h[5], h[11] // 8, h[12], h[19]
    offset = header + 12 * ncolors
    if bpp < 3 or len(data) < offset + stride * height:
        return None
    rows = np.frombuffer(data, np.uint8, count=stride * height, offset=offset).reshape(height, stride)
    return rows[:, :width * bpp].reshape(height, width, bpp)[:, :, :3].copy()


def read_trace(path) -> list[dict]:
    """The HUD trace's complete lines (a JSON object each): the live process may be half way
    through writing the last one while a test reads the file."""
    import json
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        return []
    *complete, _partial = path.read_text().split("\n")
    return [json.loads(ln) for ln in complete if ln]
