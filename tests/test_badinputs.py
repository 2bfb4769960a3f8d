"""A corpus of bad and awkward inputs, made at test time, run through the real CLI.

Each case asserts the exit code, posecheck's one line on stderr (no traceback, the path
said once) and the exact listing of the output folder (hidden files included: a failed
run leaves no debris and no half-written file under an output's name).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import badinputs as bi

OUT4 = ["clip.angles.png", "clip.annotated.mp4", "clip.frames.csv", "clip.summary.json"]


@dataclass
class Case:
    id: str
    make: Callable[[Path], list]            # tmp -> CLI args
    code: int
    line: str                               # regex for the one line ('' = no line of ours)
    files: list[str] = field(default_factory=list)   # exact listing of tmp/out afterwards
    model: bool = False                     # runs the pose model (slower)


def _an(video_fn, *extra, stretch="bridge"):
    return lambda t: ["analyze", video_fn(t), "-s", stretch, "-o", t / "out", *extra]


def _bytes(name, data):
    def make(t):
        (t / name).write_bytes(data)
        return t / name
    return make


def _clip(name="clip.mp4", n=12, fps=10.0):
    return lambda t: bi.clip(t, name, n, fps)


def _frames_video(name, frames_fn, fps=10.0):
    return lambda t: bi.write_clip(t / name, frames_fn(), fps)


def _photo(ext):
    def make(t):
        import cv2
        path = t / f"clip{ext}"
        cv2.imwrite(str(path), bi.sample_frames(1)[0])
        return path
    return make


def _head(keep):
    """The first bytes of a clip: a fraction of it (mp4v's index is at the end) or a count."""
    def make(t):
        src = bi.clip(t, "src.mp4", 12)
        data = src.read_bytes()
        (t / "clip.mp4").write_bytes(data[:int(len(data) * keep) if keep < 1 else keep])
        src.unlink()
        return t / "clip.mp4"
    return make


def _avi_cut(t):
    src = bi.write_clip(t / "src.avi", bi.sample_frames(30), 10.0, "MJPG")
    (t / "clip.avi").write_bytes(src.read_bytes()[: int(src.stat().st_size * 0.6)])
    src.unlink()
    return t / "clip.avi"


def _corrupt(t):
    src = bi.clip(t, "src.mp4", 40)
    bi.corrupt_middle(src, t / "clip.mp4", at=0.5, span=800)
    src.unlink()
    return t / "clip.mp4"


def _black(t):
    import numpy as np
    return bi.write_clip(t / "clip.mp4", [np.zeros((360, 480, 3), np.uint8)] * 8)


def _cat(*files):
    """A --catalog folder holding the given stretch files; the clip stays good."""
    def make(t):
        for f in files:
            f(t / "cat")
        return ["analyze", bi.clip(t), "-s", "bridge", "-o", t / "out", "--catalog", t / "cat"]
    return make


def _st(name, sid="mine", edit=None, prefix=b"", encoding="utf-8"):
    return lambda d: bi.stretch_file(d, name, sid, edit, prefix, encoding)


def _raw(name, data: bytes):
    def make(d):
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)
    return make


GOOD_STEP = '[[step]]\nstretch = "bridge"\n'


def _rt(*bodies, routine="mine"):
    """live --routine over a --routines folder of (name, text or bytes) files."""
    def make(t):
        d = t / "rt"
        d.mkdir()
        for name, body in bodies:
            (d / name).write_bytes(body if isinstance(body, bytes) else body.encode())
        return ["live", "--routine", routine, "--routines", d, "--source", bi.clip(t), "--no-window",
                "--summary", t / "out" / "s.json"]
    return make


def _live(*extra, source=None):
    def make(t):
        src = source(t) if source else bi.clip(t)
        return ["live", "-s", "bridge", "--source", src, "--no-window", *[a(t) if callable(a) else a for a in extra]]
    return make


def _a_file(name="afile"):
    def make(t):
        (t / name).write_text("not a folder")
        return t / name
    return make


