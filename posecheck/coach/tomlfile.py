"""Read one TOML data file (stretch, routine) as a user wrote it, or say in one line why not.

Editors save files as UTF-8 with a byte-order mark, or in Latin-1/Windows-1252: the
mark is accepted, any other encoding (or a binary file) is one UsageError line naming
the byte and the fix, never a UnicodeDecodeError traceback.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from posecheck.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MAX_BYTES = 1 << 20   # a stretch or routine file is a few kB; a bigger one is not one


def read_toml(path: Path) -> dict:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as err:
        raise UsageError(f"{path.name}: cannot read ({err.strerror}); check the file") from None
    if len(raw) > MAX_BYTES:
        raise UsageError(f"{path.name}: over {MAX_BYTES >> 20} MB, not a stretch or routine file; "
                         "remove it from the folder")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"{path.name}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start}); "
                         "save it as UTF-8") from None
    if "\x00" in text:
        raise UsageError(f"{path.name}: a binary file, not TOML text; remove it from the folder")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{path.name}: not valid TOML ({err}); fix the syntax") from None
