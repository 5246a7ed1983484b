"""Ctrl-C (SIGINT) and SIGTERM: every command stops within moments, says so in one line, leaves no partial file.

Both signals are handled alike, since SIGTERM is what a CI job's timeout or `kill` sends. The rule for the exit
code: 128 + the signal's number, as a shell reports a process the signal killed, so 130 for SIGINT and 143 for
SIGTERM, whenever the signal arrives before the process ends (the command finished included). The one line on
stderr is `interrupted` (SIGINT) or `terminated` (SIGTERM), followed by what the command left behind when it
says (`interrupted: the blob ... stays marked unfinished; ...`).

Installed by the command line only (`gallery.__main__`); a library caller keeps its own handlers. The first
signal raises `Interrupted` (a KeyboardInterrupt) in the main thread, so `finally` blocks run (an upload
releases its blob's lease, a temporary file is removed); the command line prints the line and ends with
`os._exit`, because the interpreter's own shutdown would first wait for every worker thread to drain its queue
(thousands of mocked Pulumi registrations: minutes). A second signal ends the process at once, and so does one
that arrives once the command is done. When the command cannot react in time, its supervisor ends it
(gallery.supervisor; where the system cannot fork one, as on Windows, the command runs unsupervised).

Temporary files registered with `track` are removed however the command stops. A block that must not be cut in
half (replacing several files together) runs under `deferred()`: a signal meanwhile takes effect when it ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Iterator, NoReturn, Optional

from gallery import supervisor
from gallery.supervisor import SIGNALS, exit_code, line


class Interrupted(KeyboardInterrupt):
    """The process received SIGINT or SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


def signum_of(exc: BaseException) -> int:
    """The signal behind a KeyboardInterrupt (a bare one is Ctrl-C)."""
    return exc.signum if isinstance(exc, Interrupted) else signal.SIGINT


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.installed = False
        self.received: Optional[int] = None  # the first signal
        self.said = False
        self.finishing = False  # the command is done: a signal now ends the process at once
        self.deferring = 0
        self.pending: Optional[int] = None  # a signal held back by deferred()
        self.temporaries: set[str] = set()
        self.detail: list[str] = []
        self.supervisor: Optional[int] = None  # the pipe to the supervisor, in the command


_state = _State()


def install() -> None:
    """Handle SIGINT and SIGTERM for the rest of the process (main thread only), under a supervisor where the
    system can fork one."""
    if _state.installed:
        return
    _state.installed = True
    if not supervisor.supported():
        for signum in SIGNALS:
            signal.signal(signum, _handler)
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # no signal between the fork and the handlers
    try:
        _state.supervisor = supervisor.start(on_orphaned=remove_temporaries)
        for signum in SIGNALS:
            signal.signal(signum, _handler)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def _handler(signum: int, frame) -> None:
    with _state.lock:
        first = _state.received is None
        if first:
            _state.received = signum
        if _state.deferring:  # the block is short: the signal takes effect when it ends
            _state.pending = _state.pending or signum
            return
        if _state.finishing or not first:
            _stop(_state.received or signum)
    raise Interrupted(signum)


def _stop(signum: int) -> NoReturn:
    """End the process now: temporaries removed, the line said, exit 128 + signal."""
    remove_temporaries()
    say(signum)
    _flush_briefly()
    os._exit(exit_code(signum))


def _flush_briefly() -> None:
    """Flush what the command printed, unless a stream is stuck (a pipe nobody reads): the exit must not wait."""

    def flush() -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()

    worker = threading.Thread(target=flush, daemon=True)
    worker.start()
    worker.join(0.2)


def _tell(message: bytes) -> None:
    if _state.supervisor is not None:
        with contextlib.suppress(OSError):
            os.write(_state.supervisor, message + b"\n")


def say(signum: int, detail: Optional[str] = None) -> None:
    """The one line, once, straight to file descriptor 2 (the stderr object may be locked by a stuck writer)."""
    with _state.lock:
        if _state.said:
            return
        _state.said = True
        if detail is None:
            detail = _state.detail[-1] if _state.detail else ""
        _tell(supervisor.SAID)
    with contextlib.suppress(OSError):
        os.write(2, (line(signum, detail) + "\n").encode("utf-8", "replace"))


def report(exc: BaseException) -> int:
    """For the command line's `except KeyboardInterrupt`: say the line (once) and give the exit code."""
    signum = _state.received or signum_of(exc)
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    say(signum, getattr(exc, "detail", None))
    return exit_code(signum)


def finish(code: int) -> NoReturn:
    """End the command line's process: with `code`, or 128 + the signal when one was received."""
    with _state.lock:
        _state.finishing = True
        signum = _state.received
    if signum is not None:
        _stop(signum)
    sys.exit(code)


@contextlib.contextmanager
def explained(detail: str) -> Iterator[None]:
    """What the line says after `interrupted:` should the command stop inside this block."""
    with _state.lock:
        _state.detail.append(detail)
        _tell(supervisor.EXPLAIN + detail.encode("utf-8").hex().encode())
    try:
        yield
    except KeyboardInterrupt as exc:
        if getattr(exc, "detail", None) is None:  # the innermost block's word
            exc.detail = detail  # type: ignore[attr-defined]
        raise
    finally:
        with _state.lock:
            _state.detail.remove(detail)
            _tell(supervisor.EXPLAIN)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: a signal meanwhile takes effect when it ends."""
    with _state.lock:
        _state.deferring += 1
        _tell(supervisor.ENTER)
    try:
        yield
    finally:
        with _state.lock:
            _state.deferring -= 1
            pending = _state.pending if not _state.deferring else None
            if pending is not None:
                _state.pending = None
            _tell(supervisor.LEAVE)
    if pending is not None:
        raise Interrupted(pending)


def track(path: str | os.PathLike) -> None:
    """A temporary file to remove should the process be stopped before `untrack`."""
    name = os.fspath(path)
    with _state.lock:
        _state.temporaries.add(name)
        _tell(supervisor.TRACK + os.fsencode(name).hex().encode())


def untrack(path: str | os.PathLike) -> None:
    name = os.fspath(path)
    with _state.lock:
        _state.temporaries.discard(name)
        _tell(supervisor.UNTRACK + os.fsencode(name).hex().encode())


def remove_temporaries() -> None:
    with _state.lock:
        names, _state.temporaries = list(_state.temporaries), set()
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)
