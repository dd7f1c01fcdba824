"""Helper processes of an extract run on SQLite.

Each helper reads ranges of pending comments through its own read-only connection and
extracts them, while the run's process extracts ranges too and writes every result. The
extractor is pure Python, so a second process, not a thread, is what puts a second core to
work; the texts never cross between processes, only ranges in and mentions out.

A helper is `python -m harvester_cli.services.extract_helper DB_PATH`, its requests and
replies framed by multiprocessing.connection over its stdin and stdout. It imports only the
standard library and the extractor, ignores Ctrl-C (the run decides when to stop) and exits
when its input closes: when the run finishes, stops, or dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from pathlib import Path

from harvester_cli.extraction import find_linked_mentions
from harvester_cli.store import pending

DEPTH = 4  # ranges in flight per helper: one being extracted, one queued behind it

Range = tuple[int, int]


class _Helper:
    def __init__(self, proc: subprocess.Popen, requests: Connection, replies: Connection):
        self.proc = proc
        self.requests = requests
        self.replies = replies
        self.in_flight: deque[Range] = deque()


class Helpers:
    """A few helper processes, each fed up to DEPTH ranges; a helper that fails is dropped and
    its ranges are handed back (`orphans`) for the run to extract itself."""

    def __init__(self, db_path: str | Path, count: int, on_failure: Callable[[str], None]):
        self._on_failure = on_failure
        self._helpers: list[_Helper] = []
        self.orphans: deque[Range] = deque()
        for _ in range(count):
            helper = _spawn(Path(db_path))
            if helper is None:
                on_failure("cannot start an extraction helper process; extracting in the run's process only")
                break
            self._helpers.append(helper)
        self.started = len(self._helpers)

    @property
    def pids(self) -> list[int]:
        return [h.proc.pid for h in self._helpers]

    @property
    def capacity(self) -> int:
        """How many more ranges can be handed out now."""
        return sum(DEPTH - len(h.in_flight) for h in self._helpers)

    @property
    def busy(self) -> bool:
        return any(h.in_flight for h in self._helpers)

    def submit(self, rng: Range) -> None:
        if not self._helpers:  # all failed: the run does it itself
            self.orphans.append(rng)
            return
        helper = min(self._helpers, key=lambda h: len(h.in_flight))
        helper.in_flight.append(rng)
        try:
            helper.requests.send(rng)
        except OSError as exc:  # its ranges, this one too, go back to the run
            self._fail(helper, f"extraction helper {helper.proc.pid} stopped taking work ({exc})", how=True)

    def results(self, timeout: float = 0.0) -> list[pending.ExtractedRange]:
        """Ranges the helpers have finished, waiting up to `timeout` seconds for the first."""
        if not self.busy:
            return []
        by_conn = {h.replies: h for h in self._helpers if h.in_flight}
        done: list[pending.ExtractedRange] = []
        for conn in wait(list(by_conn), timeout):
            helper = by_conn[conn]  # type: ignore[index]
            while helper in self._helpers and helper.in_flight and helper.replies.poll():
                try:
                    kind, payload = helper.replies.recv()
                except Exception:  # EOF, a broken pipe, or half a message from a helper that died
                    self._fail(helper, f"extraction helper {helper.proc.pid} stopped", how=True)
                    break
                rng = helper.in_flight.popleft()
                if kind == "ok":
                    done.append(payload)
                else:
                    helper.in_flight.appendleft(rng)
                    self._fail(helper, f"extraction helper {helper.proc.pid} failed: {payload}")
        return done

    def _fail(self, helper: _Helper, message: str, how: bool = False) -> None:
        self._helpers.remove(helper)
        self.orphans.extend(helper.in_flight)
        helper.in_flight.clear()
        _stop(helper)
        code = helper.proc.returncode
        if how and code is not None:  # a signal (SIGKILL: the OOM killer, often) or an exit code
            message += f" ({_signal_name(-code)})" if code < 0 else f" (exit code {code})"
        self._on_failure(message + "; its ranges are extracted by the run itself")

    def close(self) -> None:
        for helper in self._helpers:
            _stop(helper)
        self._helpers.clear()


def _signal_name(number: int) -> str:
    try:
        return f"killed by {signal.Signals(number).name}"
    except ValueError:
        return f"killed by signal {number}"


def _spawn(db_path: Path) -> _Helper | None:
    if not sys.executable:
        return None
    env = dict(os.environ)
    # the helper imports the same harvester_cli as this process, wherever that came from
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        # -P: the working directory is not put on sys.path, so a `harvester_cli` lying there
        # (cron's cwd is anyone's guess) is never what the helper runs
        proc = subprocess.Popen(
            [sys.executable, "-P", "-m", __name__, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
    except OSError:
        return None
    assert proc.stdin is not None and proc.stdout is not None
    requests = Connection(os.dup(proc.stdin.fileno()), readable=False)
    replies = Connection(os.dup(proc.stdout.fileno()), writable=False)
    proc.stdin.close()
    proc.stdout.close()
    return _Helper(proc, requests, replies)


def _stop(helper: _Helper) -> None:
    """Close its input (it exits on EOF); kill it if it does not go within two seconds."""
    for conn in (helper.requests, helper.replies):
        try:
            conn.close()
        except OSError:
            pass
    try:
        helper.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        helper.proc.kill()
        helper.proc.wait()


def serve(db_path: str, requests: Connection, replies: Connection) -> int:
    """The helper's loop: a range in, its ExtractedRange out, until the input closes."""
    conn = pending.connect(db_path)
    try:
        while True:
            try:
                lo, hi = requests.recv()
            except (EOFError, OSError):
                return 0
            reply: tuple[str, pending.ExtractedRange | str]
            try:
                reply = ("ok", pending.extract_range(conn, lo, hi, find_linked_mentions))
            except Exception as exc:  # reported to the run, which extracts the range itself
                reply = ("error", f"{type(exc).__name__}: {exc}")
            try:
                replies.send(reply)
            except OSError:  # the run is gone
                return 0
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(argv) != 2:
        print(
            "usage: python -m harvester_cli.services.extract_helper DB_PATH (started by `harvester extract`)",
            file=sys.stderr,
        )
        return 2
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)  # nothing else may read the requests or write into the replies
    os.dup2(devnull, 1)
    return serve(argv[1], requests, replies)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
