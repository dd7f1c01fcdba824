"""Global options (`--json`, `-q`, `-v`, `--database-url`, `--env-file`) before or after the
subcommand, on every command and nested group, with the value after the subcommand winning.

The tests run over every command of the real click tree: a new command gets the options
automatically (app.py adds them to every subcommand); COMMANDS gives the arguments a command
needs, and one without a row is run with none (output compared as JSON when it is JSON).
"""

import json
import re
from pathlib import Path

import pytest

from harvester_cli.store import dlq as dlq_store
from harvester_cli.store import engine
from harvester_cli.store.base import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"
GLOBAL_OPTS = ("--database-url", "--env-file", "--json", "-v, --verbose", "-q, --quiet")
VIDEO = "7710299779498425880"  # in the bundled sample

# command path -> (its arguments, whether it prints JSON with --json)
COMMANDS = {
    "init": ([], True),
    "discover": (["--limit", "2"], True),
    "harvest": (["--limit", "2"], True),
    "extract": ([], True),
    "run": (["--limit", "2"], True),
    "scan": ([], False),
    "domains": ([], True),
    "health": ([], True),
    "jobs": (["--hours", "6"], True),
    "logs": (["--limit", "5"], True),
    "watch": (["--once"], False),
    "cleanup": ([], True),
    "kill-switch status": ([], True),
    "kill-switch on": (["--reason", "drill", "--by", "ops"], True),
    "kill-switch off": (["--reason", "done", "--by", "ops"], True),
    "dlq list": ([], True),
    "dlq show": (["1"], True),
    "dlq retry": (["1"], True),
    "dlq discard": (["1"], True),
    "config list": ([], True),
    "config get": (["harvester_max_pages"], True),
    "config set": (["harvester_max_pages", "3"], True),
    "config unset": (["harvester_max_pages"], True),
}


def leaf_commands(command, prefix=()):
    """Every runnable command path of the real click tree (as Typer builds it)."""
    subcommands = getattr(command, "commands", None)
    if not subcommands:
        yield " ".join(prefix)
        return
    for name, sub in subcommands.items():
        yield from leaf_commands(sub, prefix + (name,))


def click_app():
    import typer.main

    from harvester_cli.app import app

    return typer.main.get_command(app)


def all_commands_and_groups(command, prefix=()):
    for name, sub in getattr(command, "commands", {}).items():
        yield " ".join(prefix + (name,))
        yield from all_commands_and_groups(sub, prefix + (name,))


