"""The stretch catalogue: every shipped file loads; malformed files give one line naming file+key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from posecheck.coach.catalog import DATA_DIR, get_stretch, load_catalog
from posecheck.errors import UsageError

IDS = ["knee-to-chest", "double-knee-to-chest", "supine-hamstring", "hip-flexor-lunge",
       "spinal-twist", "cat-cow", "piriformis", "childs-pose", "bridge", "plank",
       "standing-hamstring", "butterfly", "side-bend", "partner-hamstring", "partner-knees-to-chest"]

MINIMAL = '''
id = "my-stretch"
name = "Mine"
position = "lying"
view = "side"
sides = ["left", "right"]
kind = "hold"
setup = "lie down"
camera = "side on"
source = "me"
[dose]
hold_s = 20
[[judge]]
metric = "hip_{side}"
enter = [20, 80]
leave = [15, 90]
'''


@pytest.fixture(autouse=True)
def no_user_dir(monkeypatch, tmp_path):
    """Never read the real user's config dir in tests."""
    monkeypatch.setattr("posecheck.coach.catalog.loader.user_stretch_dir", lambda: tmp_path / "no-user")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_all_fifteen_ship():
    cat = load_catalog()
    assert sorted(cat) == sorted(IDS)
    assert len(list(DATA_DIR.glob("*.toml"))) == 15


@pytest.mark.parametrize("sid", IDS)
def test_each_file_is_sound(sid):
    s = get_stretch(sid)
    assert s.id == sid and Path(s.path).name == f"{sid}.toml"
    assert s.view in ("side", "front", "any")
    for judge in s.judges:
        assert judge.leave.covers(judge.enter)
        assert judge.safe is None or judge.safe.covers(judge.enter)
    if s.kind == "hold":
        assert 10 <= s.dose.hold_s <= 60  # the sources' doses: 20-60 s, core holds 10-20 s
    else:
        assert s.reps_rule is not None and s.reps_rule.excursion > 0
    if s.sided:
        assert s.side_rule is not None or len(s.judges) > 0
    assert s.cue("ease-off").safety


def test_all_metric_names_exist():
    from posecheck.measure.metrics import METRICS
    from posecheck.coach.catalog import resolve

    for s in load_catalog().values():
        for tpl in s.metric_templates():
            for side in s.sides or (None,):
                assert resolve(tpl, side) in METRICS, (s.id, tpl)


BAD_CASES = [
    # (description, edit of MINIMAL, key expected in the message)
    ("unknown top key", MINIMAL + 'colour = "red"\n', "colour"),
    ("unknown dose key", MINIMAL.replace("hold_s = 20", "hold = 20"), "dose.hold"),
    ("missing name", MINIMAL.replace('name = "Mine"\n', ""), "name"),
    ("missing enter", MINIMAL.replace("enter = [20, 80]\n", ""), "enter"),
    ("leave narrower than enter", MINIMAL.replace("leave = [15, 90]", "leave = [30, 90]"), "leave"),
    ("band reversed", MINIMAL.replace("enter = [20, 80]", "enter = [80, 20]"), "enter"),
    ("band not a pair", MINIMAL.replace("enter = [20, 80]", "enter = 20"), "enter"),
    ("bad view", MINIMAL.replace('view = "side"', 'view = "top"'), "view"),
    ("bad kind", MINIMAL.replace('kind = "hold"', 'kind = "flow"'), "kind"),
    ("undefined cue", MINIMAL.replace("leave = [15, 90]", 'leave = [15, 90]\ncue_low = "nope"'), "cue_low"),
    ("unknown metric", MINIMAL.replace('metric = "hip_{side}"', 'metric = "elbow_bend"'), "elbow_bend"),
    ("placeholder unsided", MINIMAL.replace('sides = ["left", "right"]', "sides = []"), "hip_{side}"),
    ("reps without [reps]", MINIMAL.replace('kind = "hold"', 'kind = "reps"'), "reps"),
    ("not TOML", MINIMAL + "[[judge\n", "TOML"),
    ("style without rep_style", MINIMAL + 'style = "reps"\n', "style"),
    ("bad style", MINIMAL + 'style = "flow"\n', "style"),
    ("bad rep_style key", MINIMAL + "[rep_style]\nreps = 10\nhold = 2\n", "rep_style.hold"),
    ("hint form not a bool", MINIMAL + '[[hint]]\nmetric = "knees_apart"\nband = [0, 1]\nform = "yes"\n', "form"),
]


