"""The size of the screen the window opens on (to open it large), without a GUI toolkit:
Xlib or the Win32 API through ctypes, else Tk, else a laptop-sized default."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

DEFAULT = (1280, 720)


def _x11() -> tuple[int, int] | None:
    if not os.environ.get("DISPLAY"):
        return None
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    disp = lib.XOpenDisplay(None)
    if not disp:
        return None
    lib.XDefaultScreen.argtypes = [ctypes.c_void_p]
    lib.XDisplayWidth.argtypes = lib.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    screen = lib.XDefaultScreen(disp)
    size = lib.XDisplayWidth(disp, screen), lib.XDisplayHeight(disp, screen)
    lib.XCloseDisplay(disp)
    return size


def _win32() -> tuple[int, int] | None:
    user32 = ctypes.windll.user32          # type: ignore[attr-defined]
    user32.SetProcessDPIAware()
    return user32.GetSystemMetrics(0), user32.GetSystemMetrics(1)


def _tk() -> tuple[int, int] | None:
    import tkinter

    root = tkinter.Tk()
    root.withdraw()
    size = root.winfo_screenwidth(), root.winfo_screenheight()
    root.destroy()
    return size


def screen_size() -> tuple[int, int]:
    probes = [_win32] if sys.platform == "win32" else [_x11, _tk] if sys.platform.startswith("linux") else [_tk]
    for probe in probes:
        try:
            size = probe()
        except Exception:  # no display, no library: try the next way
            size = None
        if size and size[0] > 0 and size[1] > 0:
            return int(size[0]), int(size[1])
    return DEFAULT


def window_size(screen: tuple[int, int], margin: float = 0.04, title_bar: int = 40) -> tuple[int, int]:
    """A window that fills the screen but for a margin all round (and the title bar)."""
    sw, sh = screen
    mx, my = int(sw * margin), int(sh * margin)
    return max(sw - 2 * mx, 320), max(sh - 2 * my - title_bar, 240)
