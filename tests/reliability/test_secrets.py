"""Issue 11, parts 1 and 2: no secret printed or sent astray.

One redaction layer for everything that leaves the process (stdout, stderr, log lines,
job_status, system_logs, the dead-letter queue, webhook and ping bodies): it knows every secret
in its raw, URL-encoded, JSON-escaped and upper-cased forms, masks credentials inside any URL
and is in force before the settings are validated. Endpoints that receive credentials come from
the environment or the env file only, https except on loopback. Real processes, real HTTP
servers on 127.0.0.1, SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from urllib.parse import quote, quote_plus, unquote_plus

import pytest
from sqlalchemy.engine import make_url

from tests.fakes.tiktok_server import COMMENT_LIST_PATH, TOKEN_PATH, FakeTikTok
from tests.fakes.worker_server import FakeWorker
from tests.helpers.receiver import Receiver
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos

# Every secret a distinct value, with characters that URL-encoding and JSON-escaping change.
CLIENT_KEY = "ck-Alpha7/Q+x=1"
CLIENT_SECRET = 'cs-Bravo8/"\u00e9 Z'
WORKER_KEY = "wk-Charlie9+/Y"
HOOK_PATH = "/hooks/Delta0-wh-5b1a"
PING_PATH = "/ping/Echo1-pg-7d2c"
DB_PASSWORD = "Foxtrot2/pw@x"
SECRETS = (CLIENT_KEY, CLIENT_SECRET, WORKER_KEY, HOOK_PATH, PING_PATH, DB_PASSWORD)
#: a part of each secret that no redaction may leave behind, whatever the form
CORES = ("alpha7", "bravo8", "charlie9", "delta0-wh", "echo1-pg", "foxtrot2")
REDACTED = "********"


def careless(text: str) -> str:
    """How a careless server repeats what it received: as is, URL-encoded, JSON-escaped, upper-cased."""
    return " | ".join(
        (
            text,
            quote(text, safe=""),
            quote_plus(text),
            json.dumps(text)[1:-1],
            json.dumps(text, ensure_ascii=False)[1:-1],
            text.upper(),
        )
    )


def leaks(text: str, secrets=SECRETS, cores=CORES) -> list[str]:
    """Every form of a secret (or a core of one) found in text, case-insensitively."""
    low = text.lower()
    found = []
    for secret in secrets:
        for form in {
            secret,
            quote(secret, safe=""),
            quote(secret),
            quote_plus(secret),
            json.dumps(secret)[1:-1],
            json.dumps(secret, ensure_ascii=False)[1:-1],
        }:
            if form.lower() in low:
                found.append(form)
    return found + [core for core in cores if core in low]


class EchoingApi(FakeTikTok):
    """A TikTok API that repeats credentials and the access token in its errors, in every form."""

    reject_token = False
    echo_500: int | None = None
    echo_400: int | None = None
    bidi_500: int | None = None

    def _handle(self, req):
        got = req.raw.decode("utf-8", "replace")
        if req.path == TOKEN_PATH and self.reject_token:  # the form body, echoed
            return self._error(401, "invalid_client", f"rejected {careless(got)} | {careless(unquote_plus(got))}")
        if req.path == COMMENT_LIST_PATH:
            vid = json.loads(req.raw or b"{}").get("video_id")
            auth = req.headers.get("Authorization") or ""
            if vid in (self.echo_500, self.echo_400):
                status, code = (500, "internal_error") if vid == self.echo_500 else (400, "invalid_params")
                return self._error(
                    status, code, f"{careless(auth)} from {careless(self.client_key)} {careless(self.client_secret)}"
                )
            if vid == self.bidi_500:
                return self._error(500, "internal_error", "evil \u202edesrever\u202c text \u2066isolated\u2069 end")
        if not req.path.startswith("/v2/"):  # a webhook on this server: 404 echoing its secret path
            return self._error(404, "not_found", f"no hook at {careless(req.path)}")
        return super()._handle(req)


class EchoingWorker(FakeWorker):
    """A worker service that refuses every request, repeating the bearer key in every form."""

    def _handle(self, req):
        return self._json(401, {"error": "unauthorized: " + careless(req.headers.get("Authorization") or "")})


def all_text(store) -> str:
    """Every column of every table, as one string."""
    from harvester_cli.store.tables import metadata

    parts = []
    for table in metadata.sorted_tables:
        for row in query(store, f"SELECT * FROM {table.name}"):
            parts.extend(str(v) for v in row)
    return "\n".join(parts)


def top_level_commands() -> list[str]:
    import typer

    from harvester_cli.app import app

    return sorted(typer.main.get_command(app).commands)


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.mark.slow
def test_canary_no_secret_in_any_output_table_or_webhook_body(store, procs, fake_api, receiver, db_url, tmp_path):
    """Every secret set to a distinct value; servers echo them in every form; every command run."""
    data = dataset(4, 60, seed=111)
    fake = fake_api(data, cls=EchoingApi, client_key=CLIENT_KEY, client_secret=CLIENT_SECRET)
    ids = seed_videos(store, data.promoted)
    fake.echo_500, fake.echo_400 = ids[0], ids[1]
    env = api_env(
        fake,
        WORKER_API_KEY=WORKER_KEY,
        HARVESTER_ALERT_WEBHOOK_URL=fake.base_url + HOOK_PATH,
        HARVESTER_PING_URL=receiver.base_url + PING_PATH,
    )
    if store.dialect == "postgresql":  # trust authentication: any password is accepted
        env["HARVESTER_DATABASE_URL"] = (
            make_url(procs.env["HARVESTER_DATABASE_URL"])
            .set(password=DB_PASSWORD)
            .render_as_string(hide_password=False)
        )
    outputs: list[tuple[tuple, str]] = []

    def run(*args, code=None, extra=None, stdin=None):
        result = procs.run(*args, env=dict(env, **(extra or {})), input=stdin)
        outputs.append((args, result.stdout + result.stderr))
        if code is not None:
            assert result.returncode == code, (args, result.stdout, result.stderr)
        return result

    # the jobs: a transient echo (retried, dead-lettered), a permanent one, the access token echoed
    run("-v", "--json", "harvest", code=1)
    run("-v", "discover")
    run("extract", code=0)
    run("--json", "run", "--limit", "5")
    # the token endpoint rejects the credentials, echoing its form body
    fake.reject_token = True
    for kept in (tmp_path / "locks").glob("tiktok-token-*.json"):
        kept.unlink()
    run("-v", "dlq", "retry", "--all", code=1)
    run("-v", "--json", "discover")
    fake.reject_token = False
    # the worker source: the bearer key echoed
    worker = EchoingWorker()
    worker.start()
    try:
        run("-v", "discover", extra={"HARVESTER_SOURCE": "worker", "WORKER_WEBHOOK_URL": worker.base_url})
    finally:
        worker.stop()
    # an alert (the kill switch), the webhook answering 404 with its own (secret) URL; then a
    # receiver taking the post
    run("kill-switch", "on", "--reason", "canary test", code=0)
    run("--json", "kill-switch", "status", code=0)
    run("-v", "--json", "health", "--notify")
    run("-v", "health", "--notify", extra={"HARVESTER_ALERT_WEBHOOK_URL": receiver.base_url + HOOK_PATH})
    run("kill-switch", "off", "--reason", "done", code=0)
    # every read and operator command, as a table and as JSON
    for args in (
        ("config", "list"),
        ("--json", "config", "list"),
        ("config", "get", "tiktok_client_secret"),
        ("config", "get", "tiktok_client_key"),
        ("config", "get", "worker_api_key"),
        ("config", "get", "harvester_alert_webhook_url"),
        ("config", "get", "harvester_ping_url"),
        ("--json", "config", "get", "harvester_database_url"),
        ("config", "get", "harvester_database_url"),
        ("jobs",),
        ("--json", "jobs"),
        ("logs", "--limit", "1000"),
        ("--json", "logs", "--limit", "1000"),
        ("dlq", "list"),
        ("--json", "dlq", "list"),
        ("dlq", "show", "1"),
        ("--json", "dlq", "show", "2"),
        ("domains",),
        ("domains", "--format", "csv"),
        ("--json", "domains"),
        ("budget",),
        ("--json", "budget"),
        ("watch", "--once"),
        ("cleanup", "--dry-run"),
        ("--json", "cleanup", "--dry-run"),
        ("kill-switch", "status"),
        ("init",),
        ("-v", "init"),
    ):
        run(*args)
    run("dlq", "discard", "1")
    run("scan", stdin="see shop.example.com\n")
    # secrets are refused as overrides, and the refusal never echoes them
    for key, value in (
        ("tiktok_client_secret", CLIENT_SECRET),
        ("worker_api_key", WORKER_KEY),
        ("harvester_alert_webhook_url", receiver.base_url + HOOK_PATH),
        ("tiktok_api_base_url", "https://other-host.example/" + CLIENT_KEY),
    ):
        run("-v", "config", "set", key, value, code=2)
    # an error carrying a secret, with -v (its traceback too)
    run("-v", "harvest", "--video-id", CLIENT_SECRET, code=2)
    # every other command there is, as it comes (new commands are covered too)
    covered = {
        "harvest",
        "discover",
        "extract",
        "run",
        "dlq",
        "health",
        "config",
        "jobs",
        "logs",
        "domains",
        "budget",
        "watch",
        "cleanup",
        "kill-switch",
        "init",
        "scan",
    }
    for name in top_level_commands():
        if name not in covered:
            run(name, stdin="")
            run("-v", "--json", name, stdin="")

    tokens = list(fake.tokens)  # every access token issued (none was expired)
    assert tokens
    everything = {
        "output": outputs,
        "tables": all_text(store),
        "webhook and ping bodies": [(h.path, h.body.decode("utf-8", "replace")) for h in receiver.requests],
    }
    for args, text in outputs:
        assert not leaks(text), (args, leaks(text), text)
        for token in tokens:
            assert token.lower() not in text.lower(), (args, "access token", text)
    stored = everything["tables"]
    assert not leaks(stored), leaks(stored)
    for token in tokens:
        assert token.lower() not in stored.lower(), "access token stored"
    bodies = everything["webhook and ping bodies"]
    assert any(path == HOOK_PATH for path, _ in bodies), "the alert webhook was posted"
    assert any(path.startswith(PING_PATH) and body for path, body in bodies), "a ping carried a body"
    for path, body in bodies:
        assert not leaks(body), (path, leaks(body), body)
        for token in tokens:
            assert token.lower() not in body.lower()
    # and the echoes did arrive, redacted, where they were recorded
    assert REDACTED in scalar(store, "SELECT error FROM dead_letter_queue ORDER BY id LIMIT 1")
    assert REDACTED in stored


def test_a_setting_that_fails_validation_is_never_echoed(bare_procs, tmp_path):
    """A webhook URL without its scheme used to be printed whole by the validation error."""
    db = f"sqlite:///{tmp_path / 'h.db'}"
    secret_path = "hooks.example.com/services/T000/B000/canaryHOOK9c2e"
    env_file = tmp_path / "h.env"
    env_file.write_text("HARVESTER_PING_URL=hc-ping.com/canaryPING5d1f\n")
    cases = [
        ({"HARVESTER_ALERT_WEBHOOK_URL": secret_path}, "HARVESTER_ALERT_WEBHOOK_URL"),
        ({"HARVESTER_ALERT_WEBHOOK_URL": "https:/" + secret_path}, "HARVESTER_ALERT_WEBHOOK_URL"),
        ({"HARVESTER_ENV_FILE": str(env_file)}, "HARVESTER_PING_URL"),
        ({"HARVESTER_PING_URL_HEALTH": "ftp://" + secret_path}, "HARVESTER_PING_URL_HEALTH"),
        ({"WORKER_API_KEY": "canaryKEY\udcff"}, "WORKER_API_KEY"),
    ]
    for env, name in cases:
        for verbose in ((), ("-v",)):
            result = bare_procs.run(*verbose, "--json", "jobs", env=dict(env, HARVESTER_DATABASE_URL=db))
            assert result.returncode == 2, (env, result.stdout, result.stderr)
            errors = [line for line in result.stderr.splitlines() if "error: " in line]
            assert len(errors) == 1 and name in errors[0], result.stderr
            text = (result.stdout + result.stderr).lower()
            assert "canaryhook" not in text and "canaryping" not in text and "canarykey" not in text, result.stderr


@pytest.mark.parametrize("password", ["Pw/canary-3e9f", "Pw@canary-3e9f", "Pw%2Fcanary-3e9f%40x", "Pw:/@canary-3e9f"])
def test_a_database_password_with_slash_or_at_is_never_shown(bare_procs, password):
    url = f"postgresql+psycopg://harvester:{password}@127.0.0.1:1/x"
    for args in (
        ("jobs",),
        ("init",),
        ("config", "list"),
        ("--json", "config", "get", "harvester_database_url"),
        ("-v", "jobs"),
    ):
        result = bare_procs.run(*args, env={"HARVESTER_DATABASE_URL": url})
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        text = result.stdout + result.stderr
        assert "canary-3e9f" not in text.lower(), (args, text)
        assert "127.0.0.1" in text  # the rest of the URL is still there to debug with


def test_a_database_password_with_a_slash_is_redacted_on_a_live_postgresql(run_proc, db_url):
    """`init`, `config list` and `config get` on a real server (trust authentication)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("a password is a PostgreSQL matter")
    url = db_url.replace("postgresql+psycopg://postgres@", "postgresql+psycopg://postgres:Pw/canary-7a1b@", 1)
    assert url != db_url
    env = {"HARVESTER_DATABASE_URL": url}
    outputs = [
        run_proc(*args, env=env)
        for args in (("init",), ("config", "list"), ("jobs",), ("--json", "config", "get", "harvester_database_url"))
    ]
    for result in outputs:
        assert result.returncode == 0, result.stderr
        assert "canary-7a1b" not in (result.stdout + result.stderr).lower(), result.stdout + result.stderr
    assert REDACTED in json.loads(outputs[-1].stdout)["value"]


