"""How long a storage request is retried, and what a retry looks like to the user.

The SDK's default (backoffs of 15, 18 and 24 s, plus a 20 s connect timeout per attempt) kept an upload
to an unreachable account silent for minutes: every one of the parallel puts, and the queue behind them,
went through it. Here a request is given up after about half a minute of backoff, each retry can be
shown, and the upload stops sending at its first failure.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from azure.storage.blob import ExponentialRetry

RETRIES = 4  # after the first attempt
FIRST_BACKOFF = 3.0  # seconds before the first retry; then FIRST_BACKOFF + BACKOFF_BASE ** n
BACKOFF_BASE = 2.0
JITTER = 1.0  # each backoff varies by up to this many seconds either way
CONNECT_TIMEOUT = 5  # seconds per attempt to open a connection (the SDK's default is 20)


def policy() -> ExponentialRetry:
    """The retry policy of every client the tool builds (read at call time, so tests can shorten it)."""
    # The SDK also caps retries per kind of failure (3 each by default): the same number for all.
    # azure-storage-blob annotates the backoffs as int, but computes with them as seconds in float (and the
    # tests shorten them to fractions): the annotations are narrower than the code.
    return ExponentialRetry(
        initial_backoff=FIRST_BACKOFF,  # type: ignore[arg-type]
        increment_base=BACKOFF_BASE,  # type: ignore[arg-type]
        retry_total=RETRIES,
        retry_connect=RETRIES,
        retry_read=RETRIES,
        retry_status=RETRIES,
        random_jitter_range=JITTER,  # type: ignore[arg-type]
    )


def worst_case_seconds(retry: ExponentialRetry, connect_timeout: float = CONNECT_TIMEOUT) -> float:
    """The longest a request to an unreachable service takes under `retry`: every backoff at its longest,
    and every attempt waiting out its connect timeout."""
    waits = sum(
        retry.initial_backoff + (retry.increment_base**n if n else 0) + retry.random_jitter_range
        for n in range(retry.total_retries)
    )
    return waits + (retry.total_retries + 1) * connect_timeout


def reason(error: Optional[BaseException], status: Optional[int] = None) -> str:
    """A few words for why a request failed: "Connection refused", "HTTP 503", not a urllib3 repr."""
    if status is not None:
        return f"HTTP {status}"
    text = str(error or "")
    errno_text = re.findall(r"\[Errno -?\d+\] ([^'\"\)\]\n]+)", text)
    if errno_text:
        return errno_text[-1].strip()
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return first if len(first) <= 100 else first[:99] + "…"


def hook(on_retry: Callable[[str], None]):
    """A per-request `retry_hook` for the SDK that tells `on_retry` about each retry, in words."""

    def retrying(retry_count: int, response=None, error=None, **_) -> None:
        status = getattr(response, "status_code", None) if response is not None else None
        on_retry(f"retrying ({retry_count + 1}/{RETRIES}) after: {reason(error, status)}")

    return retrying