def test_a_hint_may_be_weighed_as_a_form_check(tmp_path):
    write(tmp_path, "mine.toml", MINIMAL + '[[hint]]\nmetric = "knee_min"\nband = [0, 75]\nform = true\n'
                                           '[[hint]]\nmetric = "knees_apart"\nband = [0.1, 3]\n')
    hints = load_catalog(extra_dirs=[tmp_path])["my-stretch"].hints
    assert [(h.metric, h.form) for h in hints] == [("knee_min", True), ("knees_apart", False)]


def test_rep_style_from_a_users_file(tmp_path):
    """An override file of the bridge's id choosing its rep style: 10 x 2 s, no rest."""
    write(tmp_path, "bridge.toml", 'id = "bridge"\nstyle = "reps"\n[rep_style]\nreps = 6\n')
    s = load_catalog(extra_dirs=[tmp_path])["bridge"]
    assert s.rep_style and (s.dose.reps, s.dose.hold_s, s.dose.rest_s) == (6, 2.0, 0.0)
    assert dict(s.styles)["hold"].hold_s == 10.0
    assert not load_catalog()["bridge"].rep_style


def test_routine_step_style(tmp_path):
    from posecheck.coach.routines.loader import get_routine

    (tmp_path / "r.toml").write_text('id = "r"\n[[step]]\nstretch = "bridge"\nstyle = "reps"\nreps = 3\n')
    routine = get_routine("r", extra_dirs=[tmp_path], catalog=load_catalog(), user_dir=False)
    s = routine.steps[0].apply(load_catalog()["bridge"])
    assert s.rep_style and s.dose.reps == 3 and s.dose.hold_s == 2.0
    (tmp_path / "r.toml").write_text('id = "r"\n[[step]]\nstretch = "plank"\nstyle = "reps"\n')
    with pytest.raises(UsageError, match="r.toml: step style"):
        get_routine("r", extra_dirs=[tmp_path], catalog=load_catalog(), user_dir=False)


