"""`posecheck models list|fetch|verify|path`: see, provision and check the cached pose models."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from posecheck.pose import modelstore
from posecheck.errors import InputError

app = typer.Typer(
    help="Pose models (lite, full = default, heavy): list, fetch into the user cache, verify, show path.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

NAME_HELP = "Model name: lite, full or heavy."


def _name(name: str | None) -> str:
    manifest = modelstore.load_manifest()
    name = name or manifest.default
    manifest.get(name)  # unknown name -> UsageError (exit 2)
    return name


@app.command("list")
def list_models() -> None:
    """Show each model: cached or not, size, sha256 and where it came from."""
    manifest = modelstore.load_manifest()
    table = Table(box=None, pad_edge=False)
    for column in ("name", "cached", "size", "sha256", "source"):
        table.add_column(column)
    for name, model in manifest.models.items():
        status = modelstore.cache_status(name)
        label = f"{name} (default)" if name == manifest.default else name
        if not status.cached:
            table.add_row(label, "no", "-", "-", f"official URL, else build from {model.build_source}")
            continue
        cached = "yes" if status.ok else "CORRUPTED"
        source = status.digest.kind if status.digest else f"unknown: run `posecheck models fetch {name}`"
        table.add_row(label, cached, f"{status.size / 1e6:.1f} MB", status.sha256 or "-", source)
    Console(width=200).print(table)
    typer.echo(f"cache: {modelstore.cache_dir()}")


@app.command()
def fetch(name: str = typer.Argument(None, help=NAME_HELP, show_default="full")) -> None:
    """Download (or build from Google's packages) a model into the cache, checked by sha256.

    A cached file that is already valid is kept; a corrupted one is fetched again.
    """
    model = modelstore.resolve_model(_name(name))
    kind = modelstore.load_manifest().get(model.name).match(model.sha256)
    typer.echo(f"{model.name}: {model.path}")
    typer.echo(f"sha256 {model.sha256} ({kind.kind if kind else 'unknown'}, {model.source})")


@app.command()
def verify(name: str = typer.Argument(None, help=NAME_HELP, show_default="full")) -> None:
    """Re-hash the cached model and compare it with the manifest (exit 1 if missing or corrupted)."""
    status = modelstore.cache_status(_name(name))
    if not status.cached:
        raise InputError(f"{status.name} model is not cached; {modelstore.fetch_hint(status.name)}")
    if not status.ok:
        raise InputError(f"{status.name} model at {status.path} is CORRUPTED (sha256 {status.sha256}); "
                         f"run `posecheck models fetch {status.name}` to fetch it again")
    typer.echo(f"{status.name}: OK {status.path}")
    typer.echo(f"sha256 {status.sha256} ({status.digest.kind})")


@app.command()
def path(name: str = typer.Argument(None, help=NAME_HELP, show_default="full")) -> None:
    """Print the cached model's path (exit 1 if it is not cached)."""
    name = _name(name)
    cached = modelstore.cached_path(name)
    if not cached.is_file():
        raise InputError(f"{name} model is not cached; {modelstore.fetch_hint(name)}")
    typer.echo(str(cached))
