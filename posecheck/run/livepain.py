"""The pain question before and after a live session: "How is your back pain right now?"
on screen and by voice, answered with the number keys (0-9; 1 then 0 for 10), skipped
with Enter or by waiting. Without a window (only when asked) it is a terminal prompt
with the same timeout, so a scripted run never waits for ever."""

from __future__ import annotations

import sys
import time

TEN_WAIT_S = 1.0      # after "1", how long a "0" may follow to make 10
ENTER = (10, 13)


class PainKeys:
    """Pure key logic: feed keys and the time; `done` and `value` tell the answer."""

    def __init__(self, now: float, wait_s: float):
        self.deadline = now + wait_s
        self.value: int | None = None
        self.done = False
        self._one_at: float | None = None

    def left(self, now: float) -> float:
        return max(self.deadline - now, 0.0)

    def key(self, key: int, now: float) -> None:
        if key < 0:
            if self._one_at is not None and now - self._one_at >= TEN_WAIT_S:
                self.done = True              # a lone "1"
            elif now >= self.deadline:
                self.done = True
            return
        ch = chr(key & 0xFF)
        if key in ENTER or ch == "\x1b":
            self.done = True
        elif ch.isdigit():
            digit = int(ch)
            if self._one_at is not None and digit == 0:
                self.value, self.done = 10, True
            elif digit == 1:
                self.value, self._one_at = 1, now
            else:
                self.value, self.done = digit, True


def ask_on_screen(sink, voice, when: str, wait_s: float) -> int | None:
    voice.pain(when)
    keys = PainKeys(time.monotonic(), wait_s)
    while not keys.done and not sink.closed_by_user():
        now = time.monotonic()
        sink.show(sink.draw_pain(when, keys.left(now), keys.value))
        keys.key(sink.poll_key(50), time.monotonic())
    return keys.value


def ask_on_terminal(when: str, wait_s: float, echo) -> int | None:
    """One line on stderr, an answer on stdin within `wait_s` (POSIX); else skipped."""
    import select

    lead = "Before we start" if when == "before" else "Before you go"
    echo(f"{lead}: how is your back pain right now, 0-10? (Enter to skip, {wait_s:.0f} s)")
    try:
        ready, _, _ = select.select([sys.stdin], [], [], wait_s)
    except (OSError, ValueError):      # no selectable stdin (Windows console, closed stdin)
        return None
    line = sys.stdin.readline().strip() if ready else ""
    return int(line) if line.isdigit() and 0 <= int(line) <= 10 else None
