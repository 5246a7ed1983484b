"""Ctrl-C (SIGINT) and SIGTERM: every command stops within moments, says so in one line, leaves no partial file.

Both signals are handled alike, since SIGTERM is what a CI job's timeout or `kill` sends. The rule for the exit
code: 128 + the signal's number, as a shell reports a process the signal killed, so 130 for SIGINT and 143 for
SIGTERM, whenever the signal arrives before the process ends (the command finished included). The one line on
stderr is `interrupted` (SIGINT) or `terminated` (SIGTERM), followed by what the command left behind when it
says (`interrupted: the blob ... stays marked unfinished; ...`).

Installed by the command line only (`gallery.__main__`); a library caller keeps its own handlers. Two layers:

- In the command, the first signal raises `Interrupted` (a KeyboardInterrupt) in the main thread, so `finally`
  blocks run (an upload releases its blob's lease, a temporary file is removed); the command line prints the
  line and ends with `os._exit`, because the interpreter's own shutdown would first wait for every worker thread
  to drain its queue (thousands of mocked Pulumi registrations: minutes). A second signal ends it at once.
- Around the command, a supervisor: the process forks right at start; the parent, a few MiB with nothing else
  to do, waits for the command (the child) and ends it with SIGKILL when it has not ended GRACE seconds after a
  signal, then removes the temporary files it had registered (`track`), prints the line and exits 128 + the
  signal. The command may not get to react at all: Pulumi catches the KeyboardInterrupt and waits for every
  registration in flight, and a garbage collection of a large heap holds the interpreter lock for seconds, so
  no thread of the command itself could keep the promise. The child hears of its own signals in C, through
  `signal.set_wakeup_fd`, and that pipe leads to the parent: a Ctrl-C, which the terminal sends to both, is
  not passed on a second time; a SIGTERM sent to the parent alone is. Where there is no fork (Windows),
  only the first layer runs.

A block that must not be cut in half (replacing several files together) runs under `deferred()`: a signal
meanwhile takes effect when it ends, and the supervisor waits for it (up to CRITICAL_MAX seconds).
"""
from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
import time
from typing import Iterator, NoReturn, Optional

SIGNALS = (signal.SIGINT, signal.SIGTERM)
WORDS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
GRACE = 1.0  # seconds the command has to unwind after a signal before the supervisor ends it
FORWARD_AFTER = 0.1  # seconds the supervisor waits for the command to report a signal before passing it on
CRITICAL_MAX = 5.0  # seconds a deferred() block may hold the end back


class Interrupted(KeyboardInterrupt):
    """The process received SIGINT or SIGTERM."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


def exit_code(signum: int) -> int:
    return 128 + signum


def signum_of(exc: BaseException) -> int:
    """The signal behind a KeyboardInterrupt (a bare one is Ctrl-C)."""
    return exc.signum if isinstance(exc, Interrupted) else signal.SIGINT


def line(signum: int, detail: str = "") -> str:
    return WORDS.get(signum, "interrupted") + (f": {detail}" if detail else "")


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


# -- the command's side ----------------------------------------------------------------------------------

def install() -> None:
    """Handle SIGINT and SIGTERM for the rest of the process (main thread only), under a supervisor."""
    if _state.installed:
        return
    _state.installed = True
    signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)  # no signal between the fork and the handlers
    try:
        if hasattr(os, "fork"):
            wake_r, wake_w = os.pipe()  # the command's signals, written in C by its signal handler
            news_r, news_w = os.pipe()  # the temporaries it creates, and whether it said the line
            life_r, life_w = os.pipe()  # held by the supervisor: its end is the command's end too
            child = os.fork()
            if child:
                for fd in (wake_w, news_w, life_r):
                    os.close(fd)
                _supervise(child, wake_r, news_r)  # never returns
            for fd in (wake_r, news_r, life_w):
                os.close(fd)
            os.set_blocking(wake_w, False)
            signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
            _state.supervisor = news_w
            threading.Thread(target=_orphaned, args=(life_r,), name="supervisor-watch", daemon=True).start()
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
            _stop(_state.received)
    raise Interrupted(signum)


def _stop(signum: int) -> NoReturn:
    """End the process now: temporaries removed, the line said, exit 128 + signal."""
    remove_temporaries()
    say(signum)
    _flush_briefly()
    os._exit(exit_code(signum))


def _orphaned(life_r: int) -> None:
    """The supervisor is gone (SIGKILL): so is the command, as it was before there was a supervisor."""
    while os.read(life_r, 1):
        pass
    remove_temporaries()
    os._exit(exit_code(signal.SIGKILL))


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
        _tell(b"said")
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
    _state.detail.append(detail)
    try:
        yield
    except KeyboardInterrupt as exc:
        if getattr(exc, "detail", None) is None:  # the innermost block's word
            exc.detail = detail
        raise
    finally:
        _state.detail.remove(detail)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: a signal meanwhile takes effect when it ends."""
    with _state.lock:
        _state.deferring += 1
        _tell(b"<")
    try:
        yield
    finally:
        with _state.lock:
            _state.deferring -= 1
            pending = _state.pending if not _state.deferring else None
            if pending is not None:
                _state.pending = None
            _tell(b">")
    if pending is not None:
        raise Interrupted(pending)