def test_credentials_inside_a_url_setting_are_not_shown_by_config_list(cli):
    env = {
        "TIKTOK_API_BASE_URL": "https://apiuser:canaryPW41@api.example.com/x?token=canaryTOK41&sig=canarySIG41&a=1",
        "WORKER_WEBHOOK_URL": "https://w.example.com/base?access_token=canaryAT41&key=canaryK41",
        "HARVESTER_SOURCE": "worker",
    }
    for args in (
        ("config", "list"),
        ("--json", "config", "list"),
        ("config", "get", "tiktok_api_base_url"),
        ("--json", "config", "get", "worker_webhook_url"),
    ):
        result = cli(*args, env=env)
        assert result.exit_code == 0, result.stderr
        text = result.stdout + result.stderr
        assert "canary" not in text.lower(), (args, text)
        assert "api.example.com" in text or "w.example.com" in text  # the URL itself is shown


def test_an_access_token_in_an_error_is_redacted(store, procs, fake_api):
    data = dataset(2, 10, seed=112)
    fake = fake_api(data, cls=EchoingApi)
    ids = seed_videos(store, data.promoted)
    fake.echo_500 = ids[0]  # retried, then dead-lettered with the echo as its error
    result = procs.run("-v", "--json", "harvest", env=api_env(fake))
    assert result.returncode == 1, result.stderr
    tokens = list(fake.tokens)
    assert tokens
    stored = all_text(store)
    listed = procs.run("--json", "dlq", "list").stdout + procs.run("logs", "--limit", "500").stdout
    for token in tokens:
        for text in (result.stdout + result.stderr, stored, listed):
            assert token.lower() not in text.lower()
    assert "Bearer " + REDACTED in scalar(store, "SELECT error FROM dead_letter_queue")


