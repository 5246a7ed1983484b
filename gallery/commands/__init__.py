"""The CLI subcommands, one module each (see gallery.cli)."""
