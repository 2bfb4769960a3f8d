"""The `posecheck` command: wires sub-commands together and turns user errors into one line."""

from __future__ import annotations

import sys

import typer

from posecheck.errors import UserError

app = typer.Typer(
    name="posecheck",
    help="A camera coach for low-back stretches: joint angles, hold timers, reps and form cues.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _options(verbose: bool = typer.Option(False, "--verbose", "-v",
                                          help="Show the libraries' own log lines (for bug reports).")) -> None:
    from posecheck.media import quiet_av

    quiet_av.set_verbose(verbose)


def _register() -> None:
    """Attach each command group from its own module (one job per module)."""
    from posecheck.cli import analyze as cli_analyze
    from posecheck.cli import batch as cli_batch
    from posecheck.cli import catalog as cli_catalog
    from posecheck.cli import check as cli_check
    from posecheck.cli import checkup as cli_checkup
    from posecheck.cli import live as cli_live
    from posecheck.cli import models as cli_models
    from posecheck.cli import samples as cli_samples

    app.add_typer(cli_models.app, name="models")
    for module in (cli_catalog, cli_analyze, cli_batch, cli_live, cli_check, cli_checkup, cli_samples):
        module.register(app)


def main() -> None:
    _register()
    try:
        code = app(standalone_mode=False)  # typer.Exit(n) comes back as n here
        sys.exit(code if isinstance(code, int) else 0)
    except UserError as err:
        typer.secho(f"error: {err}", fg="red", err=True)
        sys.exit(err.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as err:  # usage errors arrive here in non-standalone mode
        # click's ClickException, or typer's own copy of it (typer >= 0.2x vendors click):
        # both can show themselves and carry an exit code
        show, code = getattr(err, "show", None), getattr(err, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        raise
