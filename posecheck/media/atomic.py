"""Atomic, private output files: a hidden temp name in the same folder -> fsync -> rename.

Every file holding the person's data (summary, frames.csv, plot, annotated video,
recording) is written through `Pending`: it exists under its real name only once it is
complete, it is 0600 (0640 with `share=True`) whatever the umask, and a run that fails
leaves at most a hidden `.NAME.*.part*` file (removed on every exit path Python sees).
Folders posecheck creates are 0700 (0750 shared); existing folders are left as they are.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from pathlib import Path

from posecheck.errors import InputError

PART = ".part"
_OPEN: set[Path] = set()   # temp files not yet committed or discarded (for a hard exit)


class WriteError(InputError):
    """An output could not be written (full disk, permissions...): one line, exit 1."""


def file_mode(share: bool = False) -> int:
    return 0o640 if share else 0o600


def dir_mode(share: bool = False) -> int:
    return 0o750 if share else 0o700


def make_dirs(folder: str | Path, share: bool = False) -> Path:
    """Create `folder` and missing parents, each new one private; return it."""
    folder = Path(folder)
    missing = []
    p = folder
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for new in reversed(missing):
        try:
            new.mkdir()
        except FileExistsError:
            continue
        os.chmod(new, dir_mode(share))   # mkdir's mode is masked by the umask: set it outright
    return folder


def explain(err: OSError, path: Path | str) -> str:
    """One line for an OSError on `path`: what happened and the fix (the path said once)."""
    fixes = {errno.ENOSPC: "the disk is full: free some space or write somewhere else",
             errno.EDQUOT: "the disk quota is used up: free some space",
             errno.EFBIG: "the file grew past the size this system allows",
             errno.EACCES: "permission denied: choose a folder you can write",
             errno.EPERM: "permission denied: choose a folder you can write",
             errno.EROFS: "the file system is read-only: choose another folder",
             errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
             errno.EISDIR: "it is a folder: give a file name",
             errno.ENOENT: "the folder does not exist: create it or choose another path"}
    return f"cannot write {path}: {fixes.get(err.errno, err.strerror or str(err))}"


class Pending:
    """One output being written under a hidden temp name; `commit()` or `discard()` it.

    `tmp` keeps the final suffix (.mp4, .png) so writers that pick a format from the
    name (OpenCV, matplotlib) still can. Usable as a context manager: an exception
    discards, a clean exit commits.
    """

    def __init__(self, final: str | Path, share: bool = False):
        self.final = Path(final)
        self.share = share
        make_dirs(self.final.parent, share)
        self.tmp = self.final.with_name(f".{self.final.name}.{secrets.token_hex(4)}{PART}{self.final.suffix}")
        try:
            fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode(share))
        except OSError as err:
            raise WriteError(explain(err, self.final)) from None
        os.fchmod(fd, file_mode(share))
        os.close(fd)
        self.done = False
        _OPEN.add(self.tmp)

    def open(self, mode: str = "w", **kw):
        return open(self.tmp, mode, **kw)

    def commit(self) -> Path:
        """fsync, set the mode, rename over the final name; the final path."""
        if self.done:
            return self.final
        try:
            fd = os.open(self.tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.chmod(self.tmp, file_mode(self.share))   # a writer may have recreated it
            os.replace(self.tmp, self.final)
            _OPEN.discard(self.tmp)
            _fsync_dir(self.final.parent)
        except OSError as err:
            self.discard()
            raise WriteError(explain(err, self.final)) from None
        self.done = True
        return self.final

    def discard(self) -> None:
        self.done = True
        _OPEN.discard(self.tmp)
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __enter__(self) -> "Pending":
        return self

    def __exit__(self, exc_type, *_) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def discard_all() -> None:
    """Remove every uncommitted temp file (before a hard exit)."""
    for tmp in list(_OPEN):
        try:
            os.unlink(tmp)
        except OSError:
            pass
    _OPEN.clear()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass   # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def write_bytes(final: str | Path, data: bytes, share: bool = False) -> Path:
    with Pending(final, share) as p:
        try:
            with p.open("wb") as fh:
                fh.write(data)
        except OSError as err:
            raise WriteError(explain(err, p.final)) from None
    return p.final


def write_json(final: str | Path, obj, share: bool = False, default=None) -> Path:
    text = json.dumps(obj, indent=2, default=default) + "\n"
    return write_bytes(final, text.encode("utf-8"), share)


def check_folder(folder: str | Path, option: str, share: bool = False) -> Path:
    """Before any work: `folder` exists or can be created, and a file can be made in it."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{option} {folder} is a file, not a folder: choose another {option}")
    probe = folder / f".posecheck-probe-{secrets.token_hex(4)}"
    try:
        make_dirs(folder, share)
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as err:
        raise InputError(f"{option}: {explain(err, folder)}") from None
    return folder


def check_file(path: str | Path, option: str, share: bool = False) -> Path:
    """Before any work: `path` can be created or replaced (its folder is made if missing)."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{option} {path} is a folder: give a file name, e.g. {path / 'session.json'}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(f"{option} {path}: {parent} is a file, not a folder: choose another path")
            break
    check_folder(path.parent, option, share)
    if path.exists() and not os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK):
        raise InputError(f"{option}: cannot replace {path}: permission denied")
    return path
