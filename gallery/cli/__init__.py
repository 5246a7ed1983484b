"""The command line: `gallery COMMAND` (or `python -m gallery COMMAND`), one module per command."""

from gallery.cli.entry import main

__all__ = ["main"]
