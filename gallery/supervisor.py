"""The supervisor of a command: a parent process that makes sure a signal ends the command in time.

`gallery.interrupts` asks the command to stop (a KeyboardInterrupt in its main thread), but the command may not
get to react: Pulumi catches the KeyboardInterrupt and waits for every registration in flight, and a garbage
collection of a large heap holds the interpreter lock for seconds, so no thread of the command itself can keep
a deadline. So the command line forks right at start (`start`): the parent, a few MiB with nothing else to do,
waits for the command (the child), and when the command has not ended GRACE seconds after a signal, ends it
with SIGKILL, removes the temporary files the command had registered, prints the line and exits 128 + the
signal, as the command itself would have.

What the parent hears, through three pipes:
- wake: the child's signals, written in C by its signal handler (`signal.set_wakeup_fd`), so the parent knows
  the child has a signal even while the child cannot run Python. A Ctrl-C, which the terminal sends to both,
  is not passed on a second time; a SIGTERM sent to the parent alone is, FORWARD_AFTER seconds later.
- news: one line per event: a temporary file created (`+`) or gone (`-`, hex-encoded names), a deferred block
  entered (`<`) or left (`>`: the parent lets it end, up to CRITICAL_MAX seconds), what the line should say
  after `interrupted:` (`?` and the hex-encoded text; `?` alone when that no longer holds), the line said
  (`said`).
- life: held open by the parent: when it ends (SIGKILL to the parent), the child stops as well.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from typing import Callable, NoReturn, Optional

SIGNALS = (signal.SIGINT, signal.SIGTERM)
WORDS: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
GRACE = 1.0  # seconds the command has to unwind after a signal before the supervisor ends it
FORWARD_AFTER = 0.1  # seconds the supervisor waits for the command to hear a signal before passing it on
CRITICAL_MAX = 5.0  # seconds a deferred block may hold the end back
SAID, ENTER, LEAVE, TRACK, UNTRACK, EXPLAIN = b"said", b"<", b">", b"+", b"-", b"?"


def exit_code(signum: int) -> int:
    """128 + the signal's number, as a shell reports a process the signal killed: 130 SIGINT, 143 SIGTERM (the
    rows INTERRUPTED and TERMINATED of gallery.errors.Exit)."""
    return 128 + signum


def line(signum: int, detail: str = "") -> str:
    return WORDS.get(signum, "interrupted") + (f": {detail}" if detail else "")


def supported() -> bool:
    return hasattr(os, "fork") and hasattr(signal, "pthread_sigmask")


def start(on_orphaned: Callable[[], None]) -> Optional[int]:
    """Fork. The parent supervises and never returns; the child gets the news pipe to write to (None when no
    process could be forked: the command then runs unsupervised). Call with SIGNALS blocked."""
    pipes = [os.pipe() for _ in range(3)]
    try:
        child = os.fork()
    except OSError:
        for fd in (fd for pipe in pipes for fd in pipe):
            os.close(fd)
        return None
    (wake_r, wake_w), (news_r, news_w), (life_r, life_w) = pipes
    if child:
        for fd in (wake_w, news_w, life_r):
            os.close(fd)
        _supervise(child, wake_r, news_r)
    for fd in (wake_r, news_r, life_w):
        os.close(fd)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    threading.Thread(target=_orphaned, args=(life_r, on_orphaned), name="supervisor-watch", daemon=True).start()
    return news_w


def _orphaned(life_r: int, on_orphaned: Callable[[], None]) -> None:
    """The supervisor is gone (SIGKILL): so is the command, as it was before there was a supervisor."""
    while os.read(life_r, 1):
        pass
    on_orphaned()
    os._exit(exit_code(signal.SIGKILL))


class _News:
    """What the command has told: its temporaries, whether it is in a deferred block, whether it said the line."""

    def __init__(self) -> None:
        self.temporaries: set[bytes] = set()
        self.details: list[str] = []
        self.said = False
        self.critical, self.critical_since = 0, 0.0
        self._buffer = b""

    def read(self, data: bytes, now: float) -> None:
        self._buffer += data
        *messages, self._buffer = self._buffer.split(b"\n")
        for m in messages:
            if m == SAID:
                self.said = True
            elif m == ENTER:
                self.critical, self.critical_since = self.critical + 1, now
            elif m == LEAVE:
                self.critical = max(0, self.critical - 1)
            elif m[:1] == TRACK:
                self.temporaries.add(bytes.fromhex(m[1:].decode()))
            elif m[:1] == UNTRACK:
                self.temporaries.discard(bytes.fromhex(m[1:].decode()))
            elif m == EXPLAIN:
                self.details = self.details[:-1]
            elif m[:1] == EXPLAIN:
                self.details.append(bytes.fromhex(m[1:].decode()).decode("utf-8", "replace"))


def _supervise(child: int, wake_r: int, news_r: int) -> NoReturn:
    """Wait for the command; end it GRACE seconds after a signal if it has not ended by itself."""
    own_r, own_w = os.pipe()
    os.set_blocking(own_w, False)
    signal.set_wakeup_fd(own_w, warn_on_full_buffer=False)
    for each in SIGNALS:
        signal.signal(each, lambda *_: None)  # heard through own_r
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
    news = _News()
    signum: Optional[int] = None
    deadline: Optional[float] = None
    forward_at: Optional[float] = None
    own = heard = 0  # signals the supervisor received, and the command
    watched = [own_r, wake_r, news_r]
    while news_r in watched:
        now = time.monotonic()
        waits = [t - now for t in (deadline, forward_at) if t is not None]
        ready, _, _ = select.select(watched, [], [], max(0.0, min(waits)) if waits else None)
        now = time.monotonic()
        for fd in ready:
            data = os.read(fd, 4096)
            if not data:
                watched.remove(fd)  # news_r: the command has ended
            elif fd == news_r:
                news.read(data, now)
            else:
                for byte in (b for b in data if b in SIGNALS):
                    if signum is None:
                        signum, deadline = byte, now + GRACE
                    if fd == own_r:
                        own += 1
                        forward_at = now + FORWARD_AFTER if own == 1 and not heard else forward_at
                        deadline = now if own > 1 else deadline  # a second Ctrl-C: at once
                    else:
                        heard, forward_at = heard + 1, None
        if forward_at is not None and now >= forward_at and signum is not None:
            forward_at = None
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signum)
        if deadline is not None and now >= deadline and news_r in watched:
            if news.critical and now < news.critical_since + CRITICAL_MAX:
                deadline = min(now + 0.05, news.critical_since + CRITICAL_MAX)
                continue
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
            break
    _, status = os.waitpid(child, 0)
    for name in news.temporaries:
        with contextlib.suppress(OSError):
            os.unlink(name)
    if signum is None:
        if os.WIFEXITED(status):
            os._exit(os.WEXITSTATUS(status))
        os._exit(exit_code(os.WTERMSIG(status)))  # killed by something else (the OOM killer): as a shell says
    if not news.said:
        with contextlib.suppress(OSError):
            os.write(2, (line(signum, news.details[-1] if news.details else "") + "\n").encode("utf-8", "replace"))
    os._exit(exit_code(signum))