# -- the write paths themselves ------------------------------------------------------------------


def test_every_write_to_the_store_passes_the_redaction_layer(store, db_url, tmp_path):
    """system_logs, job_status and the dead-letter queue never keep a secret, in any form, even
    when a caller forgot to scrub (the layer is at the write, not at the callers)."""
    from harvester_cli import settings as settings_mod
    from harvester_cli.store import dlq as dlq_store
    from harvester_cli.store import logs, runs

    secret = "canary-Wp9/+z"
    settings_mod.load(
        {"HARVESTER_DATABASE_URL": db_url, "WORKER_API_KEY": secret, "HARVESTER_LOCK_DIR": str(tmp_path / "locks")}
    )
    echoed = careless(secret) + " and http://u:canary-pw-2@h/x?signature=canary-sig-2"
    try:
        logs.write(store, "test.event", f"message {echoed}", details={"echo": echoed})
        dlq_store.add(
            store,
            job_type="harvesting",
            item_key="1",
            payload={"echo": echoed},
            error=echoed,
            error_type="Test",
            run_id=None,
        )
        run_id = runs.start(
            store,
            job_type="cleanup",
            status="running",
            host="h",
            pid=1,
            slot=1,
            token="t" * 32,
            lock_ref=None,
            params={"echo": echoed},
            deadline_at=None,
            error=echoed,
        )
        runs.finish(store, run_id, "t" * 32, status="failed", items_ok=0, items_failed=1, error=echoed)
        stored = all_text(store)
        assert "canary" not in stored.lower(), stored
        assert REDACTED in stored
    finally:
        from harvester_cli import redact

        redact.reset()