@pytest.mark.parametrize("what,text,key", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_malformed_file_one_line(tmp_path, what, text, key):
    write(tmp_path, "mine.toml", text)
    with pytest.raises(UsageError) as err:
        load_catalog(extra_dirs=[tmp_path])
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith("mine.toml:"), msg
    assert key in msg, msg
    assert err.value.exit_code == 2


def test_user_stretch_added(tmp_path):
    write(tmp_path, "mine.toml", MINIMAL)
    cat = load_catalog(extra_dirs=[tmp_path])
    assert len(cat) == 16
    assert cat["my-stretch"].dose.hold_s == pytest.approx(20.0, abs=1e-9)
    assert cat["my-stretch"].dose.reps == 1  # default


def test_override_keeps_unchanged_keys(tmp_path):
    write(tmp_path, "ktc.toml", 'id = "knee-to-chest"\n[dose]\nhold_s = 45\n')
    base = get_stretch("knee-to-chest")
    s = load_catalog(extra_dirs=[tmp_path])["knee-to-chest"]
    assert s.dose.hold_s == pytest.approx(45.0, abs=1e-9)
    assert s.dose.rest_s == pytest.approx(base.dose.rest_s, abs=1e-9)
    assert s.judges == base.judges


def test_extends_makes_a_variant(tmp_path):
    write(tmp_path, "long.toml", 'id = "long-childs-pose"\nextends = "childs-pose"\n[dose]\nhold_s = 60\n')
    cat = load_catalog(extra_dirs=[tmp_path])
    assert cat["long-childs-pose"].dose.hold_s == pytest.approx(60.0, abs=1e-9)
    assert cat["childs-pose"].dose.hold_s == pytest.approx(45.0, abs=1e-9)


def test_user_config_dir_then_catalog_dir(tmp_path, monkeypatch):
    user = tmp_path / "user"
    write(user, "a.toml", 'id = "plank"\n[dose]\nhold_s = 40\n')
    monkeypatch.setattr("posecheck.coach.catalog.loader.user_stretch_dir", lambda: user)
    assert load_catalog()["plank"].dose.hold_s == pytest.approx(40.0, abs=1e-9)
    extra = write(tmp_path / "extra", "b.toml", 'id = "plank"\n[dose]\nhold_s = 50\n').parent
    assert load_catalog(extra_dirs=[extra])["plank"].dose.hold_s == pytest.approx(50.0, abs=1e-9)


def test_missing_catalog_dir(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_catalog(extra_dirs=[tmp_path / "nope"])


def test_unknown_stretch():
    with pytest.raises(UsageError) as err:
        get_stretch("yoga-flip")
    assert str(err.value) == "unknown stretch 'yoga-flip'; see `posecheck list`"
    assert err.value.exit_code == 2


@pytest.mark.parametrize("sid,metric,lo,hi", [
    ("knee-to-chest", "hip_{side}", 45, 80),
    ("bridge", "hip_lift", 0.15, 0.45),
    ("plank", "hip_sag", -12, 8),
])
def test_stenosis_profile_narrows(sid, metric, lo, hi):
    plain = next(j for j in get_stretch(sid).judges if j.metric == metric)
    narrow = next(j for j in get_stretch(sid, profile="stenosis").judges if j.metric == metric)
    assert (narrow.enter.lo, narrow.enter.hi) == pytest.approx((lo, hi), abs=1e-9)
    assert plain.enter.covers(narrow.enter) and plain.enter != narrow.enter


def test_stenosis_leaves_unloaded_stretches():
    assert get_stretch("side-bend", profile="stenosis") == get_stretch("side-bend")


def test_unknown_profile():
    with pytest.raises(UsageError, match="unknown profile 'yoga'"):
        load_catalog(profile="yoga")


# -- the CLI -------------------------------------------------------------------------
def _app():
    import typer

    from posecheck.cli import catalog as cli_catalog

    app = typer.Typer()
    cli_catalog.register(app)
    return app


def test_cli_list_json():
    from typer.testing import CliRunner

    res = CliRunner().invoke(_app(), ["list", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert [r["id"] for r in rows] == sorted(IDS)
    ktc = next(r for r in rows if r["id"] == "knee-to-chest")
    assert ktc["dose"]["hold_s"] == pytest.approx(30.0) and ktc["sides"] == ["left", "right"]


@pytest.mark.parametrize("sid,expect", [
    ("knee-to-chest", "hip_{side}: [20, 80] / [15, 90]"),
    ("cat-cow", "nose_height +0.15 + trunk_lean -7"),
    ("side-bend", "ease-off (100, safety)"),
])
def test_cli_show(sid, expect):
    from typer.testing import CliRunner

    res = CliRunner().invoke(_app(), ["show", sid])
    assert res.exit_code == 0, res.output
    assert expect in res.stdout


def test_cli_show_unknown_exits_2():
    from typer.testing import CliRunner

    res = CliRunner().invoke(_app(), ["show", "nope"])
    assert isinstance(res.exception, UsageError) and res.exception.exit_code == 2


def test_stenosis_narrows_catcow_reps():
    plain, narrow = get_stretch("cat-cow").reps_rule, get_stretch("cat-cow", profile="stenosis").reps_rule
    assert narrow.excursion == pytest.approx(0.12, abs=1e-9)
    assert plain.safe.covers(narrow.safe) and plain.safe != narrow.safe
