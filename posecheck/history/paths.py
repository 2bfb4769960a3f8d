"""Where the history lives (the user data dir, never the current folder) and private files.

Health data: folders posecheck creates here are 0700 and its files 0600 whatever the umask.
"""

from __future__ import annotations

import os
from pathlib import Path

DB_NAME = "history.sqlite3"


def data_dir() -> Path:
    """The user data dir (platformdirs; XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("posecheck", appauthor=False))


def db_path() -> Path:
    return data_dir() / DB_NAME


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents posecheck makes) as 0700; an existing one is left as is."""
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        p = p.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o700)
    return path


def make_private(path: Path) -> None:
    """0600 on a file that exists (the database and its -wal/-shm companions)."""
    try:
        os.chmod(path, 0o600)
    except FileNotFoundError:
        pass


def precreate(path: Path) -> None:
    """Create an empty file 0600 before SQLite opens it, so it is never briefly readable."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    make_private(path)
