"""Model provisioning: manifest, reproducible build, cache checks, resolution order, CLI."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import urllib.error
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from posecheck.cli import models as cli_models

from posecheck.pose import modelbuild

from posecheck.pose import modelstore
from posecheck.errors import InputError, UsageError

HEX64 = re.compile(r"^[0-9a-f]{64}$")
NAMES = ["lite", "full", "heavy"]
# A wheel already on disk saves a 35 MB download: $POSECHECK_BUILD_WHEEL, or the dev machine's copy.
KNOWN_WHEELS = [Path("/tmp/mpw/mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl")]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    env = os.environ.get(modelstore.ENV_WHEEL)
    for candidate in ([Path(env)] if env else []) + KNOWN_WHEELS:
        if candidate.is_file():
            return candidate
    recipe = modelstore.load_manifest().get("full").recipe
    try:
        return modelbuild.download_wheel(recipe.wheel, tmp_path_factory.mktemp("wheel"))
    except modelbuild.OfflineError:
        pytest.skip("PyPI unreachable and no mediapipe 0.10.21 wheel on disk")


@pytest.fixture(scope="session")
def built_full(wheel, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("built") / "pose_landmarker_full.task"
    modelbuild.build_task(modelstore.load_manifest().get("full").recipe, dest, wheel_path=wheel)
    return dest


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty user cache, and no model chosen through the environment."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(modelstore.ENV_MODEL, raising=False)
    return tmp_path / "xdg" / "posecheck" / "models"


def _offline(monkeypatch) -> None:
    """Official URL unreachable, as on this machine, without touching the network."""
    def refuse(url, dest):
        raise urllib.error.URLError("no route")
    monkeypatch.setattr(modelstore, "_download", refuse)


def _build_by_copy(monkeypatch, source: Path) -> list[int]:
    """Make 'building' copy a known file, counting calls (repairs without rebuilding)."""
    calls: list[int] = []

    def copy(recipe, dest, **kwargs):
        calls.append(1)
        shutil.copyfile(source, dest)
        return modelstore.file_sha256(dest)
    monkeypatch.setattr(modelstore, "build_task", copy)
    return calls


def _corrupt(path: Path, offset: int = 5_000_000) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


# --- manifest --------------------------------------------------------------------------------


def test_manifest_lists_three_models_with_full_default():
    manifest = modelstore.load_manifest()
    assert list(manifest.models) == NAMES
    assert manifest.default == "full"
    assert manifest.licence == "Apache-2.0"


@pytest.mark.parametrize("name", NAMES)
def test_manifest_entry_is_complete(name):
    model = modelstore.load_manifest().get(name)
    assert model.url == (f"https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
                         f"pose_landmarker_{name}/float16/latest/pose_landmarker_{name}.task")
    assert sorted(d.kind for d in model.accept) == ["built", "official"]
    for digest in model.accept:
        assert HEX64.match(digest.sha256), digest
    built = next(d for d in model.accept if d.kind == "built")
    assert built.size is not None and 5_000_000 < built.size < 32_000_000
    for member in (model.recipe.detector, model.recipe.landmarker):
        assert HEX64.match(member.sha256), member
    assert model.recipe.wheel == "mediapipe==0.10.21"
    assert (model.recipe.npm is None) == (name == "full")


def test_manifest_official_full_digest_is_googles():
    official = next(d for d in modelstore.load_manifest().get("full").accept if d.kind == "official")
    assert official.sha256 == "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad"


def test_models_folder_holds_no_binaries():
    folder = Path(__file__).resolve().parents[1] / "models"
    for path in folder.iterdir():
        if path.is_file():
            path.read_text("utf-8")  # raises on binary content
            assert path.suffix in {".toml", ".txt", ".py"}, path


# --- reproducible build ----------------------------------------------------------------------


def test_build_reproduces_manifest_digest(built_full, wheel, tmp_path):
    built = next(d for d in modelstore.load_manifest().get("full").accept if d.kind == "built")
    assert modelstore.file_sha256(built_full) == built.sha256
    assert built_full.stat().st_size == built.size
    again = tmp_path / "again.task"
    modelbuild.build_task(modelstore.load_manifest().get("full").recipe, again, wheel_path=wheel)
    assert again.read_bytes() == built_full.read_bytes()


def test_built_bundle_is_stored_aligned_and_dated_1980(built_full):
    raw = built_full.read_bytes()
    with zipfile.ZipFile(built_full) as bundle:
        infos = bundle.infolist()
    assert [i.filename for i in infos] == [modelbuild.DETECTOR_ARCNAME, modelbuild.LANDMARKER_ARCNAME]
    for info in infos:
        assert info.compress_type == zipfile.ZIP_STORED
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + name_len + extra_len) % 4 == 0


def test_built_bundle_loads_in_the_tasks_api(built_full):
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(built_full)))
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        assert landmarker is not None


def test_metadata_stub_does_not_linger():
    modelbuild._import_metadata_writer()
    assert "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version" not in sys.modules


def test_member_with_wrong_digest_is_refused(wheel):
    member = modelstore.load_manifest().get("full").recipe.detector
    wrong = modelbuild.Member(member.path, "0" * 64)
    with pytest.raises(InputError, match="expected 0000"):
        modelbuild.read_wheel_member(wheel, wrong)


def test_missing_npm_is_one_clear_line(monkeypatch, tmp_path):
    monkeypatch.setattr(modelbuild.shutil, "which", lambda name: None)
    with pytest.raises(InputError) as err:
        modelbuild.download_npm("@mediapipe/pose@0.5.1675469404", tmp_path)
    assert "needs `npm`" in str(err.value) and "--model PATH" in str(err.value)
    assert "\n" not in str(err.value)


# --- cache, fetch, resolution ----------------------------------------------------------------


def test_corrupted_cache_is_detected_and_refetched(cache, built_full, monkeypatch):
    _offline(monkeypatch)
    calls = _build_by_copy(monkeypatch, built_full)
    cache.mkdir(parents=True)
    target = cache / "pose_landmarker_full.task"
    shutil.copyfile(built_full, target)
    assert modelstore.cache_status("full").ok
    _corrupt(target)
    status = modelstore.cache_status("full")
    assert status.cached and not status.ok
    with pytest.raises(InputError, match="corrupted"):
        modelstore.resolve_model("full", fetch=False)
    resolved = modelstore.resolve_model("full", progress=None)
    assert calls == [1]
    assert resolved.path == target and resolved.source == "fetched"
    assert modelstore.cache_status("full").ok


def test_valid_cache_is_used_without_fetching(cache, built_full, monkeypatch):
    calls = _build_by_copy(monkeypatch, built_full)
    cache.mkdir(parents=True)
    shutil.copyfile(built_full, cache / "pose_landmarker_full.task")
    resolved = modelstore.resolve_model(None, progress=None)
    assert (resolved.name, resolved.source, calls) == ("full", "cache", [])
    assert resolved.sha256 == modelstore.file_sha256(built_full)


def test_fetch_says_what_it_does(cache, built_full, monkeypatch):
    _offline(monkeypatch)
    _build_by_copy(monkeypatch, built_full)
    lines: list[str] = []
    modelstore.fetch_model("full", progress=lines.append)
    assert lines[-1].startswith("fetching full model:")
    assert "building from Google's mediapipe 0.10.21 wheel" in lines[-1]


def test_build_with_wrong_digest_is_an_error_and_leaves_nothing(cache, tmp_path, monkeypatch):
    _offline(monkeypatch)
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"not a model")
    _build_by_copy(monkeypatch, junk)
    with pytest.raises(InputError, match="expected one of"):
        modelstore.fetch_model("full", progress=None)
    assert list(cache.iterdir()) == []  # no partial or wrong file left behind


def test_no_network_is_one_line_naming_both_fixes(cache, monkeypatch):
    _offline(monkeypatch)

    def offline_build(recipe, dest, **kwargs):
        raise modelbuild.OfflineError("pip download failed: no route")
    monkeypatch.setattr(modelstore, "build_task", offline_build)
    with pytest.raises(InputError) as err:
        modelstore.resolve_model("full", progress=None)
    message = str(err.value)
    assert "\n" not in message
    assert "--model PATH" in message and "posecheck models fetch full" in message


def test_env_model_path_is_used_and_spec_overrides_it(cache, built_full, monkeypatch):
    monkeypatch.setenv(modelstore.ENV_MODEL, str(built_full))
    from_env = modelstore.resolve_model(None, fetch=False)
    assert (from_env.name, from_env.path, from_env.source) == ("full", built_full, "env")
    with pytest.raises(InputError, match="not cached"):
        modelstore.resolve_model("lite", fetch=False)


@pytest.mark.parametrize("make, pattern", [
    (lambda d: d / "missing.task", "not found"),
    (lambda d: _write(d / "model.tflite", b"x"), "not a .task"),
    (lambda d: _write(d / "pose_landmarker_full.task", b"x"), "not a known digest of the full model"),
])
def test_bad_model_paths_are_one_line_errors(cache, tmp_path, make, pattern):
    with pytest.raises(InputError, match=pattern) as err:
        modelstore.resolve_model(str(make(tmp_path)), fetch=False)
    assert "\n" not in str(err.value)


def test_custom_model_path_is_allowed(cache, built_full, tmp_path):
    custom = tmp_path / "my_pose.task"
    shutil.copyfile(built_full, custom)
    resolved = modelstore.resolve_model(str(custom), fetch=False)
    assert (resolved.name, resolved.path, resolved.source) == ("my_pose", custom, "path")


def test_unknown_name_is_usage_error(cache):
    with pytest.raises(UsageError, match="unknown model 'medium'"):
        modelstore.load_manifest().get("medium")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- CLI -------------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_path_and_verify_fail_when_not_cached(cache):
    for command in ("path", "verify"):
        result = runner.invoke(cli_models.app, [command, "full"])
        assert result.exit_code == 1
        assert isinstance(result.exception, InputError)
        assert "posecheck models fetch full" in str(result.exception)


def test_cli_fetch_verify_path_and_repair(cache, built_full, monkeypatch):
    _offline(monkeypatch)
    calls = _build_by_copy(monkeypatch, built_full)
    digest = modelstore.file_sha256(built_full)
    fetched = runner.invoke(cli_models.app, ["fetch"])
    assert fetched.exit_code == 0, fetched.output
    assert digest in fetched.stdout and "pose_landmarker_full.task" in fetched.stdout
    verified = runner.invoke(cli_models.app, ["verify", "full"])
    assert verified.exit_code == 0 and digest in verified.stdout
    shown = runner.invoke(cli_models.app, ["path", "full"])
    assert shown.exit_code == 0 and shown.stdout.strip() == str(cache / "pose_landmarker_full.task")
    _corrupt(cache / "pose_landmarker_full.task")
    broken = runner.invoke(cli_models.app, ["verify", "full"])
    assert broken.exit_code == 1 and "CORRUPTED" in str(broken.exception)
    listed = runner.invoke(cli_models.app, ["list"])
    assert listed.exit_code == 0 and "CORRUPTED" in listed.stdout
    repaired = runner.invoke(cli_models.app, ["fetch", "full"])
    assert repaired.exit_code == 0 and digest in repaired.stdout
    assert calls == [1, 1]
    assert runner.invoke(cli_models.app, ["verify"]).exit_code == 0


def test_cli_unknown_name_exits_2(cache):
    result = runner.invoke(cli_models.app, ["verify", "medium"])
    assert isinstance(result.exception, UsageError) and result.exception.exit_code == 2


def _posecheck() -> Path:
    exe = Path(sys.executable).parent / "posecheck"
    if not exe.exists():
        pytest.skip("posecheck console script not installed")
    probe = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    if probe.returncode != 0:
        pytest.skip("`posecheck --help` fails (other command modules not ready)")
    return exe


def test_cli_subprocess_one_line_errors(tmp_path):
    exe = _posecheck()
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    env.pop(modelstore.ENV_MODEL, None)
    for args, code in ((["models", "path", "full"], 1), (["models", "verify", "heavy"], 1),
                       (["models", "path", "medium"], 2)):
        done = subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=60)
        assert done.returncode == code, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_pyproject_packages_cover_every_subfolder():
    """pyproject lists packages explicitly (models/ maps to posecheck.modeldata), so a new
    sub-folder of posecheck/ must be listed or `pip install .` silently leaves it out."""
    from posecheck.pose.modelstore import tomllib  # tomli on Python 3.10

    root = Path(__file__).resolve().parents[1]
    setup = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    folders = {".".join(p.relative_to(root).parts) for p in (root / "posecheck").rglob("*")
               if p.is_dir() and p.name != "__pycache__"}
    missing = folders - set(setup["packages"])
    assert not missing, f"add to [tool.setuptools] packages: {sorted(missing)}"
    assert setup["package-dir"]["posecheck.modeldata"] == "models"
