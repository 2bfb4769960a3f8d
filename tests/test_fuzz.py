"""A bounded mutation fuzzer over video bytes: no traceback, no hang, only known outcomes.

Each mutant of a tiny clip (bytes flipped, runs zeroed, chunks cut or duplicated, the
file truncated) goes through the probe and the decoder in-process (no model: that is
what parses the bytes), then a few through the real CLI. 200 mutants by default;
POSECHECK_FUZZ=N runs N. The seed is fixed, so a failure names a reproducible mutant.
"""

from __future__ import annotations

import os
import random
import time

import pytest

import badinputs as bi
from posecheck.errors import InputError
from posecheck.media.videoio import VideoReader

N = int(os.environ.get("POSECHECK_FUZZ", "200"))
PER_FILE_S = 20.0      # a generous bound: decoding 12 tiny frames takes milliseconds


def mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(("flip", "zero", "cut", "dup", "truncate", "byte"))
        i = rng.randrange(len(b))
        n = rng.randint(1, 512)
        if op == "flip":
            for k in range(i, min(i + n, len(b))):
                b[k] ^= rng.randrange(1, 256)
        elif op == "zero":
            b[i:i + n] = bytes(len(b[i:i + n]))
        elif op == "cut":
            del b[i:i + n]
        elif op == "dup":
            b[i:i] = b[i:i + n]
        elif op == "truncate":
            del b[max(i, 8):]
        else:
            b[i] = rng.randrange(256)
        if not b:
            b = bytearray(b"\0")
    return bytes(b)


@pytest.fixture(scope="module")
def seed_clip(tmp_path_factory):
    return bi.clip(tmp_path_factory.mktemp("fuzz"), n=12).read_bytes()


def test_mutants_decode_or_fail_in_one_line(seed_clip, tmp_path):
    rng = random.Random(16)
    outcomes = {"decoded": 0, "refused": 0}
    for k in range(N):
        path = tmp_path / f"m{k}.mp4"
        path.write_bytes(mutate(seed_clip, rng))
        t0 = time.monotonic()
        try:
            reader = VideoReader(path)
            frames = sum(1 for _ in reader)
            assert frames <= 12 + 4, (k, frames)      # never more frames than went in (plus slack)
            notes = reader.notes()
            assert all("\n" not in n for n in notes)
            outcomes["decoded"] += 1
        except InputError as err:
            assert "\n" not in str(err) and str(path) in str(err), (k, err)
            outcomes["refused"] += 1
        assert time.monotonic() - t0 < PER_FILE_S, f"mutant {k} hung"
        path.unlink()
    print(outcomes)
    assert sum(outcomes.values()) == N
    assert outcomes["decoded"] and outcomes["refused"], outcomes    # the mutations reach both paths


def test_a_few_mutants_through_the_cli(seed_clip, tmp_path, model):
    rng = random.Random(18)
    for k in range(4):
        path = tmp_path / f"m{k}.mp4"
        path.write_bytes(mutate(seed_clip, rng))
        result = bi.cli(["analyze", path, "-s", "bridge", "-o", tmp_path / "out", "--no-plot"], cwd=tmp_path,
                        timeout=120)
        assert "Traceback" not in result.stderr, (k, result.stderr[-2000:])
        assert result.returncode in (0, 1), (k, result.returncode)
        names = bi.listing(tmp_path / "out")
        assert not [n for n in names if n.startswith(".")], names     # no partial files left
        if result.returncode == 1:
            assert not [n for n in names if n.startswith(f"m{k}.")], names