def _sub_of_file(*parts):
    def make(t):
        (t / "afile").write_text("x")
        return (t / "afile").joinpath(*parts)
    return make


ERR = 1
CASES = [
    # -- videos that are not what they seem ---------------------------------------
    Case("missing-video", _an(lambda t: t / "nope.mp4"), ERR, r"no such video: \S*nope\.mp4$"),
    Case("video-is-folder", _an(lambda t: (t / "d.mp4").mkdir() or t / "d.mp4"), ERR, r"is a folder, not a video"),
    Case("empty-file", _an(_bytes("clip.mp4", b"")), ERR, r"is empty \(0 bytes\)"),
    Case("text-as-mp4", _an(_bytes("clip.mp4", b"hello, I am not a video\n" * 50)), ERR, r"not a readable video"),
    Case("random-bytes", _an(_bytes("clip.mp4", bytes(range(256)) * 64)), ERR, r"not a readable video"),
    Case("zeros", _an(_bytes("clip.mp4", b"\0" * 50000)), ERR, r"not a readable video"),
    Case("no-moov-head-only", _an(_head(0.6)), ERR, r"not a readable video"),
    Case("first-100-bytes", _an(_head(100)), ERR, r"not a readable video"),
    Case("mp4-name-jpeg-bytes", _an(_bytes("clip.mp4", b"\xff\xd8\xff\xe0" + b"\0" * 4000)), ERR, r"not a readable"),
    Case("16x16-video", _an(_frames_video("clip.mp4", lambda: [bi.sample_frames(1)[0][:16, :16]] * 10)),
         ERR, r"is 16x16 pixels: too small"),
    Case("1000-fps", _an(_clip(n=20, fps=1000)), ERR, r"says 1000 fps.*expected 1-240 fps"),
    Case("300-fps", _an(_clip(n=20, fps=300)), ERR, r"says 300 fps"),
    Case("dev-null", _an(lambda t: Path("/dev/null")), ERR, r"/dev/null is empty"),
    Case("dangling-symlink", _an(lambda t: (t / "l.mp4").symlink_to(t / "gone.mp4") or t / "l.mp4"),
         ERR, r"no such video"),
    Case("photo-jpg", _an(_photo(".jpg")), 0, r"warning: \S+: a single frame .*no hold or rep", OUT4, True),
    Case("photo-png", _an(_photo(".png")), 0, r"warning: \S+: a single frame", OUT4, True),
    Case("one-frame-mp4", _an(_clip(n=1)), 0, r"warning: \S+: a single frame", OUT4, True),
    Case("mid-file-corruption", _an(_corrupt), 0, r"warning: \S+: \d+ damaged frame\(s\) .*skipped", OUT4, True),
    Case("truncated-avi", _an(_avi_cut, "--no-video", "--no-plot"), 0,
         r"warning: \S+: decoding stopped at .*truncated", ["clip.frames.csv", "clip.summary.json"], True),
    Case("nobody-in-frame", _an(_black, "--no-plot"), 0, r"warning: \S+: no person was found",
         ["clip.annotated.mp4", "clip.frames.csv", "clip.summary.json"], True),
    # -- where outputs go ----------------------------------------------------------
    Case("out-is-a-file", lambda t: ["analyze", bi.clip(t), "-s", "bridge", "-o", _a_file("out")(t)], ERR,
         r"--out \S+ is a file, not a folder", None),
    Case("out-under-a-file", lambda t: ["analyze", bi.clip(t), "-s", "bridge", "-o", _sub_of_file("o")(t)], ERR,
         r"--out: cannot write \S+: a part of the path is a file"),
    Case("out-in-proc", lambda t: ["analyze", bi.clip(t), "-s", "bridge", "-o", "/proc/posecheck-out"], ERR,
         r"--out: cannot write /proc/posecheck-out: "),
    Case("summary-is-folder", _live("--summary", lambda t: (t / "out").mkdir() or t / "out"), ERR,
         r"--summary \S+ is a folder: give a file name", None),
    Case("summary-under-file", _live("--summary", _sub_of_file("s.json")), ERR, r"--summary \S+: \S+ is a file"),
    Case("record-under-file", _live("--record", _sub_of_file("r.mp4")), ERR, r"--record \S+: \S+ is a file"),
    Case("record-in-proc", _live("--record", "/proc/r.mp4"), ERR, r"--record: cannot write /proc: "),
    Case("summary-in-proc-sub", _live("--summary", "/proc/x/y/s.json"), ERR, r"--summary: cannot write /proc/x/y: "),
    Case("live-missing-source", _live("--summary", lambda t: t / "out" / "s.json",
                                      source=lambda t: t / "nope.mp4"), ERR, r"no such video or camera"),
    Case("live-broken-source", _live("--summary", lambda t: t / "out" / "s.json",
                                     source=_bytes("b.mp4", b"garbage" * 100)), ERR, r"not a readable video"),
    # -- stretch files ---------------------------------------------------------------
    Case("cat-latin1", _cat(_raw("l.toml", 'id = "l"\nname = "caf\u00e9"\n'.encode("latin-1"))), 2,
         r"l\.toml: not UTF-8 text \(byte 0xe9"),
    Case("cat-binary", _cat(_raw("b.toml", bytes(range(256)))), 2, r"b\.toml: not UTF-8 text"),
    Case("cat-nul", _cat(_raw("n.toml", b'id = "n"\n\0\0\0')), 2, r"n\.toml: a binary file"),
    Case("cat-huge", _cat(_raw("h.toml", b"# " + b"x" * (2 << 20))), 2, r"h\.toml: over 1 MB"),
    Case("cat-empty", _cat(_raw("e.toml", b"")), 2, r"e\.toml: id: missing"),
    Case("cat-bad-syntax", _cat(_raw("s.toml", b'id = "s"\nname = \n')), 2, r"s\.toml: not valid TOML"),
    Case("cat-hold-1e308", _cat(_st("m.toml", edit=bi.set_key("hold_s", "1e308"))), 2,
         r"m\.toml: dose\.hold_s: 1e\+308 s is outside 0-600 s"),
    Case("cat-hold-zero", _cat(_st("m.toml", edit=bi.set_key("hold_s", "0"))), 2,
         r"dose\.hold_s: 0 s is too short for a hold"),
    Case("cat-hold-inf", _cat(_st("m.toml", edit=bi.set_key("hold_s", "inf"))), 2, r"dose\.hold_s: must be"),
    Case("cat-hold-nan", _cat(_st("m.toml", edit=bi.set_key("hold_s", "nan"))), 2, r"dose\.hold_s: must be"),
    Case("cat-hold-text", _cat(_st("m.toml", edit=bi.set_key("hold_s", '"thirty"'))), 2, r"dose\.hold_s: must be"),
    Case("cat-reps-1e20", _cat(_st("m.toml", edit=bi.set_key("reps", "100000000000000000000"))), 2,
         r"dose\.reps: 1e\+20 reps is outside 0-100 reps"),
    Case("cat-sets-negative", _cat(_st("m.toml", edit=bi.set_key("sets", "-1"))), 2, r"dose\.sets: must be"),
    Case("cat-rest-week", _cat(_st("m.toml", edit=bi.set_key("rest_s", "604800"))), 2,
         r"dose\.rest_s: 604800 s is outside 0-600 s"),
    Case("cat-timing-lost", _cat(_st("m.toml", edit=lambda s: s + "\n[timing]\nlost_s = 1e9\n")), 2,
         r"timing\.lost_s: 1e\+09 s is outside 0-60 s"),
    Case("cat-visibility-5", _cat(_st("m.toml", edit=lambda s: s + "\n[timing]\nmin_visibility = 5\n")), 2,
         r"timing\.min_visibility: 5 \(0-1\) is outside"),
    Case("cat-duplicate-id", _cat(_st("a.toml", "dup"), _st("b.toml", "dup")), 2,
         r"b\.toml: id: 'dup' is also defined in a\.toml"),
    Case("cat-missing-dir", lambda t: ["analyze", bi.clip(t), "-s", "bridge", "-o", t / "out", "--catalog",
                                       t / "nope"], 2, r"catalogue folder \S+ does not exist"),
    Case("cat-is-file", lambda t: ["analyze", bi.clip(t), "-s", "bridge", "-o", t / "out", "--catalog",
                                   _a_file()(t)], 2, r"is not a folder"),
    Case("cat-bom-ok", _cat(_st("m.toml", prefix=b"\xef\xbb\xbf")), 0, "", OUT4, True),
    # -- routine files ------------------------------------------------------------------
    Case("rt-latin1", _rt(("r.toml", 'id = "mine"\nname = "Fr\u00fchling"\n'.encode("latin-1") + GOOD_STEP.encode())),
         2, r"r\.toml: not UTF-8 text"),
    Case("rt-binary", _rt(("r.toml", b"\x89PNG\r\n\x1a\n" + bytes(200))), 2, r"r\.toml: not UTF-8 text"),
    Case("rt-duplicate-id", _rt(("a.toml", f'id = "mine"\n{GOOD_STEP}'), ("b.toml", f'id = "mine"\n{GOOD_STEP}')),
         2, r"b\.toml: id: 'mine' is also defined in a\.toml"),
    Case("rt-reps-1e20", _rt(("r.toml", f'id = "mine"\n{GOOD_STEP}reps = 100000000000000000000\n')), 2,
         r"step\[0\]\.reps: 1e\+20 reps is more than the 100 reps allowed"),
    Case("rt-hold-huge", _rt(("r.toml", f'id = "mine"\n{GOOD_STEP}hold_s = 1e308\n')), 2,
         r"step\[0\]\.hold_s: 1e\+308 s is more than the 600 s allowed"),
    Case("rt-transition-huge", _rt(("r.toml", f'id = "mine"\ntransition_s = 86400\n{GOOD_STEP}')), 2,
         r"transition_s: 86400 s is more than the 120 s allowed"),
    Case("rt-sets-zero", _rt(("r.toml", f'id = "mine"\n{GOOD_STEP}sets = 0\n')), 2, r"sets: must be a whole number"),
    Case("rt-unknown-stretch", _rt(("r.toml", 'id = "mine"\n[[step]]\nstretch = "nope"\n')), 2,
         r"step stretch 'nope' is not in the catalogue"),
    Case("rt-no-steps", _rt(("r.toml", 'id = "mine"\n')), 2, r"step: missing"),
    Case("rt-bad-syntax", _rt(("r.toml", 'id = "mine\n')), 2, r"not valid TOML"),
    Case("rt-unknown", _rt(("r.toml", f'id = "other"\n{GOOD_STEP}')), 2, r"unknown routine 'mine'"),
    # -- command-line misuse -------------------------------------------------------------
    Case("analyze-unknown-stretch", _an(_clip(), stretch="nope"), 2, r"unknown stretch 'nope'"),
    Case("analyze-jobs-zero", _an(_clip(), "--jobs", "0"), 2, r"Invalid value for '--jobs'"),
    Case("analyze-people-9", _an(_clip(), "--people", "9"), 2, r"Invalid value for '--people'"),
    Case("analyze-bad-profile", _an(_clip(), "--profile", "nope"), 2, r"unknown profile 'nope'"),
    Case("analyze-unknown-option", _an(_clip(), "--frobnicate"), 2, r"No such option"),
    Case("live-both", lambda t: ["live", "-s", "bridge", "-r", "low-back", "--no-window", "--source", bi.clip(t)],
         2, r"either --stretch or --routine"),
    Case("live-routine-unknown", lambda t: ["live", "-r", "nope", "--no-window", "--source", bi.clip(t)],
         2, r"unknown routine 'nope'"),
    Case("live-negative-seconds", _live("--max-seconds", "-1"), 2, r"Invalid value for '--max-seconds'"),
]


