"""Security: secrets never leak (logs, `config list`, --json, errors, -v tracebacks, the tables);
untrusted text is shown as written but never interpreted by the terminal; SQL is always bound;
malformed settings are rejected clearly; the lock directory is private."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess

import pytest
from sqlalchemy.engine import make_url

from tests.fakes.tiktok_server import COMMENT_LIST_PATH, FakeTikTok
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos

CANARIES = {
    "TIKTOK_CLIENT_KEY": "canaryKEY-7f3a9c",
    "TIKTOK_CLIENT_SECRET": "canarySECRET-51d0e2",
    "WORKER_API_KEY": "canaryWORKER-c4b8aa",
}
WEBHOOK_CANARY = "canaryHOOK-98e1f0"
DB_PASSWORD = "canaryDBPASS-0b7d13"


class EchoingTikTok(FakeTikTok):
    """A careless API that repeats the client credentials in its error messages."""

    echo_video_500: int | None = None
    echo_video_400: int | None = None
    echo_token = False

    def _handle(self, req):
        secret_echo = f"client_key={self.client_key} client_secret={self.client_secret}"
        if req.path == "/v2/oauth/token/" and self.echo_token:
            return self._error(401, "invalid_client", f"rejected {secret_echo}")
        if req.path == COMMENT_LIST_PATH:
            vid = json.loads(req.raw or b"{}").get("video_id")
            if vid == self.echo_video_500:
                return self._error(500, "internal_error", f"backend failed for {secret_echo}")
            if vid == self.echo_video_400:
                return self._error(400, "invalid_params", f"bad request from {secret_echo}")
        if not req.path.startswith("/v2/"):  # a webhook URL on this server: 404 echoing the path
            return self._error(404, "not_found", f"no hook at {req.path}")
        return super()._handle(req)


def _all_text(store) -> str:
    """Every text column of every table, as one string."""
    from harvester_cli.store.tables import metadata

    parts = []
    for table in metadata.sorted_tables:
        for row in query(store, f"SELECT * FROM {table.name}"):
            parts.extend(str(v) for v in row)
    return "\n".join(parts)


@pytest.mark.slow
def test_secrets_never_appear_in_output_logs_errors_tracebacks_or_tables(store, procs, fake_api, db_url, tmp_path):
    data = dataset(3, 120, seed=61)
    fake = fake_api(
        data,
        cls=EchoingTikTok,
        client_key=CANARIES["TIKTOK_CLIENT_KEY"],
        client_secret=CANARIES["TIKTOK_CLIENT_SECRET"],
    )
    ids = seed_videos(store, data.promoted)
    fake.echo_video_500, fake.echo_video_400 = ids[0], ids[1]
    env_file = tmp_path / "harvester.env"  # the client secret comes from a .env file
    env_file.write_text(
        f"TIKTOK_CLIENT_SECRET={CANARIES['TIKTOK_CLIENT_SECRET']}\nWORKER_API_KEY='{CANARIES['WORKER_API_KEY']}'\n"
    )
    env = api_env(fake)
    del env["TIKTOK_CLIENT_SECRET"]
    env.update(HARVESTER_ENV_FILE=str(env_file), HARVESTER_ALERT_WEBHOOK_URL=f"{fake.base_url}/hooks/{WEBHOOK_CANARY}")
    canaries = list(CANARIES.values()) + [WEBHOOK_CANARY]
    if store.dialect == "postgresql":  # trust authentication: any password is accepted
        env["HARVESTER_DATABASE_URL"] = make_url(db_url).set(password=DB_PASSWORD).render_as_string(hide_password=False)
        canaries.append(DB_PASSWORD)

    outputs = []

    def run(*args, code=None):
        result = procs.run(*args, env=env)
        outputs.append((args, result.stdout + result.stderr))
        if code is not None:
            assert result.returncode == code, (args, result.stdout, result.stderr)
        return result

    # a harvest that meets echoed secrets in a transient error (retried, dead-lettered) and a permanent one
    harvested = run("-v", "--json", "harvest", code=1)
    assert "retrying after" in harvested.stderr and "HTTP Request" in harvested.stderr  # -v debug output
    assert scalar(store, "SELECT count(*) FROM dead_letter_queue") == 1
    # the token endpoint rejects the credentials, repeating them: the run fails
    fake.echo_token = True
    for kept in (tmp_path / "locks").glob("tiktok-token-*.json"):
        kept.unlink()  # the token kept between runs is gone: the next run asks for one
    run("-v", "dlq", "retry", "--all", code=1)
    assert "client_secret=********" in scalar(store, "SELECT error FROM job_status ORDER BY id DESC")
    # a webhook that answers 404 with its own URL (which is secret) in the body
    run("-v", "--json", "health", "--notify")
    for args in (
        ("config", "list"),
        ("--json", "config", "list"),
        ("config", "get", "tiktok_client_secret"),
        ("--json", "config", "get", "harvester_database_url"),
        ("--json", "jobs"),
        ("--json", "logs", "--limit", "1000"),
        ("logs", "--limit", "1000"),
        ("dlq", "list"),
        ("--json", "dlq", "show", "1"),
    ):
        run(*args, code=0)
    # secrets are refused as runtime overrides, without echoing the value
    refused = run("-v", "config", "set", "tiktok_client_secret", CANARIES["TIKTOK_CLIENT_SECRET"], code=2)
    assert "secret" in refused.stderr
    # an error whose message carries a secret, with -v: the line and the traceback are scrubbed
    traced = run("-v", "harvest", "--video-id", CANARIES["TIKTOK_CLIENT_SECRET"], code=2)
    assert "Traceback" in traced.stderr and "********" in traced.stderr
    # an unreachable database: the error names the URL without its password
    bad_db = dict(env, HARVESTER_DATABASE_URL=f"postgresql+psycopg://postgres:{DB_PASSWORD}@127.0.0.1:1/x")
    result = procs.run("-v", "--json", "jobs", env=bad_db)
    assert result.returncode == 2 and "cannot connect" in result.stderr
    outputs.append((("bad db",), result.stdout + result.stderr))
    canaries.append(DB_PASSWORD)

    for args, text in outputs:
        for canary in canaries:
            assert canary not in text, (args, canary, text)
    stored = _all_text(store)
    for canary in canaries:
        assert canary not in stored, canary
    # and the echoes did arrive, redacted, where they were recorded
    assert "********" in scalar(store, "SELECT error FROM dead_letter_queue")
    assert "client_secret=********" in stored


def test_rich_markup_and_escape_sequences_in_comments_are_shown_not_interpreted(store, procs, fake_api):
    """`domains` (sample comment column) and `dlq list` show hostile text escaped, on a pipe and on a tty."""
    from harvester_cli.models import Comment
    from harvester_cli.store import comments as comments_store

    hostile = (
        "[bold red]BUY[/bold red] at shop-now.com \x1b[2J\x1b[31mred\x1b[0m "
        "\x1b]0;pwned-title\x07 \x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\ \x07\x08\r[link=x]y[/link]"
    )
    vid = 7_300_000_000_000_000_123
    seed_videos(store, [{"id": vid, "username": "u"}])
    with store.tx() as conn:
        comments_store.save(conn, store, vid, [Comment(id=7_300_000_000_000_000_124, video_id=vid, text=hostile)])
    assert procs.run("extract").returncode == 0
    # a dead-letter item whose error carries hostile server text
    from harvester_cli.store import dlq as dlq_store

    dlq_store.add(
        store,
        job_type="harvesting",
        item_key=str(vid),
        payload={"video_id": str(vid)},
        error=f"server said: {hostile}",
        error_type="PermanentSourceError",
        run_id=None,
    )

    def check(out: str, whole: bool):
        assert "[boldred]BUY[/boldred]" in out  # markup shown literally (spaces removed)
        assert "\\x1b[2J" in out and "\\x1b]0;pwned-title\\x07" in out  # shown escaped
        if whole:  # `domains` shows the first 80 characters of its sample comment
            assert "[link=x]y[/link]" in out and "\\x08\\r" in out
        else:
            assert "shop-now.com" in out
        for raw in ("\x1b", "\x07", "\x08", "\r"):
            assert raw not in out, repr(raw)

    for args in (("domains",), ("dlq", "list"), ("dlq", "show", "1")):
        result = procs.run(*args)
        assert result.returncode == 0, result.stderr
        check(result.stdout.replace("\n", "").replace("│", "").replace(" ", ""), args[0] == "dlq")
    # on a terminal too (Rich then styles its own output: only its SGR codes may appear)
    for args in (("domains",), ("dlq", "list")):
        out = _on_a_tty(procs, args)
        own_styles = re.compile(r"\x1b\[[0-9;]*m")
        cleaned = own_styles.sub("", out).replace("\r\n", "\n")
        assert "\x1b" not in cleaned and "\x07" not in cleaned, repr(cleaned)
        flat = cleaned.replace("\n", "").replace("│", "").replace(" ", "")
        assert "[boldred]BUY[/boldred]" in flat and "\\x1b[2J" in flat
        assert "\x1b[31mred" not in out
    # JSON carries the text exactly (escaped by JSON itself)
    items = json.loads(procs.run("--json", "dlq", "list").stdout)
    assert items[0]["error"] == f"server said: {hostile}"


def _on_a_tty(procs, args) -> str:
    """Run harvester with a pseudo-terminal as stdin/stdout/stderr (so Rich renders for a terminal)."""
    import pty
    import select

    from tests.conftest import harvester_cmd

    master, slave = pty.openpty()
    env = dict(procs.env, COLUMNS="300", LINES="50", TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    child = subprocess.Popen([*harvester_cmd(), *args], env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=30)
    os.close(master)
    assert child.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_sql_is_always_bound_quotes_and_drop_table_are_stored_verbatim(store, procs, fake_api):
    nasty = "Robert'); DROP TABLE comments; -- \" ' `; DELETE FROM videos WHERE '1'='1"
    data = dataset(2, 0, seed=62)
    vid = int(data.promoted[0]["id"])
    data.promoted[0]["video_description"] = f"#ad {nasty}"
    data.promoted[0]["username"] = "o'brien\"; DROP TABLE videos; --"
    data.promoted[0]["comment_count"] = 2  # (a video that reports 0 comments is not fetched)
    data.comments.extend(
        [
            {
                "id": 7_300_000_000_000_000_201,
                "video_id": vid,
                "parent_comment_id": vid,
                "text": nasty,
                "create_time": 1_700_000_000,
            },
            {
                "id": 7_300_000_000_000_000_202,
                "video_id": vid,
                "parent_comment_id": vid,
                "text": "see x.com'); DROP TABLE domains; --",
                "create_time": 1_700_000_000,
            },
        ]
    )
    fake = fake_api(data)
    env = api_env(fake)
    for args in (("discover",), ("harvest",), ("extract",)):
        result = procs.run(*args, env=env)
        assert result.returncode == 0, (args, result.stderr)
    assert scalar(store, "SELECT description FROM videos WHERE id = :v", v=vid) == f"#ad {nasty}"
    assert scalar(store, "SELECT username FROM videos WHERE id = :v", v=vid) == "o'brien\"; DROP TABLE videos; --"
    assert scalar(store, "SELECT text FROM comments WHERE id = 7300000000000000201") == nasty
    assert scalar(store, "SELECT count(*) FROM comments") == 2
    assert scalar(store, "SELECT count(*) FROM domains") >= 1
    # operator input too
    reason = "'; DROP TABLE job_status; --"
    assert procs.run("kill-switch", "on", "--reason", reason, "--by", "o'neil").returncode == 0
    status = json.loads(procs.run("--json", "kill-switch", "status").stdout)
    assert status["reason"] == reason and status["requested_by"] == "o'neil"
    assert procs.run("config", "set", "harvester_max_pages", "3", "--description", reason).returncode == 0
    assert scalar(store, "SELECT description FROM system_config WHERE key = 'harvester_max_pages'") == reason
    for args in (("domains", "--video", "1 OR 1=1"), ("harvest", "--video-id", "1; DROP TABLE videos")):
        result = procs.run(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    for table in ("videos", "comments", "domains", "job_status", "system_config"):
        assert scalar(store, f"SELECT count(*) FROM {table}") > 0


@pytest.mark.parametrize(
    "content, expected, verbose",
    [
        ("HARVESTER_SOURCE=files\nthis line is not a setting\n", ":2: not a KEY=value line", False),
        ("TIKTOK_CLIENT_SECRET=canarySECRET-51d0e2\ncanarySECRET-51d0e2\n", ":2: not a KEY=value line", True),
        ("HARVESTER_SOURCE=filez\n", "HARVESTER_SOURCE", False),
        ("MAX_CONCURRENT_HARVESTING_JOBS=ten\n", "MAX_CONCURRENT_HARVESTING_JOBS", False),
        ("HARVESTER_DATABASE_URL=mysql://root:canarySECRET-51d0e2@db/x\n", "not a supported database URL", True),
        ("HARVESTER_SOURCE=files\nHARVESTER_DATABASE_URL='sqlite:///unterminated.db\n", ":2: cannot be parsed", False),
        ('TIKTOK_CLIENT_SECRET="canarySECRET-51d0e2\nHARVESTER_SOURCE=tiktok\n', ":1: cannot be parsed", True),
        ("\x00\xff garbage\n", "not a KEY=value line", False),
    ],
)
def test_a_malformed_env_file_is_rejected_clearly(bare_procs, tmp_path, content, expected, verbose):
    env_file = tmp_path / "bad.env"
    env_file.write_bytes(
        content.encode("utf-8", "surrogateescape") if "\xff" not in content else content.encode("latin-1")
    )
    env = {"HARVESTER_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    if "DATABASE_URL" in content:
        del env["HARVESTER_DATABASE_URL"]
    for flags in ((), ("-v",)) if verbose else ((),):  # -v adds the traceback, still scrubbed
        result = bare_procs.run(*flags, "--env-file", str(env_file), "--json", "jobs", env=env)
        assert result.returncode == 2, (content, result.stdout, result.stderr)
        lines = [line for line in result.stderr.splitlines() if "harvester error: " in line]
        assert len(lines) == 1 and expected in lines[0], result.stderr
        assert flags or (len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr)
        assert "canarySECRET" not in result.stdout + result.stderr
        assert result.stdout == ""


@pytest.mark.parametrize(
    "url, expected, verbose",
    [
        ("mysql://root:canarySECRET-51d0e2@db/x", "not a supported database URL", False),
        ("postgresql+psycopg://u:canarySECRET-51d0e2@[::1/x", "malformed", True),
        ("postgresql+nosuchdriver://u:canarySECRET-51d0e2@127.0.0.1/x", "unusable", False),
        ("postgresql+psycopg://u:canarySECRET-51d0e2@127.0.0.1:1/x", "cannot connect", True),
        ("postgresql+psycopg://u:canarySECRET-51d0e2@127.0.0.1:notaport/x", "malformed", False),
        ("sqlite:////nonexistent-dir/canarySECRET/h.db", "does not exist", False),
        ("   ", "HARVESTER_DATABASE_URL", False),
    ],
)
def test_a_malformed_or_unusable_database_url_is_rejected_clearly(bare_procs, url, expected, verbose):
    for flags in ((), ("-v",)) if verbose else ((),):
        result = bare_procs.run(*flags, "--json", "jobs", env={"HARVESTER_DATABASE_URL": url})
        assert result.returncode == 2, (url, result.stdout, result.stderr)
        lines = [line for line in result.stderr.splitlines() if "harvester error: " in line]
        assert len(lines) == 1 and expected in lines[0], (url, result.stderr)
        assert flags or (len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr)
        if "sqlite" not in url:
            assert "canarySECRET" not in result.stdout + result.stderr, result.stderr


def test_the_lock_directory_is_created_private(bare_procs, tmp_path):
    db = tmp_path / "data" / "h.db"
    db.parent.mkdir()
    lock_dir = tmp_path / "state" / "deep" / "locks"
    for env, expected_dir in (
        ({"HARVESTER_DATABASE_URL": f"sqlite:///{db}", "HARVESTER_LOCK_DIR": str(lock_dir)}, lock_dir),
        ({"HARVESTER_DATABASE_URL": f"sqlite:///{db}", "HARVESTER_LOCK_DIR": ""}, db.parent / "h.db.locks"),
    ):
        # even with a permissive umask the directory is private and the lock files are not writable by others
        result = bare_procs.run("cleanup", env=env, preexec_fn=lambda: os.umask(0))
        assert result.returncode == 0, result.stderr
        mode = stat.S_IMODE(expected_dir.stat().st_mode)
        assert mode == 0o700, oct(mode)
        for lock in expected_dir.iterdir():
            assert stat.S_IMODE(lock.stat().st_mode) & 0o022 == 0, (lock, oct(lock.stat().st_mode))
