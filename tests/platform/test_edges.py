"""Issue 11, parts 4 and 7: bad input at the edges is one clear line with exit 2, the kill switch
always engages, and the lock directory and the SQLite store are private.

Real processes (`run_proc` / `proc_env`, with arguments and environment values that are not
UTF-8 passed as bytes) and the in-process `cli`, on SQLite and PostgreSQL where a store is involved.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess

import pytest

from tests.conftest import harvester_cmd

TWENTY_DIGITS = "9" * 20


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# -- integers and ids (part 4) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("domains", "--since", "99999999999999d"),
        ("domains", "--since", "\u0663d"),  # Arabic-Indic three
        ("domains", "--top", TWENTY_DIGITS),
        ("domains", "--top", "0"),
        ("domains", "--video", "\u00b2"),  # superscript two: int() refuses it with a ValueError
        ("domains", "--video", "\u0663"),  # int() reads it as 3
        ("domains", "--video", "99999999999999999999999"),
        ("domains", "--video", "0"),
        ("dlq", "show", "99999999999999999999999"),
        ("dlq", "show", "\u0663"),
        ("dlq", "show", "-1"),
        ("dlq", "retry", "1", "99999999999999999999999"),
        ("dlq", "discard", "99999999999999999999999"),
        ("dlq", "list", "--limit", TWENTY_DIGITS),
        ("jobs", "--hours", "99999999999999"),
        ("jobs", "--hours", "\u0663"),
        ("jobs", "--limit", TWENTY_DIGITS),
        ("logs", "--limit", TWENTY_DIGITS),
        ("logs", "--limit", "\uff15"),  # fullwidth five
        ("logs", "--limit", "1" + "0" * 5000),
    ],
)
def test_integers_out_of_range_or_not_ascii_are_one_line_exit_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2, (args, result.stdout, result.stderr)
    line = one_error_line(result.stderr)
    assert "error: " in line and len(line) < 400, line


def test_in_range_values_still_work(cli):
    for args in (
        ("domains", "--since", "36000d", "--top", "5", "--video", "3"),
        ("dlq", "list", "--limit", "1000000000"),
        ("jobs", "--hours", "876000", "--limit", "7"),
        ("logs", "--limit", "+5"),
        ("--json", "logs", "--limit", "007"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    result = cli("dlq", "show", "9223372036854775807")
    assert result.exit_code == 2 and "does not exist" in result.stderr  # in range: an unknown id


@pytest.mark.parametrize("value", ["\u00b2", "\u0663"])
def test_video_id_with_non_ascii_digits_is_refused(cli, value):
    result = cli("harvest", "--video-id", value)
    assert result.exit_code == 2, result.stderr
    assert "--video-id" in one_error_line(result.stderr)


# -- arguments and environment values that are not UTF-8 (part 4) ---------------------------------


def run_bytes(proc_env, *args, env=None):
    """The real executable with raw bytes in argv or the environment (as a shell passes them)."""
    return subprocess.run(
        harvester_cmd() + list(args), env=dict(proc_env, **(env or {})), capture_output=True, timeout=120
    )


def test_kill_switch_engages_with_a_reason_and_author_that_are_not_utf8(proc_env, run_proc):
    result = run_bytes(proc_env, "kill-switch", "on", "--reason", b"ban risk \xff\xfe from \xc3", "--by", b"al\xe9ce")
    assert result.returncode == 0, result.stderr
    status = json.loads(run_proc("--json", "kill-switch", "status").stdout)
    assert status["active"] is True
    assert status["reason"].startswith("ban risk ") and "\ufffd" in status["reason"]
    assert status["requested_by"].startswith("al")
    assert run_proc("harvest").returncode == 3  # it engaged
    shown = run_proc("kill-switch", "status")
    assert shown.returncode == 0 and "ban risk" in shown.stdout
    assert run_bytes(proc_env, "kill-switch", "off", "--reason", b"\xff").returncode == 0


def test_kill_switch_engages_with_a_reason_and_author_longer_than_their_columns(run_proc):
    result = run_proc("kill-switch", "on", "--reason", "r" * 50_000, "--by", "b" * 500)
    assert result.returncode == 0, result.stderr
    status = json.loads(run_proc("--json", "kill-switch", "status").stdout)
    assert status["active"] is True
    assert 0 < len(status["requested_by"]) <= 128 and status["requested_by"].startswith("bbb")
    assert 0 < len(status["reason"]) <= 1000
    # a repeat (logged only) too
    assert run_proc("kill-switch", "on", "--by", "c" * 500, "--reason", "x" * 50_000).returncode == 0
    assert run_proc("--json", "logs").returncode == 0


def test_config_set_with_a_value_that_is_not_utf8_or_too_long_is_refused(proc_env, run_proc):
    result = run_bytes(proc_env, "config", "set", "harvester_files_dir", b"/data/\xff")
    assert result.returncode == 2, result.stderr
    assert "not valid UTF-8" in one_error_line(result.stderr.decode())
    result = run_proc("config", "set", "harvester_discovery_keywords", "k," * 3000)
    assert result.returncode == 2 and "at most 4000" in one_error_line(result.stderr)
    got = json.loads(run_proc("--json", "config", "get", "harvester_files_dir").stdout)
    assert got["origin"] == "default"  # nothing was stored
    # who and why are cleaned and cut, never refused
    result = run_bytes(
        proc_env,
        "config",
        "set",
        "harvester_max_pages",
        "3",
        "--description",
        b"why \xff " + b"d" * 5000,
        env={"SUDO_USER": "o" * 300},
    )
    assert result.returncode == 0, result.stderr
    listed = json.loads(run_proc("--json", "config", "get", "harvester_max_pages").stdout)
    assert listed["value"] == "3" and listed["origin"] == "system_config"


def test_a_setting_that_is_not_utf8_is_one_line_exit_2(proc_env):
    result = run_bytes(proc_env, "jobs", env={"TIKTOK_CLIENT_KEY": b"key\xff"})
    assert result.returncode == 2
    line = one_error_line(result.stderr.decode())
    assert "TIKTOK_CLIENT_KEY" in line and "not valid UTF-8" in line and "key" not in line.split("UTF-8", 1)[1]


def test_an_env_file_with_an_invalid_utf8_byte_is_one_line(run_proc, tmp_path):
    env_file = tmp_path / "bad.env"
    env_file.write_bytes(b"HARVESTER_SOURCE=files\n# comment\nTIKTOK_CLIENT_SECRET=ab\xffcd\n")
    for verbose in ((), ("-v",)):
        result = run_proc(*verbose, "--env-file", str(env_file), "jobs")
        assert result.returncode == 2, result.stderr
        errors = [line for line in result.stderr.splitlines() if "error: " in line]
        assert len(errors) == 1 and "bad.env:3: not valid UTF-8 (byte 0xff)" in errors[0], result.stderr
        if not verbose:
            one_error_line(result.stderr)
    # the same file named by HARVESTER_ENV_FILE, and a valid UTF-8 file with a BOM still works
    assert run_proc("jobs", env={"HARVESTER_ENV_FILE": str(env_file)}).returncode == 2
    good = tmp_path / "good.env"
    good.write_bytes("\ufeffHARVESTER_SOURCE=files\nHARVESTER_DISCOVERY_KEYWORDS=caf\u00e9\n".encode())
    assert run_proc("--env-file", str(good), "config", "get", "harvester_source").returncode == 0


# -- the lock directory and the SQLite file (part 7) -----------------------------------------------


def lock_env(tmp_path, lock_dir):
    return {"HARVESTER_LOCK_DIR": str(lock_dir)}


def test_a_lock_directory_that_is_a_symlink_is_refused(run_proc, tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir(mode=0o700)
    link = tmp_path / "locks-link"
    link.symlink_to(real)
    result = run_proc("cleanup", env=lock_env(tmp_path, link))
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "symbolic link" in line and str(link) in line and "HARVESTER_LOCK_DIR" in line
    assert list(real.iterdir()) == []


def test_a_lock_file_replaced_by_a_symlink_is_refused_and_never_followed(run_proc, tmp_path):
    lock_dir = tmp_path / "locks"
    lock_dir.mkdir(mode=0o700)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (lock_dir / "cleanup.1.lock").symlink_to(victim)
    result = run_proc("cleanup", env=lock_env(tmp_path, lock_dir))
    assert result.returncode == 2, result.stderr
    line = one_error_line(result.stderr)
    assert "cleanup.1.lock" in line and "symbolic link" in line and "rm " in line
    assert victim.read_text() == "keep me"
    (lock_dir / "cleanup.1.lock").unlink()
    assert run_proc("cleanup", env=lock_env(tmp_path, lock_dir)).returncode == 0  # the fix works


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_lock_directory_writable_by_others_is_refused(run_proc, tmp_path, mode):
    lock_dir = tmp_path / "locks"
    lock_dir.mkdir()
    os.chmod(lock_dir, mode)
    result = run_proc("cleanup", env=lock_env(tmp_path, lock_dir))
    assert result.returncode == 2, result.stderr
    assert f"chmod 700 {lock_dir}" in one_error_line(result.stderr)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a directory to another user")
def test_a_lock_directory_owned_by_another_user_is_refused(run_proc, tmp_path):
    lock_dir = tmp_path / "locks"
    lock_dir.mkdir(mode=0o700)
    os.chown(lock_dir, 65534, 65534)
    result = run_proc("cleanup", env=lock_env(tmp_path, lock_dir))
    assert result.returncode == 2, result.stderr
    assert "owned by" in one_error_line(result.stderr)


def test_the_lock_directory_is_created_0700_whatever_the_umask(proc_env, tmp_path):
    lock_dir = tmp_path / "state" / "locks"
    result = subprocess.run(
        harvester_cmd() + ["cleanup"],
        env=dict(proc_env, HARVESTER_LOCK_DIR=str(lock_dir)),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o002),
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(lock_dir.stat().st_mode) == 0o700


def sqlite_url(path) -> str:
    return f"sqlite:///{path}"


def test_a_new_sqlite_store_is_created_0600_with_its_wal_and_shm(tmp_path):
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    db = tmp_path / "fresh.db"
    result = subprocess.run(
        harvester_cmd() + ["init"],
        env=dict(_clean_env(), HARVESTER_DATABASE_URL=sqlite_url(db), HARVESTER_LOCK_DIR=str(tmp_path / "locks")),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0),
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    # -wal and -shm exist while a connection is open: the same mode as the store
    other = tmp_path / "other.db"
    old = os.umask(0)
    try:
        store = Store.open(sqlite_url(other))
        engine.create_schema(store.engine)
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM job_status").scalar()
            for suffix in ("", "-wal", "-shm"):
                path = tmp_path / f"other.db{suffix}"
                assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
        store.dispose()
    finally:
        os.umask(old)


def _clean_env():
    from tests.conftest import ROOT, _is_ours

    env = {k: v for k, v in os.environ.items() if not _is_ours(k)}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    return env


def test_a_sqlite_store_writable_by_others_or_a_symlink_is_refused(tmp_path):
    from tests.conftest import init_store

    db = tmp_path / "h.db"
    init_store(sqlite_url(db))
    env = dict(_clean_env(), HARVESTER_LOCK_DIR=str(tmp_path / "locks"))

    def jobs(url):
        return subprocess.run(
            harvester_cmd() + ["jobs"],
            env=dict(env, HARVESTER_DATABASE_URL=url),
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert jobs(sqlite_url(db)).returncode == 0
    os.chmod(db, 0o664)
    result = jobs(sqlite_url(db))
    assert result.returncode == 2 and f"chmod 600 {db}" in one_error_line(result.stderr)
    os.chmod(db, 0o600)
    link = tmp_path / "link.db"
    link.symlink_to(db)
    result = jobs(sqlite_url(link))
    assert result.returncode == 2
    assert "symbolic link" in one_error_line(result.stderr) and "HARVESTER_DATABASE_URL" in result.stderr
    wal = tmp_path / "h.db-wal"
    wal.symlink_to(tmp_path / "nowhere")
    result = jobs(sqlite_url(db))
    assert result.returncode == 2 and "h.db-wal" in one_error_line(result.stderr)
    wal.unlink()
    assert jobs(sqlite_url(db)).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_a_sqlite_store_owned_by_another_user_is_refused(tmp_path):
    from tests.conftest import init_store

    db = tmp_path / "h.db"
    init_store(sqlite_url(db))
    os.chown(db, 65534, 65534)
    result = subprocess.run(
        harvester_cmd() + ["jobs"],
        env=dict(_clean_env(), HARVESTER_DATABASE_URL=sqlite_url(db), HARVESTER_LOCK_DIR=str(tmp_path / "locks")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "owned by" in one_error_line(result.stderr)


def test_cleanup_days_out_of_range_is_bad_input(cli):
    result = cli("cleanup", "--days", "99999999999999", "--dry-run")
    assert result.exit_code == 2 and "--days" in one_error_line(result.stderr)
    assert cli("cleanup", "--days", "30", "--dry-run").exit_code == 0
