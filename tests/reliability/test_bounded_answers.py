"""Issue 11, part 3: every external answer is bounded and every failure classified.

Hostile servers on 127.0.0.1 (FakeTikTok's fault kinds drip, huge, nested, surrogate, endless,
hang, and a dripping alert webhook) against the real `harvester` executable in separate
processes, on SQLite and PostgreSQL. Each run ends within its bounds (a request's wall-clock
deadline, the run's deadline + 5 s, SIGTERM within 5 s), its peak memory (the child's
ru_maxrss from wait4) stays under 200 MB, and the item is dead-lettered or the run failed,
never reported as succeeded. The first tests drive `http.send` directly, for the exact bounds.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.sources import http
from tests.conftest import harvester_cmd
from tests.fakes.tiktok_server import COMMENT_LIST_PATH, VIDEO_QUERY_PATH, FakeTikTok
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos, wait_until

MB = 1024 * 1024
MEMORY_LIMIT = 200 * MB


# -- helpers ------------------------------------------------------------------------------------


class Measured:
    """A `harvester` process whose peak RSS and wall time are measured.

    The peak is the child's own VmHWM (/proc), sampled once it has exec'd: its rusage maximum
    would also count the copy of this (large) pytest process it was forked from."""

    def __init__(self, args, env):
        self._out = tempfile.TemporaryFile()
        self._err = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self._cmd = harvester_cmd() + list(args)
        self.child = subprocess.Popen(self._cmd, env=env, stdout=self._out, stderr=self._err)
        self.returncode: int | None = None
        self._hwm = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        status = f"/proc/{self.child.pid}/status"
        while not self._done.is_set():
            try:
                with open(f"/proc/{self.child.pid}/cmdline", "rb") as fh:
                    cmdline = fh.read()
                execd = b"harvester" in cmdline and b"pytest" not in cmdline
                if execd:
                    with open(status) as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                self._hwm = max(self._hwm, int(line.split()[1]) * 1024)
            except (OSError, ValueError):
                pass
            self._done.wait(0.02)

    def wait(self, timeout: float):
        killer = threading.Timer(timeout, lambda: os.kill(self.child.pid, signal.SIGKILL))
        killer.start()
        try:
            _pid, status, _usage = os.wait4(self.child.pid, 0)
        finally:
            killer.cancel()
            self._done.set()
            self._sampler.join()
        self.elapsed = time.monotonic() - self.started
        self.returncode = self.child.returncode = os.waitstatus_to_exitcode(status)
        self.peak_rss = self._hwm
        for stream, name in ((self._out, "stdout"), (self._err, "stderr")):
            stream.seek(0)
            setattr(self, name, stream.read().decode("utf-8", "replace"))
            stream.close()
        assert self.returncode != -signal.SIGKILL, f"killed after {timeout}s: {self.stderr}"
        return self

    def signal(self, sig: int) -> float:
        os.kill(self.child.pid, sig)
        return time.monotonic()


def run_measured(procs, *args, env, timeout: float = 60) -> Measured:
    return Measured(args, dict(procs.env, **env)).wait(timeout)


def assert_clean(result) -> None:
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr.lower(), result.stderr
    assert 10 * MB < result.peak_rss < MEMORY_LIMIT, f"peak RSS {result.peak_rss / MB:.0f} MB"


def dlq(procs) -> dict[int, dict]:
    return {int(i["item_key"]): i for i in json.loads(procs.run("--json", "dlq", "list").stdout)}


def last_run(store, job_type: str):
    return query(
        store,
        "SELECT status, error, items_ok, items_failed FROM job_status WHERE job_type = :t ORDER BY id DESC",
        t=job_type,
    )[0]


def fast_env(fake, **extra):
    return api_env(fake, HARVESTER_HTTP_TIMEOUT_SECONDS="2", HARVESTER_FETCH_CONCURRENCY="2", **extra)


# -- http.send: the bounds themselves --------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        self.server.behaviour(self)

    do_POST = do_GET


@pytest.fixture
def server():
    """A local server answering with `behaviour(handler)`; returns its base URL."""
    started = []

    def start(behaviour):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        srv.daemon_threads = True
        srv.behaviour = behaviour
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        started.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}"

    yield start
    for srv in started:
        srv.shutdown()
        srv.server_close()


def drip(handler, body=b'{"ok": true}' * 50, every=0.2):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    try:
        for i in range(len(body)):
            handler.wfile.write(body[i : i + 1])
            handler.wfile.flush()
            time.sleep(every)
    except OSError:
        pass


def endless_body(handler, encoding=None):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Connection", "close")
    if encoding:
        handler.send_header("Content-Encoding", encoding)
    handler.end_headers()
    chunk = gzip.compress(b"x" * (8 * MB)) if encoding else b"x" * 65536
    try:
        for _ in range(100_000):
            handler.wfile.write(chunk)
    except OSError:
        pass


def silent(handler):
    time.sleep(30)


def _client(**env):
    return http.build_client(settings_mod.load({k: str(v) for k, v in env.items()}))


def test_a_dripping_server_gets_one_wall_clock_deadline_for_the_whole_answer(server):
    url = server(drip)  # 600 bytes, one every 0.2 s: each read is quick, the whole is 120 s
    with _client(HARVESTER_HTTP_TIMEOUT_SECONDS=1.5) as client:
        started = time.monotonic()
        with pytest.raises(errors.TransientSourceError, match="timed out"):
            http.send(client, "GET", url, what="drip")
        assert time.monotonic() - started < 2.5


def test_a_body_over_the_cap_is_refused_unread(server):
    url = server(endless_body)  # no Content-Length, never ends
    with _client(HARVESTER_MAX_RESPONSE_BYTES=MB) as client:
        with pytest.raises(errors.TransientSourceError, match="HARVESTER_MAX_RESPONSE_BYTES"):
            http.send(client, "GET", url, what="huge")


def test_a_declared_length_over_the_cap_is_refused_before_reading(server):
    def declared(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(10**12))
        handler.end_headers()
        time.sleep(5)

    with _client(HARVESTER_MAX_RESPONSE_BYTES=MB) as client:
        started = time.monotonic()
        with pytest.raises(errors.TransientSourceError, match="over the"):
            http.send(client, "GET", server(declared), what="huge")
        assert time.monotonic() - started < 2


def test_a_compressed_body_sent_unasked_is_inflated_only_up_to_the_cap(server):
    url = server(lambda h: endless_body(h, "gzip"))  # 8 MB of x in ~8 kB, repeated
    with _client(HARVESTER_MAX_RESPONSE_BYTES=MB) as client:
        with pytest.raises(errors.TransientSourceError, match="HARVESTER_MAX_RESPONSE_BYTES"):
            http.send(client, "GET", url, what="bomb")


def _stopped_within_the_grace(url: str, flag_at: float) -> None:
    """A request to `url` whose stop flag goes up after `flag_at` seconds ends as RunStopped: an
    answer on its way gets STOP_GRACE_SECONDS, then it is cut."""
    stop = threading.Event()
    with _client(HARVESTER_HTTP_TIMEOUT_SECONDS=60) as client:
        threading.Timer(flag_at, stop.set).start()
        started = time.monotonic()
        with pytest.raises(errors.RunStopped):
            http.send(client, "GET", url, what="slow", stop=stop)
        assert time.monotonic() - started < flag_at + http.STOP_GRACE_SECONDS + 2 * http.STOP_POLL_SECONDS + 0.5


def test_the_stop_flag_interrupts_a_request_waiting_for_headers_or_body(server):
    for behaviour in (silent, drip):
        _stopped_within_the_grace(server(behaviour), flag_at=0.5)


@pytest.fixture
def hanging_lookup(monkeypatch):
    """Name lookups of `*.hanging.test` wait until the test ends, as with a resolver that never
    answers (getaddrinfo has no timeout of its own); every other name resolves as usual."""
    import socket

    release = threading.Event()
    real = socket.getaddrinfo

    def lookup(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".hanging.test"):
            release.wait(60)
            raise socket.gaierror(socket.EAI_AGAIN, "no answer")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield "http://api.hanging.test/v2/"
    release.set()


def test_a_name_lookup_that_never_answers_ends_at_the_request_deadline(hanging_lookup):
    with _client(HARVESTER_HTTP_TIMEOUT_SECONDS=1) as client:
        started = time.monotonic()
        with pytest.raises(errors.TransientSourceError, match="timed out"):
            http.send(client, "GET", hanging_lookup, what="lookup")
        assert time.monotonic() - started < 1 + 2 * http.STOP_POLL_SECONDS + 0.5


def test_the_stop_flag_interrupts_a_name_lookup(hanging_lookup):
    _stopped_within_the_grace(hanging_lookup, flag_at=0.3)


def test_nested_and_surrogate_json_are_bounded_and_clean():
    with pytest.raises(ValueError, match="nested deeper"):
        http.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested deeper"):
        http.loads("[" * 500 + "]" * 500)  # within Python's recursion limit, beyond ours
    assert http.loads('{"a": "x\\ud800y", "\\udfff": ["\\ud83d\\ude00"]}') == {"a": "x\ufffdy", "\ufffd": ["😀"]}
    body = json.dumps({"error": {"code": "internal_error", "message": "bad \ud800"}}).encode()
    with pytest.raises(errors.TransientSourceError) as info:
        http.check(httpx.Response(500, content=body), what="t")
    str(info.value).encode("utf-8")  # encodable: no lone surrogate left


def test_endless_paging_is_caught_by_the_page_guard():
    guard = http.PageGuard("t", limit=3)
    guard.page(records=0, cursor=0, next_cursor=100)  # one empty page is a known API quirk
    guard.page(records=5, cursor=100, next_cursor=200)  # progress again
    guard.page(records=0, cursor=200, next_cursor=300)
    guard.page(records=5, cursor=300, next_cursor=300)  # records, but the cursor stays
    with pytest.raises(http.NoProgress, match="without progress"):
        guard.page(records=5, cursor=300, next_cursor=100)  # back to an older cursor


# -- harvesting: a bad answer is a failure of that video only ------------------------------------


@pytest.mark.parametrize(
    "kind, reason",
    [
        ("surrogate", "Something went wrong \ufffd try again"),
        ("nested", "not JSON"),
        ("huge", "HARVESTER_MAX_RESPONSE_BYTES"),
        ("drip", "timed out"),
        ("endless", "without progress"),
    ],
)
def test_a_hostile_answer_dead_letters_its_video_and_the_run_goes_on(kind, reason, store, procs, fake_api):
    data = dataset(3, 30, seed=71)
    bad, *good = seed_videos(store, data.promoted)
    fake = fake_api(data, fail_video_ids={bad: kind}, drip_seconds=0.3)
    result = run_measured(procs, "--json", "harvest", env=fast_env(fake), timeout=90)

    assert_clean(result)
    assert result.returncode == 1, result.stderr  # an item went to the dead-letter queue
    run = json.loads(result.stdout)
    assert (run["status"], run["items_ok"], run["items_failed"]) == ("succeeded", 2, 1)
    item = dlq(procs)[bad]
    assert item["status"] == "pending" and reason in item["error"], item
    assert scalar(store, "SELECT harvest_state FROM videos WHERE id = :v", v=bad) == "failed"
    for vid in good:
        assert scalar(store, "SELECT harvest_state FROM videos WHERE id = :v", v=vid) == "done"
        assert scalar(store, "SELECT count(*) FROM comments WHERE video_id = :v", v=vid) == 30
    asked = sum(1 for p, b, _ in fake.requests if p == COMMENT_LIST_PATH and b.get("video_id") == bad)
    assert asked == (2 if kind == "endless" else 3)  # HARVESTER_RETRY_ATTEMPTS, or the no-progress pages
    if kind == "huge":
        assert fake.huge_sent < 3 * 64 * MB  # stopped at the cap, never the whole GB
    if kind == "drip":
        assert result.elapsed < 30  # 3 attempts of 2 s, not 30 comments a byte a time

    # the API heals: the dead-lettered video replays
    fake.fail_video_ids.clear()
    replay = procs.run("--json", "dlq", "retry", "--all", env=fast_env(fake))
    assert replay.returncode == 0, replay.stderr
    assert scalar(store, "SELECT count(*) FROM comments WHERE video_id = :v", v=bad) == 30


def test_sigterm_interrupts_a_harvest_waiting_on_a_dripping_server(store, procs, fake_api):
    data = dataset(1, 30, seed=72)
    (vid,) = seed_videos(store, data.promoted)
    fake = fake_api(data, fail_video_ids={vid: "drip"}, drip_seconds=1.0)
    proc = Measured(["--json", "harvest"], dict(procs.env, **api_env(fake, HARVESTER_HTTP_TIMEOUT_SECONDS="600")))
    wait_until(lambda: fake.count(COMMENT_LIST_PATH), timeout=30, what="the comment request")
    time.sleep(1.0)  # the answer is dripping now
    sent = proc.signal(signal.SIGTERM)
    result = proc.wait(timeout=30)
    assert time.monotonic() - sent < 5, "SIGTERM took more than 5 s to stop the run"
    assert_clean(result)
    assert result.returncode == 1
    assert last_run(store, "harvesting")[0] == "cancelled"
    assert scalar(store, "SELECT harvest_state FROM videos WHERE id = :v", v=vid) == "queued"  # released
    assert dlq(procs) == {}


def test_sigterm_interrupts_discovery_waiting_for_an_answer(store, procs, fake_api):
    fake = fake_api(dataset(3, 0, seed=73), faults={"video/query": "hang"}, hang_seconds=120)
    proc = Measured(["discover"], dict(procs.env, **api_env(fake, HARVESTER_HTTP_TIMEOUT_SECONDS="600")))
    wait_until(lambda: fake.quota_used, timeout=30, what="the video query")  # counted before it hangs
    time.sleep(0.5)
    sent = proc.signal(signal.SIGTERM)
    result = proc.wait(timeout=30)
    assert time.monotonic() - sent < 5, "SIGTERM took more than 5 s to stop the run"
    assert_clean(result)
    assert result.returncode == 1
    assert last_run(store, "discovery")[0] == "cancelled"


# -- discovery: an endless cursor fails that day's scan, the other days go on ----------------------


class EndlessDayTikTok(FakeTikTok):
    """The video query of one UTC day (`endless_day`, YYYYMMDD) pages forever through nothing."""

    endless_day = ""

    def _pick_fault(self, req):
        fault = super()._pick_fault(req)
        if fault is None and req.path == VIDEO_QUERY_PATH:
            try:
                body = json.loads(req.raw or b"{}")
            except ValueError:
                return None
            if body.get("start_date") == self.endless_day:
                return "endless"
        return fault


def test_an_endless_cursor_fails_the_days_scan_and_the_run(store, procs, fake_api):
    data = dataset(12, 0, seed=74)
    fake = fake_api(data, cls=EndlessDayTikTok)
    days = sorted({time.strftime("%Y%m%d", time.gmtime(v["create_time"])) for v in data.videos})
    fake.endless_day = days[-1]  # the newest day: scanned first
    env = fast_env(fake, HARVESTER_DISCOVERY_DAYS="5", HARVESTER_DAILY_REQUEST_BUDGET="500")
    result = run_measured(procs, "--json", "discover", env=env, timeout=60)

    assert_clean(result)
    assert result.returncode == 1, (result.stdout, result.stderr)
    status, error, _ok, failed = last_run(store, "discovery")
    assert status == "failed" and failed == 1 and "without progress" in error and days[-1] in error
    endless = [b for p, b, _ in fake.requests if p == VIDEO_QUERY_PATH and b.get("start_date") == days[-1]]
    assert len(endless) == 3  # a few pages, not the whole budget
    # the other days were scanned and their videos queued
    other = {int(v["id"]) for v in data.promoted if time.strftime("%Y%m%d", time.gmtime(v["create_time"])) != days[-1]}
    stored = {int(i) for (i,) in query(store, "SELECT id FROM videos")}
    assert other and other <= stored
    assert "discover.day_failed" in {e for (e,) in query(store, "SELECT event FROM system_logs")}


def test_an_endless_cursor_everywhere_stops_after_two_failed_days(store, procs, fake_api):
    fake = fake_api(dataset(4, 0, seed=75), faults={"video/query": "endless"})
    env = fast_env(fake, HARVESTER_DISCOVERY_DAYS="7", HARVESTER_DAILY_REQUEST_BUDGET="500")
    result = run_measured(procs, "discover", env=env, timeout=60)
    assert_clean(result)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "without progress" in lines[0], result.stderr
    assert fake.count(VIDEO_QUERY_PATH) == 6  # two days of three pages, then the source counts as failing
    assert last_run(store, "discovery")[0] == "failed"


# -- the alert webhook has the same bounds -----------------------------------------------------------


def test_a_dripping_alert_webhook_does_not_hold_health(store, procs, server):
    url = server(drip)
    env = {
        "HARVESTER_ALERT_WEBHOOK_URL": url + "/hook",
        "HARVESTER_HTTP_TIMEOUT_SECONDS": "1",
        "HARVESTER_RETRY_ATTEMPTS": "2",
        "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.05",
    }
    result = run_measured(procs, "health", "--notify", env=env, timeout=60)
    assert_clean(result)
    assert result.elapsed < 15
    assert result.returncode == 1  # alerts fire on a new store; the webhook failure is logged
    events = {e for (e,) in query(store, "SELECT event FROM system_logs")}
    assert "health.notify_failed" in events


def test_sigterm_interrupts_health_waiting_on_the_webhook(store, procs, server):
    hits = []
    url = server(lambda handler: (hits.append(handler.path), silent(handler)))
    env = dict(procs.env, HARVESTER_ALERT_WEBHOOK_URL=url + "/hook", HARVESTER_HTTP_TIMEOUT_SECONDS="600")
    proc = Measured(["health", "--notify"], env)
    wait_until(lambda: hits, timeout=30, what="the webhook post")
    sent = proc.signal(signal.SIGTERM)
    result = proc.wait(timeout=30)
    assert time.monotonic() - sent < 5
    assert_clean(result)
    assert last_run(store, "health")[0] == "cancelled"


# -- the run's deadline interrupts a request in flight (slow: a 1-minute deadline) ------------------


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # a minute of waiting; the store plays no part
def test_the_run_deadline_interrupts_a_request_in_flight(store, procs, fake_api):
    fake = fake_api(dataset(3, 0, seed=76), faults={"video/query": "drip"}, drip_seconds=1.0)
    env = api_env(
        fake, HARVESTER_HTTP_TIMEOUT_SECONDS="600", DISCOVERY_JOB_TIMEOUT_MINUTES="1", HARVESTER_HEARTBEAT_SECONDS="15"
    )
    result = run_measured(procs, "discover", env=env, timeout=120)
    assert_clean(result)
    assert result.elapsed < 60 + 5 + 2, f"ended {result.elapsed:.0f}s after start"  # deadline + 5 s (+ start-up)
    assert result.returncode == 1
    assert last_run(store, "discovery")[0] == "timed_out"
