"""Find, check and provision the pose model: --model/POSECHECK_MODEL -> user cache -> fetch.

Every file posecheck uses under a model name must have one of that name's digests in
models/manifest.toml (Google's official bundle, or our byte-reproducible build of it). Downloads
and builds go to a temporary file in the cache folder, are checked, then renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import platformdirs

from posecheck.errors import InputError, UsageError
from posecheck.pose.modelbuild import Member, OfflineError, Recipe, build_task

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ENV_MODEL = "POSECHECK_MODEL"
# Reuse already-downloaded registry packages instead of fetching them (CI caches, offline rebuilds).
ENV_WHEEL = "POSECHECK_BUILD_WHEEL"
ENV_NPM = "POSECHECK_BUILD_NPM"
DOWNLOAD_TIMEOUT_S = 20
_CHUNK = 1 << 20

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Digest:
    kind: str  # "official" or "built"
    sha256: str
    size: int | None


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    url: str
    accept: tuple[Digest, ...]
    recipe: Recipe

    def match(self, sha256: str) -> Digest | None:
        return next((d for d in self.accept if d.sha256 == sha256), None)

    @property
    def filename(self) -> str:
        return f"pose_landmarker_{self.name}.task"

    @property
    def build_source(self) -> str:
        if self.recipe.npm:
            return f"npm {self.recipe.npm} + PyPI {self.recipe.wheel}"
        return f"PyPI {self.recipe.wheel}"


@dataclass(frozen=True)
class Manifest:
    default: str
    models: dict[str, ModelSpec]
    licence: str

    def get(self, name: str) -> ModelSpec:
        if name not in self.models:
            raise UsageError(f"unknown model {name!r}: use one of {', '.join(self.models)} or a path to a .task file")
        return self.models[name]


@dataclass(frozen=True)
class ResolvedModel:
    """The model file to load; `name` is the manifest name, or the file stem for a custom model."""

    name: str
    path: Path
    sha256: str
    source: str = "cache"  # "path", "env", "cache" or "fetched"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@lru_cache(maxsize=1)
def load_manifest() -> Manifest:
    text = resources.files("posecheck.modeldata").joinpath("manifest.toml").read_text("utf-8")
    return parse_manifest(tomllib.loads(text))


def parse_manifest(data: dict) -> Manifest:
    wheel = data["sources"]["wheel"]
    npm = data["sources"]["npm"]
    detector = Member(**wheel["detector"])
    models = {}
    for name, entry in data["models"].items():
        build = entry["build"]
        recipe = Recipe(
            wheel=wheel["requirement"],
            detector=detector,
            landmarker=Member(**build["landmarker"]),
            npm=npm["spec"] if build["source"] == "npm" else None,
            variant=name,
        )
        accept = tuple(Digest(d["kind"], d["sha256"], d.get("size")) for d in entry["accept"])
        models[name] = ModelSpec(name, entry["description"], entry["url"], accept, recipe)
    return Manifest(data["default"], models, data["licence"]["spdx"])


def cache_dir() -> Path:
    """Per-user cache (honours XDG_CACHE_HOME on Linux)."""
    return Path(platformdirs.user_cache_dir("posecheck")) / "models"


def cached_path(name: str) -> Path:
    return cache_dir() / load_manifest().get(name).filename


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_hint(name: str) -> str:
    return f"run `posecheck models fetch {name}` (needs the network), or pass --model PATH to a .task file"


def offline_message(name: str) -> str:
    return (f"no network: cannot fetch the {name} pose model; pass --model PATH to a .task file, "
            f"or run `posecheck models fetch {name}` once online")


# --- resolution ------------------------------------------------------------------------------


def resolve_model(spec: str | None = None, *, fetch: bool = True,
                  progress: Progress | None = _stderr) -> ResolvedModel:
    """Turn `--model` (a name or a path), else $POSECHECK_MODEL, else the default name, into a
    checked model file, fetching it into the cache when allowed."""
    source = "path"
    if not spec:
        spec, source = os.environ.get(ENV_MODEL) or None, "env"
    manifest = load_manifest()
    if not spec:
        spec = manifest.default
    if spec in manifest.models:
        return _resolve_name(spec, fetch=fetch, progress=progress)
    return _resolve_path(Path(spec).expanduser(), source, manifest)


def _resolve_name(name: str, *, fetch: bool, progress: Progress | None) -> ResolvedModel:
    path = cached_path(name)
    if path.is_file():
        sha = file_sha256(path)
        if load_manifest().get(name).match(sha):
            return ResolvedModel(name, path, sha, "cache")
        if not fetch:
            raise InputError(f"cached {name} model {path} is corrupted (sha256 {sha[:12]}…); {fetch_hint(name)}")
        _say(progress, f"cached {name} model is corrupted (sha256 {sha[:12]}…): fetching it again")
    elif not fetch:
        raise InputError(f"the {name} pose model is not cached; {fetch_hint(name)}")
    return fetch_model(name, progress=progress)


def _resolve_path(path: Path, source: str, manifest: Manifest) -> ResolvedModel:
    where = "POSECHECK_MODEL" if source == "env" else "--model"
    if not path.is_file():
        raise InputError(f"{where}: model file {path} not found; pass a .task file or one of "
                         f"{', '.join(manifest.models)}")
    if path.suffix != ".task":
        raise InputError(f"{where}: {path} is not a .task model bundle; pass a .task file or one of "
                         f"{', '.join(manifest.models)}")
    sha = file_sha256(path)
    implied = next((m for m in manifest.models.values() if m.filename == path.name), None)
    if implied is None:  # a user's own model: allowed, reported by its file name
        return ResolvedModel(path.stem, path, sha, source)
    if not implied.match(sha):
        raise InputError(f"{where}: {path} has sha256 {sha[:12]}…, not a known digest of the {implied.name} "
                         f"model (corrupted or altered); run `posecheck models fetch {implied.name}` "
                         "or rename a custom model")
    return ResolvedModel(implied.name, path, sha, source)


# --- fetching --------------------------------------------------------------------------------


def fetch_model(name: str, *, progress: Progress | None = _stderr, wheel_path: Path | None = None,
                npm_path: Path | None = None, try_official: bool = True) -> ResolvedModel:
    """Download (official URL) or else build `name` into the cache; the result is always checked."""
    model = load_manifest().get(name)
    dest = cached_path(name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    wheel_path = wheel_path or _env_path(ENV_WHEEL)
    npm_path = npm_path or _env_path(ENV_NPM)
    if try_official:
        _say(progress, f"fetching {name} model: downloading {model.url}")
        try:
            return _install(model, dest, lambda tmp: _download(model.url, tmp))
        except (OSError, urllib.error.URLError, InputError) as err:
            _say(progress, f"fetching {name} model: official download failed ({_reason(err)}); "
                           f"building from Google's {_build_what(model)}…")
    else:
        _say(progress, f"fetching {name} model: building from Google's {_build_what(model)}…")
    try:
        return _install(model, dest, lambda tmp: build_task(model.recipe, tmp, wheel_path=wheel_path,
                                                           npm_path=npm_path))
    except OfflineError:
        raise InputError(offline_message(name)) from None
    except InputError as err:
        raise InputError(f"cannot fetch the {name} pose model: {err}") from None


def _build_what(model: ModelSpec) -> str:
    wheel = model.recipe.wheel.replace("==", " ")
    if model.recipe.npm:
        return f"npm package {model.recipe.npm} and {wheel} wheel"
    return f"{wheel} wheel"


def _install(model: ModelSpec, dest: Path, produce: Callable[[Path], object]) -> ResolvedModel:
    """Produce into a temp file beside `dest`, check the digest, then rename atomically."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        produce(tmp)
        sha = file_sha256(tmp)
        if not model.match(sha):
            known = ", ".join(f"{d.kind} {d.sha256[:12]}…" for d in model.accept)
            raise InputError(f"{model.name} model has sha256 {sha[:12]}…, expected one of: {known}")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return ResolvedModel(model.name, dest, sha, "fetched")