# -- endpoints that receive credentials (part 2) ----------------------------------------------------


@pytest.mark.parametrize(
    "key, value, needle",
    [
        ("tiktok_api_base_url", "http://other-host.example", "receives credentials"),
        ("tiktok_api_base_url", "https://other-host.example", "receives credentials"),
        ("worker_webhook_url", "https://other-host.example/w", "receives credentials"),
        ("harvester_alert_webhook_url", "https://hooks.example.com/x", "secret"),
        ("harvester_ping_url", "https://hc-ping.com/x", "secret"),
        ("harvester_ping_url_harvesting", "https://hc-ping.com/y", "secret"),
    ],
)
def test_config_set_of_an_endpoint_is_refused_saying_why(cli, store, key, value, needle):
    result = cli("config", "set", key, value)
    assert result.exit_code == 2, result.stdout
    assert needle in result.stderr and "environment" in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
    assert scalar(store, "SELECT count(*) FROM system_config WHERE key = :k", k=key) == 0


def test_a_system_config_row_for_an_endpoint_is_ignored_and_shown_as_ignored(store, procs, fake_api, receiver):
    """A row left by an older version must not send the credentials to another host."""
    from harvester_cli.store import config as config_store

    data = dataset(2, 5, seed=113)
    fake = fake_api(data)
    config_store.put(store, "tiktok_api_base_url", receiver.base_url)  # the collector
    config_store.put(store, "worker_webhook_url", receiver.base_url + "/w")
    env = api_env(fake)
    result = procs.run("--json", "discover", env=env)
    assert result.returncode == 0, result.stderr
    assert fake.count(TOKEN_PATH) >= 1
    assert receiver.requests == [], "credentials went to the system_config endpoint"
    got = json.loads(procs.run("--json", "config", "get", "tiktok_api_base_url", env=env).stdout)
    assert got["origin"] == "environment" and got["value"] == fake.base_url
    assert "receives credentials" in got["ignored_system_config"]
    listed = procs.run("config", "list", env=env)
    assert listed.returncode == 0
    assert "IGNORED" in listed.stdout and "config unset tiktok_api_base_url" in listed.stderr
    assert procs.run("config", "unset", "tiktok_api_base_url", env=env).returncode == 0


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://api.example.com", False),
        ("http://10.0.0.5:8080", False),
        ("http://127.0.0.1:9", True),
        ("http://127.8.9.10:9/x", True),
        ("http://localhost:9", True),
        ("http://[::1]:9", True),
        ("https://api.example.com", True),
    ],
)
def test_plain_http_endpoints_are_refused_except_on_loopback(cli, url, allowed):
    for name in ("TIKTOK_API_BASE_URL", "WORKER_WEBHOOK_URL", "HARVESTER_ALERT_WEBHOOK_URL", "HARVESTER_PING_URL"):
        result = cli("config", "get", name.lower(), env={name: url})
        if allowed:
            assert result.exit_code == 0, (name, result.stderr)
        else:
            assert result.exit_code == 2, (name, result.stdout)
            assert name in result.stderr and "https" in result.stderr
            assert "HARVESTER_ALLOW_INSECURE_ENDPOINTS" in result.stderr
            # the operator's explicit opt-in, in the environment
            opted = cli("config", "get", name.lower(), env={name: url, "HARVESTER_ALLOW_INSECURE_ENDPOINTS": "1"})
            assert opted.exit_code == 0, opted.stderr


