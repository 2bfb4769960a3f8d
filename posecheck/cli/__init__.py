"""The typer command line: one module per command group. Nothing imports this package."""

from posecheck.cli.app import main

__all__ = ["main"]
