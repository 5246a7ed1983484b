import sys

try:
    from gallery.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line itself loads
    from gallery.errors import Exit

    print("interrupted", file=sys.stderr)  # the reporter is part of what did not load
    sys.exit(Exit.INTERRUPTED)

sys.exit(main())
