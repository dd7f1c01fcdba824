"""Issue 15, the first hour of a new operator: the example env file (in sync with the settings),
the README's install steps, errors that name the option or variable actually used, the fake
servers' instructions, the demo, `discover --video-id` of an unknown id, the skip summary.

    python tests/operations/test_first_hour.py --write-env-example   # regenerate the example
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ENV_EXAMPLE = ROOT / "examples" / "harvester.env.example"
SAMPLE = ROOT / "examples" / "sample"
VENV_BIN = Path(sys.executable).parent
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ harvester ")

# -------------------------------------------------------------------------- the example env file

ENV_HEADER = """\
# harvester env file: every setting, commented out with its default. Install it with
#
#   install -d -m 750 /etc/harvester
#   install -m 600 examples/harvester.env.example /etc/harvester/harvester.env
#
# (readable by the cron user only: it holds secrets), then uncomment and set what you need.
# Values here fill in what the environment lacks; `harvester config set KEY VALUE` overrides
# the runtime ones in the store. `harvester config list` shows every effective value and where
# it came from, `harvester check` checks them. The smallest file for cron is an absolute store
# path, the source and that source's settings, e.g.
#
#   HARVESTER_DATABASE_URL=sqlite:////var/lib/harvester/harvester.db
#   HARVESTER_SOURCE=tiktok
#   TIKTOK_CLIENT_KEY=...
#   TIKTOK_CLIENT_SECRET=...
#
# A relative sqlite:/// path is relative to the working directory (under cron, $HOME).
# HARVESTER_ALLOW_INSECURE_ENDPOINTS=1 is read from the environment only, never from this file.
# [secret]: redacted everywhere. [not in system_config]: from the environment or this file only
# (read at start-up, or a credential or an endpoint that receives one).
#
# Generated from harvester_cli/settings.py: python tests/operations/test_first_hour.py --write-env-example
"""

#: a heading before the first setting of each group
ENV_SECTIONS = {
    "HARVESTER_DATABASE_URL": "The store",
    "HARVESTER_SOURCE": "The source: tiktok, worker or files",
    "HARVESTER_DISCOVERY_HASHTAGS": "Discovery and the daily API budget",
    "WORKER_WEBHOOK_URL": "The worker source",
    "HARVESTER_FILES_DIR": "The files source",
    "MAX_CONCURRENT_DISCOVERY_JOBS": "Concurrency slots and deadlines per job type",
    "HARVESTER_LOCK_BACKEND": "Locks",
    "HARVESTER_ALERT_WEBHOOK_URL": "Webhooks (health --notify, digest --notify)",
    "HARVESTER_RETRY_ATTEMPTS": "Requests, retries and batches",
    "HARVESTER_HEARTBEAT_SECONDS": "Runs and retention",
    "HARVESTER_ALERT_DISCOVERY_MINUTES": "Alert thresholds (harvester health)",
    "HARVESTER_PING_URL": "Cron monitoring (healthchecks.io pings)",
    "HARVESTER_LOG_FORMAT": "Logs",
}


def render_env_example() -> str:
    from harvester_cli.settings import SETTINGS

    out = [ENV_HEADER]
    for setting in SETTINGS:
        if setting.env in ENV_SECTIONS:
            out.append(f"\n# ---- {ENV_SECTIONS[setting.env]}\n")
        tags = "".join((" [secret]" if setting.secret else "", "" if setting.runtime else " [not in system_config]"))
        out.append(f"\n# {setting.help}{tags}\n#{setting.env}={setting.default or ''}\n")
    return "".join(out)


def test_env_example_lists_every_setting_in_sync_with_settings():
    from harvester_cli.settings import SETTINGS

    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    assert text == render_env_example(), (
        "examples/harvester.env.example is out of date: python tests/operations/test_first_hour.py --write-env-example"
    )
    given = re.findall(r"^#([A-Z][A-Z0-9_]*)=(.*)$", text, re.M)
    assert [name for name, _ in given] == [s.env for s in SETTINGS]
    assert all(value == (s.default or "") for (_, value), s in zip(given, SETTINGS, strict=True))
    # nothing is set: every line is a comment or blank
    assert all(not line or line.startswith("#") for line in text.splitlines())


def test_env_example_installed_as_is_is_valid(tmp_path, monkeypatch):
    """The example, copied and with the minimal settings uncommented, loads without a problem."""
    from harvester_cli import settings as settings_mod

    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    db = tmp_path / "harvester.db"
    text = text.replace("#HARVESTER_DATABASE_URL=sqlite:///harvester.db", f"HARVESTER_DATABASE_URL=sqlite:///{db}")
    text = text.replace("#HARVESTER_SOURCE=\n", "HARVESTER_SOURCE=files\n")
    text = text.replace("#HARVESTER_FILES_DIR=\n", f"HARVESTER_FILES_DIR={SAMPLE}\n")
    env_file = tmp_path / "harvester.env"
    env_file.write_text(text, encoding="utf-8")
    loaded, problems = settings_mod.validate({}, env_file)
    assert problems == []
    assert loaded.database_url == f"sqlite:///{db}" and loaded["HARVESTER_SOURCE"] == "files"


def test_readme_install_uses_the_example_and_sets_path():
    text = README.read_text(encoding="utf-8")
    install = text[text.index("## Install for production") :]
    install = install[: install.index("\n## ", 5)]
    assert "install -m 600 examples/harvester.env.example /etc/harvester/harvester.env" in install
    assert "/opt/harvester/.venv/bin" in install and "PATH" in install
    # the minimal env file the README gives loads (with the paths made local)
    block = re.search(r"```(?:sh|ini)?\n(HARVESTER_DATABASE_URL=.*?)```", install, re.S)
    assert block, "the README's minimal env file"
    names = re.findall(r"^([A-Z_]+)=", block.group(1), re.M)
    assert names[:2] == ["HARVESTER_DATABASE_URL", "HARVESTER_SOURCE"]
    assert re.search(r"^HARVESTER_DATABASE_URL=sqlite:////", block.group(1), re.M), "an absolute SQLite path"
    crontab = (ROOT / "crontab.example").read_text()
    assert re.search(r"^PATH=/opt/harvester/\.venv/bin:", crontab, re.M)


# ------------------------------------------------------------------ errors name what the user used


def _invoke(*args, env=None):
    from typer.testing import CliRunner

    from harvester_cli.app import app

    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_missing_env_file_named_by_the_variable(tmp_path):
    missing = tmp_path / "nope.env"
    result = _invoke("domains", env={"HARVESTER_ENV_FILE": str(missing)})
    assert result.exit_code == 2
    assert "unset HARVESTER_ENV_FILE or fix it" in result.stderr and "--env-file" not in result.stderr


def test_missing_env_file_named_by_the_option(tmp_path):
    missing = tmp_path / "nope.env"
    for args in (("--env-file", str(missing), "domains"), ("domains", "--env-file", str(missing))):
        result = _invoke(*args)
        assert result.exit_code == 2
        assert "drop --env-file" in result.stderr and "HARVESTER_ENV_FILE" not in result.stderr


def test_option_beats_the_variable_in_the_message(tmp_path):
    missing = tmp_path / "nope.env"
    result = _invoke("--env-file", str(missing), "domains", env={"HARVESTER_ENV_FILE": str(tmp_path / "other.env")})
    assert result.exit_code == 2 and "drop --env-file" in result.stderr


@pytest.mark.parametrize("where", ["nope/harvester.db", "typo.db"])
def test_bad_sqlite_path_names_the_option_when_given_by_it(tmp_path, where):
    url = f"sqlite:///{tmp_path / where}"
    by_option = _invoke("--database-url", url, "domains")
    assert by_option.exit_code == 2
    assert "fix --database-url" in by_option.stderr and "HARVESTER_DATABASE_URL" not in by_option.stderr
    by_variable = _invoke("domains", env={"HARVESTER_DATABASE_URL": url})
    assert by_variable.exit_code == 2
    assert "fix HARVESTER_DATABASE_URL" in by_variable.stderr and "--database-url" not in by_variable.stderr
    env_file = tmp_path / "h.env"
    env_file.write_text(f"HARVESTER_DATABASE_URL={url}\n")
    by_file = _invoke("--env-file", str(env_file), "domains")
    assert by_file.exit_code == 2 and "fix HARVESTER_DATABASE_URL" in by_file.stderr


def test_unreachable_postgres_names_the_option():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://u:pw-secret@127.0.0.1:{port}/x"
    result = _invoke("--database-url", url, "domains")
    assert result.exit_code == 2
    assert "check --database-url" in result.stderr and "pw-secret" not in result.stderr
    result = _invoke("domains", env={"HARVESTER_DATABASE_URL": url})
    assert result.exit_code == 2 and "check HARVESTER_DATABASE_URL" in result.stderr


def test_store_without_schema_names_what_was_used(db_url):
    if db_url.startswith("sqlite"):
        from harvester_cli.store.base import Store

        Store.open(db_url).dispose()  # an empty SQLite file: no harvester tables
    result = _invoke("--database-url", db_url, "domains")
    assert result.exit_code == 2 and "no store at" in result.stderr
    assert "fix --database-url" in result.stderr and "HARVESTER_DATABASE_URL" not in result.stderr
    result = _invoke("domains", env={"HARVESTER_DATABASE_URL": db_url})
    assert result.exit_code == 2 and "fix HARVESTER_DATABASE_URL" in result.stderr


# ------------------------------------------------------------------------------ the fake servers


def test_fake_servers_help_shows_the_defaults():
    for script, texts in (
        ("tiktok_server.py", ("(default: test-key)", "(default: test-secret)")),
        ("worker_server.py", ("(default: worker-key)",)),
    ):
        out = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "fakes" / script), "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            env=dict(os.environ, COLUMNS="100"),
        )
        assert out.returncode == 0, out.stderr
        help_text = " ".join(out.stdout.split())
        assert "(default: 0)" in help_text and "0 picks a free port at random" in help_text, script
        assert "(default: 127.0.0.1)" in help_text and "(default: 200)" in help_text, script
        assert "READY http://HOST:PORT" in help_text, script
        for text in texts:
            assert text in help_text, (script, text)


def _readme_section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(title)
    ends = [i for i in (text.find("\n## ", start + 1), text.find("\n### ", start + 1)) if i != -1]
    return text[start : min(ends) if ends else None]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readme_fake_tiktok_commands_work(tmp_path):
    """The README's two commands: the fake in one shell, `harvester run` against it in another."""
    section = _readme_section("### Try it against the fake TikTok API")
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [
        line.split("  #")[0].strip()
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(commands) == 2, commands
    serve, run = commands
    assert serve.startswith("python tests/fakes/tiktok_server.py --port 8765")
    for part in (
        "TIKTOK_API_BASE_URL=http://127.0.0.1:8765",
        "TIKTOK_CLIENT_KEY=test-key",
        "TIKTOK_CLIENT_SECRET=test-secret",
        "HARVESTER_SOURCE=tiktok",
        "harvester run",
    ):
        assert part in run, part
    port = str(_free_port())  # 8765 may be taken on a shared machine
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "TIKTOK_", "WORKER_"))}
    env.update(PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", HOME=str(tmp_path), NO_COLOR="1")
    fake = subprocess.Popen(
        ["/bin/sh", "-c", "exec " + serve.replace("8765", port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready = fake.stdout.readline().strip()
        assert ready == f"READY http://127.0.0.1:{port}", (ready, fake.stderr.read() if fake.poll() else "")
        result = subprocess.run(
            ["/bin/sh", "-c", run.replace("8765", port)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        fake.send_signal(signal.SIGTERM)
        fake.wait(timeout=10)
    assert result.returncode == 0, result.stdout + result.stderr
    extraction = [line for line in result.stdout.splitlines() if line.startswith("extraction run")]
    assert extraction and "succeeded" in extraction[0]
    mentions = int(re.search(r"(\d+) domain mentions", extraction[0]).group(1))
    assert mentions > 0
    assert (tmp_path / "fake.db").exists()


# ------------------------------------------------------------------------------------- the demo


def test_rebase_moves_the_newest_date_to_yesterday_and_keeps_the_rest(tmp_path):
    import datetime as dt

    sys.path.insert(0, str(SAMPLE))
    try:
        import rebase
    finally:
        sys.path.remove(str(SAMPLE))
    before = {name: (SAMPLE / name).read_bytes() for name in rebase.FILES}
    shift = rebase.rebase(SAMPLE, tmp_path / "copy", dt.date(2031, 3, 15))
    assert shift % 86400 == 0
    assert {name: (SAMPLE / name).read_bytes() for name in rebase.FILES} == before  # the sample is untouched
    newest = rebase.newest(tmp_path / "copy")
    assert dt.datetime.fromtimestamp(newest, dt.UTC).date() == dt.date(2031, 3, 14)
    for name in rebase.FILES:
        old = (SAMPLE / name).read_text(encoding="utf-8").splitlines()
        new = (tmp_path / "copy" / name).read_text(encoding="utf-8").splitlines()
        assert len(old) == len(new)
        for a, b in zip(old, new, strict=True):
            try:
                record = json.loads(a)
            except ValueError:
                assert a == b  # a malformed line stays as it is (the files source reports it)
                continue
            moved = json.loads(b)
            if "create_time" in record:
                assert moved.pop("create_time") == record.pop("create_time") + shift
            assert moved == record  # ids (beyond 2**53) and every other key unchanged


@pytest.fixture
def demo_tree(tmp_path):
    """What a clone holds for `make demo`, with this checkout's .venv (make must not reinstall)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    tree = tmp_path / "clone"
    (tree / "examples").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(SAMPLE, tree / "examples" / "sample")
    return tree


def test_make_demo_is_short_shows_recent_data_and_says_how_to_explore(demo_tree, tmp_path):
    venv = VENV_BIN.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HARVESTER_", "TIKTOK_", "WORKER_"))}
    env.update(HOME=str(tmp_path), NO_COLOR="1", COLUMNS="100", HARVESTER_ENV_FILE=str(tmp_path / "not-read.env"))
    make = ["make", "--no-print-directory", f"VENV={venv}", "-o", str(venv / ".installed")]
    result = subprocess.run(make + ["demo"], cwd=demo_tree, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 40, result.stdout  # was ~400: the run lines scrolled away
    assert [line.split(":")[0] for line in lines if re.match(r"^\w+ run \d+:", line)] == [
        "discovery run 1",
        "harvesting run 2",
        "extraction run 3",
    ]
    assert "domains since 7d (10)" in result.stdout  # the sample's dates were moved to the last days
    explore = [line.strip() for line in lines[-6:]]
    for command in ("domains", "links", "jobs", "budget"):
        assert f"HARVESTER_DATABASE_URL=sqlite:///$(pwd)/demo/harvester.db harvester {command}" in explore
    assert any("make demo-reset" in line for line in explore)
    assert (demo_tree / "examples" / "sample" / "videos.jsonl").read_bytes() == (SAMPLE / "videos.jsonl").read_bytes()
    # the printed commands work, from the clone's directory
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env['PATH']}"
    env.pop("HARVESTER_ENV_FILE")
    for command in ("domains", "links", "jobs", "budget"):
        line = f"HARVESTER_DATABASE_URL=sqlite:///$(pwd)/demo/harvester.db harvester --json {command}"
        shown = subprocess.run(
            ["/bin/sh", "-c", line], cwd=demo_tree, env=env, capture_output=True, text=True, timeout=60
        )
        assert shown.returncode == 0, (command, shown.stderr)
        if command == "domains":
            assert len(json.loads(shown.stdout)) == len((SAMPLE / "expected_domains.txt").read_text().split())
    recent = subprocess.run(
        [
            "/bin/sh",
            "-c",
            "HARVESTER_DATABASE_URL=sqlite:///$(pwd)/demo/harvester.db harvester domains --since 7d --format json",
        ],
        cwd=demo_tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert recent.returncode == 0 and len(json.loads(recent.stdout)) >= 50
    reset = subprocess.run(make + ["demo-reset"], cwd=demo_tree, env=env, capture_output=True, text=True, timeout=60)
    assert reset.returncode == 0 and not (demo_tree / "demo").exists()


def test_readme_says_where_the_demo_store_is_and_its_settings():
    quick = _readme_section("## Quick start")
    for text in (
        "demo/harvester.db",
        "HARVESTER_SOURCE=files",
        "HARVESTER_FILES_DIR",
        "make demo-reset",
        "examples/sample/rebase.py",
    ):
        assert text in quick, text


# ------------------------------------------------------------------------------- smaller points


def test_discover_unknown_video_id_says_so_in_the_summary(cli, db_url):
    env = {"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(SAMPLE)}
    result = cli("discover", "--video-id", "123", "--video-id", "7710299779498425880", env=env)
    assert result.exit_code == 0
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith("discovery run") and "--video-id not found or not promoted: 123" in line
    assert "7710299779498425880" not in line.split("not found")[1]


def test_make_test_summarises_skips_in_one_line(tmp_path):
    import tomllib

    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "-ra" not in addopts.split() and "-rfE" in addopts.split()
    env = {k: v for k, v in os.environ.items() if k != "HARVESTER_TEST_DATABASE_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/operations/test_health.py",
            "-k",
            "test_no_recent_success",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "SKIPPED [" not in result.stdout
    assert "4 skipped: PostgreSQL tests need HARVESTER_TEST_DATABASE_URL" in result.stdout, result.stdout[-3000:]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write-env-example"]:
        sys.exit(__doc__)
    sys.path.insert(0, str(ROOT))
    ENV_EXAMPLE.write_text(render_env_example(), encoding="utf-8")
    print(f"wrote {ENV_EXAMPLE.relative_to(ROOT)}")
