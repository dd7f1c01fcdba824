"""`harvester check` (issue 16, part 3) against real local servers, files and stores: each check
passing and failing, exit codes 0/1/2, --json, --offline, --send-test, no secrets shown, no
quota spent, no store or table created, no run recorded. And `make smoke` (part 4)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from harvester_cli.store import schema
from tests.conftest import init_store
from tests.fakes.tiktok_server import API_PATHS, TOKEN_PATH, FakeTikTok
from tests.fakes.worker_server import FakeWorker
from tests.helpers.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
SECRET_PATH = "/hook/T0001/B0002/sEcReTwEbHoOk42"
PING_UUID = "5f3c2a9e-7d41-4b8a-9c1e-0a6b2d4f8e13"


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A valid files-source setup on a SQLite store that does not exist yet; tests change it."""
    values = {
        "HARVESTER_DATABASE_URL": f"sqlite:///{tmp_path / 'harvester.db'}",
        "HARVESTER_LOCK_DIR": str(tmp_path / "locks"),
        "HARVESTER_SOURCE": "files",
        "HARVESTER_FILES_DIR": str(SAMPLE),
        "HARVESTER_HTTP_TIMEOUT_SECONDS": "2",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


@pytest.fixture
def check(env):
    """Run `harvester check ARGS` in-process; returns (exit code, {name: check}, result)."""
    from harvester_cli.app import app

    def invoke(*args: str):
        result = CliRunner().invoke(app, ["check", "--json", *args], catch_exceptions=False)
        data = json.loads(result.stdout)
        assert set(data) >= {"ok", "checks"} and data["ok"] == (result.exit_code == 0)
        for item in data["checks"]:
            assert set(item) == {"name", "status", "detail"} and item["status"] in ("ok", "warn", "fail")
        return result.exit_code, {c["name"]: c for c in data["checks"]}, result

    return invoke


def statuses(checks: dict) -> dict:
    return {name: c["status"] for name, c in checks.items()}


def tables_of(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


# -- all is well ------------------------------------------------------------------------------------


def test_all_is_well_exits_0_with_a_table(env, check, tmp_path):
    init_store(os.environ["HARVESTER_DATABASE_URL"])
    code, checks, _ = check()
    assert code == 0, checks
    assert statuses(checks) == {
        "settings": "ok",
        "store": "ok",
        "lock directory": "ok",
        "source files": "ok",
        "webhook HARVESTER_ALERT_WEBHOOK_URL": "ok",
        "ping URLs": "ok",
    }
    assert f"schema {schema.head()}, current" in checks["store"]["detail"]
    assert "videos.jsonl: the first 5 lines parse" in checks["source files"]["detail"]
    assert not (tmp_path / "locks").exists()  # the lock directory is checked, not created

    from harvester_cli.app import app

    table = CliRunner().invoke(app, ["check"], catch_exceptions=False)
    assert table.exit_code == 0
    assert "all checks passed" in table.stdout and "lock directory" in table.stdout
    quiet = CliRunner().invoke(app, ["-q", "check"], catch_exceptions=False)
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_check_records_no_run_and_creates_no_table(check, db_url, env):
    env.setenv("HARVESTER_DATABASE_URL", db_url)
    init_store(db_url)
    before = tables_of(db_url)
    code, checks, _ = check()
    assert code == 0 and checks["store"]["status"] == "ok"
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM job_status")).scalar() == 0
        assert conn.execute(sa.text("SELECT count(*) FROM api_usage")).scalar() == 0
    engine.dispose()
    assert tables_of(db_url) == before


# -- settings ---------------------------------------------------------------------------------------


def test_every_invalid_setting_is_reported_with_its_origin(check, env, tmp_path):
    env_file = tmp_path / "harvester.env"
    env_file.write_text("MAX_CONCURRENT_HEALTH_JOBS=0\nHARVESTER_HARVEST_ORDER=random\nHARVESTER_DISCOVERY_DAYS=5\n")
    env.setenv("HARVESTER_ENV_FILE", str(env_file))
    env.setenv("HARVESTER_DISCOVERY_DAYS", "seven")  # the environment wins over the file, and is bad
    env.setenv("HARVESTER_PING_URL", "ftp://pings.example/s3cr3t-ping-path")
    code, checks, _ = check()
    assert code == 2
    assert "settings" not in checks
    days = checks["setting HARVESTER_DISCOVERY_DAYS"]
    assert days["status"] == "fail" and "(from environment)" in days["detail"] and "'seven'" in days["detail"]
    health = checks["setting MAX_CONCURRENT_HEALTH_JOBS"]
    assert f"(from env file {env_file})" in health["detail"] and "below the minimum of 1" in health["detail"]
    assert f"(from env file {env_file})" in checks["setting HARVESTER_HARVEST_ORDER"]["detail"]
    ping = checks["setting HARVESTER_PING_URL"]
    assert "(from environment)" in ping["detail"] and "s3cr3t" not in json.dumps(checks)
    assert checks["ping HARVESTER_PING_URL"]["detail"].startswith("not checked")
    # the other checks still ran
    assert checks["source files"]["status"] == "ok" and checks["lock directory"]["status"] == "ok"


def test_an_unreadable_env_file_is_reported(check, env, tmp_path):
    env_file = tmp_path / "broken.env"
    env_file.write_text("HARVESTER_SOURCE=files\nthis is not a setting\n")
    code, checks, _ = check("--env-file", str(env_file))
    assert code == 2
    assert checks["env file"]["status"] == "fail" and f"{env_file}:2" in checks["env file"]["detail"]
    code, checks, _ = check("--env-file", str(tmp_path / "missing.env"))
    assert code == 2 and "does not exist" in checks["env file"]["detail"]


def test_invalid_system_config_rows_are_reported(check, db_url, env):
    from harvester_cli.store import config as config_store
    from harvester_cli.store.base import Store

    env.setenv("HARVESTER_DATABASE_URL", db_url)
    init_store(db_url)
    store = Store.open(db_url)
    config_store.put(store, "max_concurrent_discovery_jobs", "lots")
    config_store.put(store, "harvester_retention_days", "30")  # a good one
    store.dispose()
    code, checks, _ = check()
    assert code == 2
    bad = checks["setting MAX_CONCURRENT_DISCOVERY_JOBS"]
    assert bad["status"] == "fail" and "(from system_config key max_concurrent_discovery_jobs)" in bad["detail"]
    assert checks["store"]["status"] == "ok"


def test_missing_source_settings_are_invalid_settings(check, env):
    env.delenv("HARVESTER_SOURCE")
    code, checks, _ = check()
    assert code == 2 and "HARVESTER_SOURCE is not set" in checks["source"]["detail"]
    env.setenv("HARVESTER_SOURCE", "worker")
    code, checks, _ = check()
    assert code == 2 and "WORKER_WEBHOOK_URL and WORKER_API_KEY not set" in checks["source worker"]["detail"]


def test_the_database_url_option_is_checked_like_the_environment(check, tmp_path):
    code, checks, _ = check("--database-url", "mysql://u:pw-123456@db/h")
    assert code == 2
    detail = checks["setting HARVESTER_DATABASE_URL"]["detail"]
    assert "(from command-line option)" in detail and "pw-123456" not in detail
    assert checks["store"]["detail"].startswith("not checked")


# -- store ------------------------------------------------------------------------------------------


def test_a_missing_sqlite_store_is_not_created(check, tmp_path):
    code, checks, _ = check()
    assert code == 0  # a warning: `harvester init` (or the first job) creates it
    assert checks["store"]["status"] == "warn" and "harvester init" in checks["store"]["detail"]
    assert not (tmp_path / "harvester.db").exists()
    assert list(tmp_path.glob("harvester.db*")) == []


def test_a_missing_database_directory_fails(check, env, tmp_path):
    env.setenv("HARVESTER_DATABASE_URL", f"sqlite:///{tmp_path / 'nowhere' / 'h.db'}")
    env.setenv("HARVESTER_LOCK_DIR", str(tmp_path / "locks"))
    code, checks, _ = check()
    assert code == 1 and checks["store"]["status"] == "fail"
    assert "does not exist" in checks["store"]["detail"]
    assert not (tmp_path / "nowhere").exists()


def test_an_empty_database_is_missing_and_gets_no_table(check, db_url, env):
    env.setenv("HARVESTER_DATABASE_URL", db_url)
    if db_url.startswith("sqlite"):  # an existing but empty file
        sa.create_engine(db_url).connect().close()
    code, checks, _ = check()
    assert code == 0 and checks["store"]["status"] == "warn"
    assert "harvester init" in checks["store"]["detail"]
    assert tables_of(db_url) == set()


def test_a_first_release_store_is_behind(check, db_url, env):
    first = importlib.import_module("harvester_cli.store.migrations.versions.0001_first_release")
    engine = sa.create_engine(db_url)
    first.metadata.create_all(engine)
    engine.dispose()
    before = tables_of(db_url)
    env.setenv("HARVESTER_DATABASE_URL", db_url)
    code, checks, _ = check()
    assert code == 0 and checks["store"]["status"] == "warn"
    assert (
        f"run harvester init to upgrade (store at 0001 (first release, no version recorded), this version "
        f"needs {schema.head()})" in checks["store"]["detail"]
    )
    assert tables_of(db_url) == before and schema.VERSION_TABLE not in before


def test_a_store_behind_head_is_reported(check, db_url, env):
    init_store(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '0001'"))
    engine.dispose()
    env.setenv("HARVESTER_DATABASE_URL", db_url)
    code, checks, _ = check()
    assert code == 0 and checks["store"]["status"] == "warn"
    assert f"store at 0001, this version needs {schema.head()}" in checks["store"]["detail"]


def test_a_store_ahead_of_the_code_fails(check, db_url, env):
    init_store(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    env.setenv("HARVESTER_DATABASE_URL", db_url)
    code, checks, _ = check()
    assert code == 1 and checks["store"]["status"] == "fail"
    assert "schema 9999 is newer" in checks["store"]["detail"]


def test_an_unreachable_database_fails(check, env):
    env.setenv("HARVESTER_DATABASE_URL", f"postgresql+psycopg://harvester:pw-s3cret@127.0.0.1:{closed_port()}/h")
    env.setenv("HARVESTER_LOCK_BACKEND", "postgres")
    code, checks, result = check()
    assert code == 1 and checks["store"]["status"] == "fail"
    assert "cannot connect" in checks["store"]["detail"]
    assert "pw-s3cret" not in result.stdout
    assert checks["lock directory"]["status"] == "ok" and "advisory" in checks["lock directory"]["detail"]


# -- lock directory ---------------------------------------------------------------------------------


def test_lock_dir_that_exists_with_mode_700_is_ok(check, tmp_path):
    (tmp_path / "locks").mkdir(mode=0o700)
    code, checks, _ = check()
    assert code == 0 and checks["lock directory"]["status"] == "ok"
    assert "mode 700" in checks["lock directory"]["detail"]
    assert list((tmp_path / "locks").iterdir()) == []  # the probe file is gone


def test_lock_dir_writable_by_others_warns(check, tmp_path):
    (tmp_path / "locks").mkdir()
    os.chmod(tmp_path / "locks", 0o777)
    code, checks, _ = check()
    assert code == 0 and checks["lock directory"]["status"] == "warn"
    assert "chmod 700" in checks["lock directory"]["detail"]


def test_lock_dir_that_cannot_be_created_fails(check, env, tmp_path):
    (tmp_path / "a-file").write_text("")
    env.setenv("HARVESTER_LOCK_DIR", str(tmp_path / "a-file" / "locks"))
    code, checks, _ = check()
    assert code == 1 and checks["lock directory"]["status"] == "fail"
    assert "cannot be created" in checks["lock directory"]["detail"]
    env.setenv("HARVESTER_LOCK_DIR", str(tmp_path / "a-file"))
    code, checks, _ = check()
    assert code == 1 and "is not a directory" in checks["lock directory"]["detail"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to any directory")
def test_lock_dir_that_is_not_writable_fails(check, tmp_path):
    (tmp_path / "locks").mkdir(mode=0o500)
    try:
        code, checks, _ = check()
    finally:
        os.chmod(tmp_path / "locks", 0o700)
    assert code == 1 and "not writable" in checks["lock directory"]["detail"]


def test_lock_dir_defaults_next_to_the_sqlite_file(check, env, tmp_path):
    env.delenv("HARVESTER_LOCK_DIR")
    code, checks, _ = check()
    assert code == 0 and str(tmp_path / "harvester.db.locks") in checks["lock directory"]["detail"]


def test_postgres_lock_backend_needs_postgresql(check, env):
    env.setenv("HARVESTER_LOCK_BACKEND", "postgres")
    code, checks, _ = check()
    assert code == 2 and "needs a PostgreSQL" in checks["lock directory"]["detail"]


# -- sources ----------------------------------------------------------------------------------------


def test_tiktok_token_request_only_and_no_quota(check, env, tmp_path):
    with FakeTikTok() as fake:
        env.setenv("HARVESTER_SOURCE", "tiktok")
        env.setenv("TIKTOK_API_BASE_URL", fake.base_url)
        env.setenv("TIKTOK_CLIENT_KEY", "test-key")
        env.setenv("TIKTOK_CLIENT_SECRET", "test-secret")
        code, checks, result = check()
        assert code == 0, checks
        assert checks["source tiktok"]["status"] == "ok"
        assert "issued an access token" in checks["source tiktok"]["detail"]
        assert fake.count(TOKEN_PATH) == 1
        assert sum(fake.count(p) for p in API_PATHS) == 0
        assert fake.quota_used == 0
        assert "test-secret" not in result.stdout
    assert list(tmp_path.rglob("*token*")) == []  # the token is not cached


def test_tiktok_wrong_credentials_fail(check, env):
    with FakeTikTok() as fake:
        env.setenv("HARVESTER_SOURCE", "tiktok")
        env.setenv("TIKTOK_API_BASE_URL", fake.base_url)
        env.setenv("TIKTOK_CLIENT_KEY", "test-key")
        env.setenv("TIKTOK_CLIENT_SECRET", "wrong-secret-123")
        code, checks, result = check()
        assert code == 1
        detail = checks["source tiktok"]["detail"]
        assert checks["source tiktok"]["status"] == "fail" and "invalid_client" in detail
        assert "wrong-secret-123" not in result.stdout
        assert fake.quota_used == 0 and sum(fake.count(p) for p in API_PATHS) == 0


def test_tiktok_unreachable_fails(check, env):
    env.setenv("HARVESTER_SOURCE", "tiktok")
    env.setenv("TIKTOK_API_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    env.setenv("TIKTOK_CLIENT_KEY", "k")
    env.setenv("TIKTOK_CLIENT_SECRET", "s")
    code, checks, _ = check()
    assert code == 1 and "connection failed" in checks["source tiktok"]["detail"]


def test_worker_authenticated_request_with_no_items(check, env):
    with FakeWorker(api_key="worker-key-1234") as worker:
        env.setenv("HARVESTER_SOURCE", "worker")
        env.setenv("WORKER_WEBHOOK_URL", worker.base_url)
        env.setenv("WORKER_API_KEY", "worker-key-1234")
        code, checks, result = check()
        assert code == 0 and checks["source worker"]["status"] == "ok", checks
        assert [path for path, _b, _s in worker.requests] == ["/videos/0/comments"]
        assert "worker-key-1234" not in result.stdout

        env.setenv("WORKER_API_KEY", "wrong-key-5678")
        code, checks, result = check()
        assert code == 1 and "refused the key" in checks["source worker"]["detail"]
        assert "wrong-key-5678" not in result.stdout


def test_worker_url_that_is_not_the_worker_fails(check, env):
    with Receiver() as other:  # answers 200 "OK" to anything
        env.setenv("HARVESTER_SOURCE", "worker")
        env.setenv("WORKER_WEBHOOK_URL", other.base_url)
        env.setenv("WORKER_API_KEY", "worker-key")
        code, checks, _ = check()
        assert code == 1 and "worker contract" in checks["source worker"]["detail"]
        assert other.requests[0].headers["authorization"] == "Bearer worker-key"


def test_files_source_failures(check, env, tmp_path):
    data = tmp_path / "data"
    env.setenv("HARVESTER_FILES_DIR", str(data))
    code, checks, _ = check()
    assert code == 1 and "does not exist" in checks["source files"]["detail"]

    data.mkdir()
    code, checks, _ = check()
    assert code == 1 and "videos.jsonl not found" in checks["source files"]["detail"]

    shutil.copy(SAMPLE / "videos.jsonl", data / "videos.jsonl")
    code, checks, _ = check()
    assert code == 0 and checks["source files"]["status"] == "warn"
    assert "comments.jsonl not found" in checks["source files"]["detail"]

    lines = (SAMPLE / "comments.jsonl").read_text().splitlines()
    (data / "comments.jsonl").write_text(
        "\n".join([lines[0], '{"id": 1, "text": "no video"}', "{cut off"] + lines[1:4]) + "\n"
    )
    code, checks, _ = check()
    assert code == 0 and checks["source files"]["status"] == "warn"
    assert "comments.jsonl: 3 of the first 5 lines parse (line 2: missing video_id" in checks["source files"]["detail"]

    (data / "videos.jsonl").write_text("[red]not json[/red]\n\x1b[31mnor this\n")
    code, checks, result = check()
    assert code == 1 and checks["source files"]["status"] == "fail"
    assert "videos.jsonl: none of the first 2 lines parse (line 1: not valid JSON" in checks["source files"]["detail"]


# -- webhooks and pings -----------------------------------------------------------------------------


def test_webhook_reachable_without_posting(check, env):
    with Receiver() as receiver:
        env.setenv("HARVESTER_ALERT_WEBHOOK_URL", receiver.base_url + SECRET_PATH)
        code, checks, result = check()
        assert code == 0
        hook = checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]
        assert hook["status"] == "ok" and "reachable" in hook["detail"]
        assert [h.method for h in receiver.requests] == ["HEAD"] and receiver.messages == []
        assert "sEcReT" not in result.stdout


def test_send_test_posts_a_marked_test_message(check, env):
    with Receiver() as receiver:
        env.setenv("HARVESTER_ALERT_WEBHOOK_URL", receiver.base_url + SECRET_PATH)
        code, checks, result = check("--send-test")
        assert code == 0, checks
        assert len(receiver.messages) == 1
        message = receiver.messages[0]
        assert message["test"] is True and "TEST" in message["text"] and "not an alert" in message["text"]
        assert {"text", "host", "healthy", "alerts_started", "alerts_resolved"} <= set(message)
        assert receiver.requests[0].path == SECRET_PATH
        assert "accepted the test message" in checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]["detail"]
        assert "sEcReT" not in result.stdout

        receiver.fail_with = 500
        code, checks, result = check("--send-test")
        assert code == 1 and "refused the test message" in checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]["detail"]
        assert "sEcReT" not in result.stdout


def test_send_test_needs_a_webhook_and_the_network(check, env):
    code, checks, _ = check("--send-test")
    assert (
        code == 2
        and "--send-test needs HARVESTER_ALERT_WEBHOOK_URL" in checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]["detail"]
    )
    from harvester_cli.app import app

    result = CliRunner().invoke(app, ["check", "--offline", "--send-test"])
    assert result.exit_code == 2 and "drop --offline" in result.stderr


def test_unreachable_and_hanging_webhooks_fail(check, env):
    env.setenv("HARVESTER_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{closed_port()}{SECRET_PATH}")
    code, checks, result = check()
    assert code == 1 and "unreachable" in checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]["detail"]
    assert "sEcReT" not in result.stdout
    with Receiver() as receiver:
        receiver.hang = 10
        env.setenv("HARVESTER_HTTP_TIMEOUT_SECONDS", "0.5")
        env.setenv("HARVESTER_ALERT_WEBHOOK_URL", receiver.base_url + SECRET_PATH)
        started = time.monotonic()
        code, checks, _ = check()
        assert time.monotonic() - started < 5
        assert code == 1 and "timed out" in checks["webhook HARVESTER_ALERT_WEBHOOK_URL"]["detail"]


def test_ping_urls_are_checked_without_pinging(check, env):
    with Receiver() as receiver:
        env.setenv("HARVESTER_PING_URL", f"{receiver.base_url}/ping/{PING_UUID}")
        env.setenv("HARVESTER_PING_URL_HARVESTING", f"{receiver.base_url}/ping/{PING_UUID}-h")
        code, checks, result = check()
        assert code == 0, checks
        assert checks["ping HARVESTER_PING_URL"]["status"] == "ok"
        assert checks["ping HARVESTER_PING_URL_HARVESTING"]["status"] == "ok"
        assert "not pinged" in checks["ping HARVESTER_PING_URL"]["detail"]
        assert receiver.pings("/ping") == []  # no check was marked as run
        assert {(h.method, h.path) for h in receiver.requests} == {("HEAD", "/")}
        assert PING_UUID not in result.stdout


def test_unreachable_ping_host_fails(check, env):
    env.setenv("HARVESTER_PING_URL_DISCOVERY", f"http://127.0.0.1:{closed_port()}/ping/{PING_UUID}")
    code, checks, result = check()
    assert code == 1 and checks["ping HARVESTER_PING_URL_DISCOVERY"]["status"] == "fail"
    assert PING_UUID not in result.stdout


def test_offline_makes_no_request(check, env):
    with FakeTikTok() as fake, Receiver() as receiver:
        env.setenv("HARVESTER_SOURCE", "tiktok")
        env.setenv("TIKTOK_API_BASE_URL", fake.base_url)
        env.setenv("TIKTOK_CLIENT_KEY", "test-key")
        env.setenv("TIKTOK_CLIENT_SECRET", "wrong")  # not asked, so not found out
        env.setenv("HARVESTER_ALERT_WEBHOOK_URL", receiver.base_url + SECRET_PATH)
        env.setenv("HARVESTER_PING_URL", f"{receiver.base_url}/ping/{PING_UUID}")
        code, checks, result = check("--offline")
        assert code == 0, checks
        assert fake.count() == 0 and receiver.requests == []
        assert all(
            "--offline" in checks[n]["detail"]
            for n in ("source tiktok", "webhook HARVESTER_ALERT_WEBHOOK_URL", "ping HARVESTER_PING_URL")
        )
        assert "sEcReT" not in result.stdout and PING_UUID not in result.stdout


class _Hostile:
    """A 'worker' that refuses every key with markup and an escape sequence in its error."""

    def __enter__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = json.dumps({"error": "[bold red]boom[/bold red] \x1b[31mred"}).encode()
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_table_shows_server_text_literally(env):
    with _Hostile() as worker:
        env.setenv("HARVESTER_SOURCE", "worker")
        env.setenv("WORKER_WEBHOOK_URL", worker.base_url)
        env.setenv("WORKER_API_KEY", "k-123456")
        from harvester_cli.app import app

        result = CliRunner().invoke(app, ["check"], catch_exceptions=False)
        assert result.exit_code == 1
        assert "[bold red]boom[/bold red]" in result.stdout and "\x1b" not in result.stdout


# -- make smoke -------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_smoke_passes(tmp_path):
    """The CI smoke recipe, with this interpreter's environment (the venv is not rebuilt)."""
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "TIKTOK_", "WORKER_", "MAX_CONCURRENT_"))
    }
    environ["TMPDIR"] = str(tmp_path)
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        ["make", "--no-print-directory", "--assume-old=.venv/.installed", "smoke", f"BIN={bin_dir}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "smoke: ok" in result.stdout
    assert list(tmp_path.iterdir()) == []  # the temporary store is gone


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_run_the_smoke_recipe_and_the_preflight(name):
    text = (ROOT / "examples" / "ci" / name).read_text()
    assert "make smoke" in text and "harvester check --json" in text
    assert "\t" not in text  # YAML: indentation by spaces only
    try:
        import yaml
    except ImportError:
        return
    data = yaml.safe_load(text)
    jobs = data["jobs"] if "jobs" in data else data
    assert {"smoke", "preflight"} <= set(jobs)


def test_verbose_logs_show_no_secret(check, env):
    from harvester_cli.app import app

    with Receiver() as receiver:
        env.setenv("HARVESTER_ALERT_WEBHOOK_URL", receiver.base_url + SECRET_PATH)
        env.setenv("HARVESTER_PING_URL", f"{receiver.base_url}/ping/{PING_UUID}")
        for bad in ("", "nope"):  # valid settings, then one invalid
            env.setenv("HARVESTER_DISCOVERY_DAYS", bad)
            result = CliRunner().invoke(app, ["-v", "check"], catch_exceptions=False)
            assert result.exit_code == (2 if bad else 0)
            assert "sEcReT" not in result.output and PING_UUID not in result.output
            assert "sEcReT" not in result.stderr and PING_UUID not in result.stderr