def _lines_ok(case: Case, lines: list[str]) -> None:
    if not case.line:
        assert not [ln for ln in lines if ln.startswith(("error", "warning"))], lines
        return
    ours = [ln for ln in lines if re.search(case.line, ln)]
    assert len(ours) == 1, lines
    if case.code:   # a failure is that one line (click's usage errors add a usage block before it)
        assert lines[-1] == ours[0], lines
        if not case.line.startswith("Invalid") and "No such option" not in case.line:
            assert len(lines) == 1, lines


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, tmp_path, request):
    if case.model:
        request.getfixturevalue("model")
    args = case.make(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    result = bi.cli(args, cwd=tmp_path)
    lines = bi.own_lines(result.stderr)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == case.code, result.stderr[-2000:]
    _lines_ok(case, lines)
    for line in lines:   # the path is said once, not "error: x.mp4: x.mp4 ..."
        m = re.match(r"(?:error|warning): (\S+): ", line)
        if m:
            assert line.count(m.group(1)) == 1, line
    out = tmp_path / "out"
    if case.files is None:      # out is the user's file/folder given: left exactly as it was
        assert not out.is_dir() or bi.listing(out) == []
        if out.is_file():
            assert out.read_bytes() == before["out"]
    else:
        assert bi.listing(out) == sorted(case.files)
    if case.code == 0 and "clip.summary.json" in case.files:
        summary = json.loads((out / "clip.summary.json").read_text())
        assert summary["end_reason"] == "end of video"
        if case.line.startswith("warning"):
            assert any(re.search(case.line.split(": ", 2)[-1], n) for n in summary["notes"])


def test_corpus_is_big_enough():
    assert len(CASES) >= 60


def test_two_inputs_with_one_name_keep_both(tmp_path, model):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    bi.clip(a, n=6), bi.clip(b, n=8)
    result = bi.cli(["analyze", a / "clip.mp4", b / "clip.mp4", "-s", "bridge", "-o", tmp_path / "out",
                     "--no-plot", "--no-video"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert bi.listing(tmp_path / "out") == ["clip-a.frames.csv", "clip-a.summary.json",
                                            "clip-b.frames.csv", "clip-b.summary.json"]
    frames = {s: json.loads((tmp_path / "out" / f"clip-{s}.summary.json").read_text())["frames"] for s in "ab"}
    assert frames == {"a": 6, "b": 8}


def test_variable_frame_rate_keeps_the_source_timing(tmp_path, model):
    """20 frames 0.1 s apart then 10 frames 0.3 s apart: the annotated video runs on a 10 fps
    grid, so the frame it shows at t is the source frame of time t (within one slot)."""
    import cv2

    pytest.importorskip("av")
    video, times = bi.vfr_clip(tmp_path / "clip.mp4")
    result = bi.cli(["analyze", video, "-s", "bridge", "-o", tmp_path / "out", "--no-plot"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    rows = list((tmp_path / "out" / "clip.frames.csv").read_text().splitlines())[1:]
    assert [float(r.split(",")[1]) for r in rows] == pytest.approx(times, abs=1e-3)
    out = cv2.VideoCapture(str(tmp_path / "out" / "clip.annotated.mp4"))
    assert out.get(cv2.CAP_PROP_FPS) == pytest.approx(10.0)
    shown = []
    while True:
        ok, img = out.read()
        if not ok:
            break
        shown.append(bi.marked_index(img))
    assert len(shown) == round(times[-1] * 10) + 1            # 0 .. 4.9 s on the grid, 50 slots
    for slot, index in enumerate(shown):                       # each slot shows the frame of its time
        assert index == max(i for i, t in enumerate(times) if t <= slot / 10 + 1e-6), (slot, shown)
