"""`posecheck check [DIR]`: regression run over the sample clips, one table row each, exit 1 on a failure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    samples_dir: Path = typer.Argument(Path("samples"), help="Folder of clips with <name>.truth.json "
                                       "or <name>.expect.json."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Samples analysed in parallel (processes)."),
    update: bool = typer.Option(False, "--update", help="Rewrite <name>.expect.json of your own clips "
                                "from the current results (rendered truth is never touched); shows the diff."),
    only: List[str] = typer.Option([], "--only", help="Only this sample (repeatable)."),
    tolerance_s: float = typer.Option(1.0, "--tolerance-s", min=0.0,
                                      help="Allowed error of hold start/end and cue windows, seconds."),
    mae_deg: float = typer.Option(10.0, "--mae-deg", min=0.0,
                                  help="Allowed near-side hip/knee angle MAE, degrees (an expectation's "
                                  "angle_mae_deg wins)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Keep each sample's outputs in OUT/<name>/."),
    model: Optional[str] = typer.Option(None, "--model", help="lite, full, heavy or a .task path."),
    catalog: List[Path] = typer.Option([], "--catalog", help="Extra folder of stretch files."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdicts as a JSON list, nothing else."),
    stride: str = typer.Option("1", "--stride", help="analyze's --stride: 1, N or auto."),
) -> None:
    """Run the real pipeline over every sample and compare with its expectation."""
    from posecheck.run.check import RunOptions, find_samples, run_samples
    from posecheck.errors import UserError
    from posecheck.run.stride import parse_stride

    samples = find_samples(samples_dir, tuple(only))
    if not samples:
        raise UserError(f"no clips with an expectation in {samples_dir}; render them with "
                        "`posecheck samples render` or add <name>.expect.json next to a clip")
    opts = RunOptions(tolerance_s, mae_deg, str(out) if out else None, model, tuple(map(str, catalog)),
                      parse_stride(stride))
    outcomes = run_samples(samples, opts, jobs)
    if update:
        _update(samples, outcomes, opts, as_json)
    verdicts = [o.verdict for o in outcomes]
    if as_json:
        print(json.dumps([v.to_dict() for v in verdicts], indent=2))
    else:
        _table(samples, verdicts)
    if not all(v.ok for v in verdicts):
        raise typer.Exit(1)


def _update(samples, outcomes, opts, quiet: bool) -> None:
    """Rewrite the expectations of users' clips (never rendered truth), diff first."""
    from posecheck.coach.catalog import load_catalog
    from posecheck.run.check import compare, expect_diff, expectation_from, write_expect

    catalog = load_catalog(extra_dirs=opts.catalog_dirs)
    for sample, outcome in zip(samples, outcomes):
        if sample.rendered or not outcome.summary:
            continue
        new = expectation_from(outcome.summary, sample.expect, catalog.get(outcome.summary.get("stretch")))
        diff = expect_diff(sample.expect_path, sample.expect, new)
        if not diff:
            continue
        if not quiet:
            typer.echo(diff, err=True)
        write_expect(sample.expect_path, new)
        typer.echo(f"updated {sample.expect_path}", err=True)
        outcome.verdict = compare(sample.name, new, outcome.summary,
                                  stretch=catalog.get(outcome.summary.get("stretch")),
                                  tol=opts.tolerance_s, mae_limit=opts.mae_deg)


def _mae_text(mae: dict, side: str) -> str:
    values = mae.get(side) or {}
    hk = [v for n, v in values.items() if n.split("_")[0] in ("hip", "knee")]
    return f"{max(hk):.1f}" if hk else ""


def _table(samples, verdicts) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("sample", "stretch", "holds found/expected", "reps", "cues",
                  "near MAE° hip/knee", "far MAE° hip/knee", "result", title="posecheck check")
    for col in table.columns:
        col.overflow = "fold"   # sample names whole, wrapped
    for sample, v in zip(samples, verdicts):
        result = "[green]PASS" if v.ok else "[red]FAIL: " + "; ".join(v.reasons)
        table.add_row(sample.name, str(v.stretch or "-"), v.holds, v.reps, v.cues,
                      _mae_text(v.mae, "near"), _mae_text(v.mae, "far"), result)
    console = Console(width=max(Console().width, 160))
    console.print(table)
    failed = sum(not v.ok for v in verdicts)
    console.print(f"{len(verdicts) - failed} passed, {failed} failed")