@pytest.fixture
def sqlite_only(db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("option parsing does not depend on the store; run on SQLite")


def make_store(url: str, seed: bool) -> None:
    store = Store.open(url)
    try:
        engine.create_schema(store.engine)
        if seed:  # a dead-letter item that `dlq show/retry/discard 1` can use
            dlq_store.add(
                store,
                job_type="harvesting",
                item_key=VIDEO,
                payload={"video_id": VIDEO, "max_pages": 1},
                error="HTTP 500",
                error_type="TransientSourceError",
                run_id=None,
            )
    finally:
        store.dispose()


def counts(url: str) -> tuple[int, int]:
    import sqlalchemy as sa

    store = Store.open(url)
    try:
        with store.engine.connect() as conn:
            return tuple(
                conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in ("job_status", "system_logs")
            )
    finally:
        store.dispose()


_TS = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def normalised(value, paths):
    """Output with what legitimately differs between two runs (times, durations, the db path) masked."""
    if isinstance(value, dict):
        return {
            k: (
                "<volatile>"
                if k in ("pid", "host", "duration_seconds", "avg_seconds", "p95_seconds")
                else normalised(v, paths)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [normalised(v, paths) for v in value]
    if isinstance(value, float):
        return "<number>"
    if isinstance(value, str):
        for path in paths:
            value = value.replace(path, "<db>")
        return _TS.sub("<ts>", value)
    return value


ALL_COMMANDS = sorted(set(leaf_commands(click_app())) | set(COMMANDS))


def present(command: str) -> None:
    if command not in set(leaf_commands(click_app())):
        pytest.skip(f"no `{command}` command in this version")


def test_the_table_knows_the_seed_commands():
    assert set(COMMANDS) <= set(leaf_commands(click_app()))


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_options_after_the_command_work_like_before_it(command, cli, db_url, sqlite_only, tmp_path, monkeypatch):
    """`harvester --json --database-url A --env-file F CMD ARGS` and `harvester CMD ARGS --json
    --database-url B --env-file F` give the same output, on twin stores; the environment names a
    third store (C) that neither may touch, and the source is configured only in the env file."""
    present(command)
    args, prints_json = COMMANDS.get(command, ([], None))
    words = command.split()
    a, b, c = db_url, f"sqlite:///{tmp_path / 'after.db'}", f"sqlite:///{tmp_path / 'env.db'}"
    for url, seed in ((a, True), (b, True), (c, False)):
        make_store(url, seed)
    env_file = tmp_path / "harvester.env"
    env_file.write_text(f"HARVESTER_SOURCE=files\nHARVESTER_FILES_DIR={SAMPLE}\n")
    monkeypatch.setenv("HARVESTER_DATABASE_URL", c)
    stdin = "see shop.example.com and foo.co.uk\n" if command == "scan" else None
    flags = ["--json"] if prints_json is not False else []

    before = cli(*flags, "--database-url", a, "--env-file", str(env_file), *words, *args, input=stdin)
    after = cli(*words, *args, *flags, "--database-url", b, "--env-file", str(env_file), input=stdin)

    assert before.exit_code == after.exit_code, (before.output, after.output)
    assert after.exit_code in (0, 1), after.output  # 1: health may alert, a replay may fail
    paths = [a.split("///")[1], b.split("///")[1]]
    if prints_json or (prints_json is None and before.stdout.lstrip()[:1] in ("{", "[")):
        assert normalised(json.loads(before.stdout), paths) == normalised(json.loads(after.stdout), paths)
    else:
        assert normalised(before.stdout, paths) == normalised(after.stdout, paths)
    assert counts(a) == counts(b)
    assert counts(c) == (0, 0)  # the store in the environment was never used


@pytest.mark.parametrize("command", ALL_COMMANDS)
def test_help_of_every_command_shows_the_global_options(command, cli, sqlite_only):
    present(command)
    result = cli(*command.split(), "--help")
    assert result.exit_code == 0
    for option in GLOBAL_OPTS:
        assert option in result.stdout, (command, option)


def test_groups_take_them_too(cli, sqlite_only):
    groups = {p for p in all_commands_and_groups(click_app()) if p not in COMMANDS}
    assert {"kill-switch", "dlq", "config"} <= groups
    for group in groups:
        text = cli(group, "--help").stdout
        assert all(option in text for option in GLOBAL_OPTS), group
    # between the group and its command
    data = json.loads(cli("kill-switch", "--json", "status").stdout)
    assert data["active"] is False
    assert json.loads(cli("dlq", "--json", "list").stdout) == []


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_in_either_position(cli, sqlite_only, where):
    args = ["-q", "cleanup"] if where == "before" else ["cleanup", "-q"]
    result = cli(*args)
    assert result.exit_code == 0 and result.stdout == ""
    assert "cleanup run" in cli("cleanup").stdout


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_in_either_position_shows_the_traceback(cli, sqlite_only, where):
    args = ["-v", "jobs", "--type", "bogus"] if where == "before" else ["jobs", "--type", "bogus", "--verbose"]
    result = cli(*args)
    assert result.exit_code == 2
    assert "unknown job type" in result.stderr and "Traceback" in result.stderr
    plain = cli("jobs", "--type", "bogus")
    assert plain.exit_code == 2 and "Traceback" not in plain.stderr


def test_the_value_after_the_command_wins(cli, db_url, sqlite_only, tmp_path):
    other = f"sqlite:///{tmp_path / 'other.db'}"
    make_store(other, seed=True)
    listed = json.loads(cli("--database-url", db_url, "dlq", "list", "--json", "--database-url", other).stdout)
    assert [item["id"] for item in listed] == [1]  # only `other` has an item
    first, second = tmp_path / "first.env", tmp_path / "second.env"
    first.write_text("HARVESTER_MAX_PAGES=3\n")
    second.write_text("HARVESTER_MAX_PAGES=7\n")
    got = json.loads(
        cli(
            "--env-file", str(first), "config", "get", "harvester_max_pages", "--json", "--env-file", str(second)
        ).stdout
    )
    assert got["value"] == "7" and str(second) in got["origin"]


def test_a_bad_option_after_the_command_is_still_one_line(cli, sqlite_only):
    result = cli("jobs", "--json", "--database-url")
    assert result.exit_code == 2
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
