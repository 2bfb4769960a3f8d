"""The analyze results table on a narrow terminal: names fold instead of being cut, and notes
are printed whole below the table (pure display logic, so no model here)."""

from posecheck.cli.analyze import _table

NOTE = "recognised hip-flexor-lunge (unsure: 0.52; next knee-to-chest 0.40) - pass --stretch to be sure"


def _summary(notes):
    return {"stretch": "hip-flexor-lunge", "frames_with_pose": 139, "frames": 140, "reps": None,
            "cues": [{}, {}, {}], "notes": notes,
            "holds": [{"side": "left", "duration_s": 20.1, "completed": True},
                      {"side": "right", "duration_s": 19.0, "completed": False}]}


def _first_cells(text):
    return [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]


def test_narrow_terminal_folds_names_and_prints_notes_whole(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    name = "knee-to-chest-other-leg-lifted-left.mp4"
    _table([{"video": f"/clips/{name}", "summary": _summary([NOTE])},
            {"video": "/clips/bad.mp4", "error": "cannot read the video: not a video file"}])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "".join(_first_cells(out)).startswith(name + "bad.mp4")
    assert "…" not in out
    flat = " ".join(out.split())
    assert f"{name}: {NOTE}" in flat
    assert "bad.mp4: cannot read the video: not a video file" in flat
    assert "20.1s✓" in out and "19.0s" in out and "19.0s✓" not in out


def test_narrow_terminal_keeps_the_result_column(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    summary = dict(_summary([]), holds=[{"side": "left", "duration_s": 8.6, "completed": False}])
    _table([{"video": "/clips/hip-flexor-lunge-shallow-left.mp4", "summary": summary}])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    header = next(line for line in out.splitlines() if "video" in line)
    assert header.split("┃")[-2].strip() == "result"
    assert [line.split("│")[-2].strip() for line in out.splitlines() if line.startswith("│")][0] == "ok"
