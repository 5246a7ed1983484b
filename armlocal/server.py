"""The HTTP server on 127.0.0.1: `ArmEndpoint` (its `url` and `state`) and `running_arm` for scripts and benches."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
import uuid
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from armlocal.bodies import error
from armlocal.routes import answer
from armlocal.state import ArmState, Request


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without TCP_NODELAY, Nagle holds the body until the client's
    # delayed ACK (40 ms on Linux), so every answer took 40 ms more than `delay` says.
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:  # quiet: the request log is in state.requests
        pass

    def _serve(self) -> None:
        state: ArmState = self.server.state  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            if state.delay:
                time.sleep(state.delay)
        finally:
            with state.lock:
                state.in_flight -= 1
        with state.lock:
            state.requests.append(Request(self.command, split.path, query, body, dict(self.headers)))
            if state.token and self.headers.get("Authorization") != f"Bearer {state.token}":
                status, headers, out = (
                    401,
                    {},
                    error(
                        "AuthenticationFailed",
                        "Authentication failed. The 'Authorization' header is missing or invalid.",
                    ),
                )
            else:
                status, headers, out = answer(state, self.command, split.path, query, body, self.server.base)  # type: ignore[attr-defined]
        data = json.dumps(out).encode() if out is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815 - BaseHTTPRequestHandler's names


class ArmEndpoint:
    """The server: `url` (http://127.0.0.1:PORT) and its `state`, whose methods and settings it also answers
    (`endpoint.add_gallery(...)`, `endpoint.fail(...)`, `endpoint.page_size = 3`). Listens once made; answers
    once started."""

    def __init__(self, port: int = 0) -> None:
        self.state = ArmState()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.state = self.state  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._server.base = self.url  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    _OWN = ("state", "_server", "url", "_thread")

    def __getattr__(self, name: str):  # arm.add_gallery(...), arm.fail(...), arm.requests ...
        return getattr(self.state, name)

    def __setattr__(self, name: str, value) -> None:  # arm.page_size = 3, arm.delay = 0.1 ...
        if name in self._OWN:
            object.__setattr__(self, name, value)
        elif hasattr(self.state, name):
            setattr(self.state, name, value)
        else:
            raise AttributeError(f"the ARM endpoint has no setting {name!r}")

    def start(self) -> "ArmEndpoint":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def running_arm() -> Iterator[ArmEndpoint]:
    """The endpoint while the block runs (for benchmarks and scripts)."""
    endpoint = ArmEndpoint().start()
    try:
        yield endpoint
    finally:
        endpoint.stop()
