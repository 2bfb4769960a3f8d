"""The `posecheck` command: the typer app (`app`) and one module per command group.
Top of the stack: may import anything; nothing imports `posecheck.cli`."""

from posecheck.cli.app import main

__all__ = ["main"]
