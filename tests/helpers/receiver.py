"""A local webhook receiver over real HTTP: records every request, can be told to fail or to hang.

`messages` holds the JSON bodies of POSTs (webhooks); `requests` every GET/HEAD/POST as a `Hit`
(method, path, query, body), which is what cron-monitor pings are checked against.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Hit:
    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def rid(self) -> str | None:
        return self.query.get("rid")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Receiver:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.requests: list[Hit] = []
        self.fail_with: int | None = None
        self.hang: float = 0.0  # seconds to wait before answering
        self.trickle: float = 0.0  # answer 200 with a long body, one byte every this many seconds
        self.flood = False  # answer 200 with an endless body, as fast as the client reads it
        self.flooded = 0  # bytes of that body sent
        self.attempts = 0
        self._release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                hit = Hit(
                    self.command,
                    parts.path,
                    {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    body,
                    {k.lower(): v for k, v in self.headers.items()},
                )
                with receiver._lock:
                    receiver.attempts += 1
                    receiver.requests.append(hit)
                if receiver.hang:
                    receiver._release.wait(receiver.hang)
                if receiver.flood:
                    self.send_response(200)
                    self.send_header("Content-Length", str(10**12))
                    self.end_headers()
                    chunk = b"x" * 65536
                    while not receiver._release.is_set():
                        try:
                            self.wfile.write(chunk)
                        except OSError:
                            return  # the client hung up
                        with receiver._lock:
                            receiver.flooded += len(chunk)
                    return
                if receiver.trickle:
                    self.send_response(200)
                    self.send_header("Content-Length", "1000")
                    self.end_headers()
                    for _ in range(1000):
                        if receiver._release.wait(receiver.trickle):
                            return
                        self.wfile.write(b"x")
                        self.wfile.flush()
                    return
                if receiver.fail_with:
                    self.send_response(receiver.fail_with)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.command == "POST":
                    try:
                        receiver.messages.append(json.loads(body))
                    except ValueError:
                        pass  # a text body (a ping's log): kept in `requests`
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            do_POST = do_GET = do_HEAD = _handle  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = f"{self.base_url}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def pings(self, prefix: str = "") -> list[Hit]:
        """The requests whose path starts with `prefix`, in arrival order."""
        with self._lock:
            return [h for h in self.requests if h.path.startswith(prefix)]

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._release.set()  # a hanging handler answers now, so shutdown does not wait for it
        self.server.shutdown()
        self.server.server_close()