def _download(url: str, dest: Path) -> None:
    _https_only(url)
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, open(dest, "wb") as out:
        _https_only(response.geturl())      # a redirect to plain HTTP is refused too
        for chunk in iter(lambda: response.read(_CHUNK), b""):
            out.write(chunk)


def _https_only(url: str) -> None:
    """Models come over HTTPS only (the sha256 check after it is the second guard)."""
    if not url.lower().startswith("https://"):
        raise InputError(f"refusing to download over plain HTTP: {url}; use an https:// URL")


def _reason(err: Exception) -> str:
    if isinstance(err, urllib.error.HTTPError):
        return f"HTTP {err.code}"
    if isinstance(err, urllib.error.URLError):
        return f"no connection: {err.reason}"
    return str(err)


def _env_path(var: str) -> Path | None:
    value = os.environ.get(var)
    return Path(value) if value else None


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


# --- checks for the CLI ----------------------------------------------------------------------


@dataclass(frozen=True)
class CacheStatus:
    name: str
    path: Path
    cached: bool
    size: int | None
    sha256: str | None
    digest: Digest | None  # which accepted digest the file has; None when missing/corrupted

    @property
    def ok(self) -> bool:
        return self.digest is not None


def cache_status(name: str) -> CacheStatus:
    """Re-hash the cached file for `name` (used by `models list` and `models verify`)."""
    model = load_manifest().get(name)
    path = cached_path(name)
    if not path.is_file():
        return CacheStatus(name, path, False, None, None, None)
    sha = file_sha256(path)
    return CacheStatus(name, path, True, path.stat().st_size, sha, model.match(sha))
