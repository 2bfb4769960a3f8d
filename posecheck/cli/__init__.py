"""The typer command line: one module per command group. Nothing imports this package."""

from posecheck.cli.cli import main

__all__ = ["main"]