def track(path: str | os.PathLike) -> None:
    """A temporary file to remove should the process be stopped before `untrack`."""
    name = os.fspath(path)
    with _state.lock:
        _state.temporaries.add(name)
        _tell(b"+" + os.fsencode(name).hex().encode())


def untrack(path: str | os.PathLike) -> None:
    name = os.fspath(path)
    with _state.lock:
        _state.temporaries.discard(name)
        _tell(b"-" + os.fsencode(name).hex().encode())


def remove_temporaries() -> None:
    with _state.lock:
        names, _state.temporaries = list(_state.temporaries), set()
    _remove(names)


def _remove(names) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name)


# -- the supervisor's side -------------------------------------------------------------------------------

def _supervise(child: int, wake_r: int, news_r: int) -> NoReturn:
    """Wait for the command; end it GRACE seconds after a signal if it has not ended by itself."""
    own_r, own_w = os.pipe()
    os.set_blocking(own_w, False)
    signal.set_wakeup_fd(own_w, warn_on_full_buffer=False)
    for signum in SIGNALS:
        signal.signal(signum, lambda *_: None)  # heard through own_r
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    signum: Optional[int] = None
    deadline = forward_at = None
    temporaries: set[bytes] = set()
    said, critical, critical_since, buffer = False, 0, 0.0, b""
    watched = [own_r, wake_r, news_r]
    while news_r in watched:
        now = time.monotonic()
        waits = [t - now for t in (deadline, forward_at) if t is not None]
        ready, _, _ = select.select(watched, [], [], max(0.0, min(waits)) if waits else None)
        now = time.monotonic()
        for fd in ready:
            data = os.read(fd, 4096)
            if fd == news_r:
                if not data:
                    watched.remove(news_r)  # the command has ended
                buffer += data
                *messages, buffer = buffer.split(b"\n")
                for m in messages:
                    if m == b"said":
                        said = True
                    elif m == b"<":
                        critical, critical_since = critical + 1, now
                    elif m == b">":
                        critical = max(0, critical - 1)
                    elif m[:1] == b"+":
                        temporaries.add(bytes.fromhex(m[1:].decode()))
                    elif m[:1] == b"-":
                        temporaries.discard(bytes.fromhex(m[1:].decode()))
                continue
            if not data:
                watched.remove(fd)
                continue
            for byte in data:
                if byte not in SIGNALS:
                    continue
                if fd == wake_r:  # the command has it (from the terminal, or passed on)
                    forward_at = None
                if signum is None:
                    signum, deadline = byte, now + GRACE
                    if fd == own_r:
                        forward_at = now + FORWARD_AFTER
                elif fd == own_r:  # a second one, at the supervisor: now
                    deadline = now
        if forward_at is not None and now >= forward_at:
            forward_at = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)
        if deadline is not None and now >= deadline and news_r in watched:
            if critical and now < critical_since + CRITICAL_MAX:
                deadline = min(now + 0.05, critical_since + CRITICAL_MAX)
                continue
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
            break
    _, status = os.waitpid(child, 0)
    _remove(temporaries)
    if signum is None and os.WIFEXITED(status):
        os._exit(os.WEXITSTATUS(status))
    if signum is None:
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else signal.SIGTERM
    if not said and signum in SIGNALS:
        with contextlib.suppress(OSError):
            os.write(2, (line(signum) + "\n").encode())
    os._exit(exit_code(signum))
