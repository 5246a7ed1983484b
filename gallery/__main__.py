"""`python -m gallery` and the `gallery` console script: the command line, as a process of its own.

SIGINT and SIGTERM are handled before anything else loads (gallery.interrupts), so a signal at any moment,
while the command line itself loads included, ends the process with one line and 128 + the signal's number.
"""

from gallery import interrupts


def main() -> None:
    try:
        interrupts.install()
        from gallery.cli.entry import main as run_command

        code = run_command()
    except KeyboardInterrupt as exc:  # while the command line loads, before its own handler is in place
        code = interrupts.report(exc)
    except SystemExit as exc:  # argparse: --help, --version, a usage error
        if exc.code is not None and not isinstance(exc.code, int):
            raise
        code = exc.code or 0
    interrupts.finish(code)


if __name__ == "__main__":
    main()