def test_the_insecure_opt_in_counts_in_the_environment_only(cli, tmp_path):
    env_file = tmp_path / "h.env"
    env_file.write_text("TIKTOK_API_BASE_URL=http://api.example.com\nHARVESTER_ALLOW_INSECURE_ENDPOINTS=1\n")
    result = cli("--env-file", str(env_file), "config", "get", "tiktok_api_base_url")
    assert result.exit_code == 2 and "https" in result.stderr


# -- control characters in -v logging and scan ids ---------------------------------------------------


def test_verbose_log_lines_never_carry_bidi_or_c1_controls_raw(store, procs, fake_api):
    data = dataset(1, 5, seed=114)
    fake = fake_api(data, cls=EchoingApi)
    fake.bidi_500 = seed_videos(store, data.promoted)[0]
    result = procs.run("-v", "harvest", env=api_env(fake))
    assert "retrying after" in result.stderr, result.stderr  # the server's text reached a log line
    assert "desrever" in result.stderr
    for raw in ("\u202e", "\u202c", "\u2066", "\u2069", "\x85", "\x9b", "\x1b"):
        assert raw not in result.stderr, repr(raw)
    assert "\\u202e" in result.stderr  # shown escaped


def test_scan_ids_never_carry_bidi_or_c1_controls_raw(bare_procs):
    lines = [
        json.dumps({"id": "a\u202eb\x85c\x9bd\u2067e", "text": "see shop.example.com"}, ensure_ascii=False),
        json.dumps({"id": 7, "text": "x.com"}),
    ]
    result = bare_procs.run("scan", "--jsonl", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    for raw in ("\u202e", "\x85", "\x9b", "\u2067"):
        assert raw not in result.stdout, repr(raw)
    first = json.loads(result.stdout.splitlines()[0])
    assert first == {"id": "a\u202eb\x85c\x9bd\u2067e", "domains": ["example.com"]}  # the same id, escaped


def test_ps_shows_the_database_url_so_the_readme_says_how_to_avoid_it():
    """The README documents what `ps` shows and how to pass the password without it."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Security", 1)[1].split("\n## ", 1)[0]
    assert "`ps`" in section and "--database-url" in section and "600" in section and "env file" in section
