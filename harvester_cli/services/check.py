"""`harvester check`: a preflight for deploys, CI smoke runs and new operators.

Each check returns a `Check` (ok | warn | fail, one line of detail); nothing is printed here.
What it does and what it never does:

- settings: every setting is validated on its own (environment, env file, `system_config`,
  the command line) and each bad one is reported with its origin;
- store: opened without creating it (a missing SQLite file is not created, no table is ever
  created) and its schema state reported; `system_config` rows are read when present;
- lock directory: exists (owner, mode, writable by a probe file) or can be created (a probe
  directory made and removed in its nearest existing parent); nothing is left behind;
- source: tiktok asks for an access token only (not counted against the research quota and
  not cached), worker makes one authenticated request for an unknown video's comments (no
  items), files reads the first lines of each file;
- webhooks are asked a HEAD (any HTTP answer means reachable), or with `send_test` get one
  clearly marked test message; ping URLs are never requested themselves (any request to a
  healthchecks.io check counts as a ping): only their host's root is asked a HEAD.

No job run is recorded, no API request is counted, and every detail is scrubbed of secrets.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.runtime import slots as slots_mod
from harvester_cli.settings import redact_url
from harvester_cli.sources import http
from harvester_cli.sources.base import SourceDeps
from harvester_cli.store import config as config_store
from harvester_cli.store import engine as engine_mod
from harvester_cli.store import schema
from harvester_cli.store.base import Store

OK, WARN, FAIL = "ok", "warn", "fail"
MAX_TIMEOUT_SECONDS = 10.0  # one request of a check, at most (HARVESTER_HTTP_TIMEOUT_SECONDS if lower)
FIRST_LINES = 5  # lines of each files-source file that are parsed
MAX_LINE_BYTES = 1_000_000
#: a worker video id that never exists (ids are positive): its comments are "no items"
WORKER_PROBE_PATH = "/videos/0/comments"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok | warn | fail
    detail: str
    #: a failure caused by a missing or invalid setting (exit 2 rather than 1)
    config: bool = False

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2 when a setting is invalid or missing, 1 when any other check fails, else 0."""
        fails = [c for c in self.checks if c.status == FAIL]
        if any(c.config for c in fails):
            return errors.EXIT_BAD_INPUT
        return errors.EXIT_FAILED if fails else errors.EXIT_OK

    @property
    def ok(self) -> bool:
        return self.exit_code == errors.EXIT_OK

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.checks if c.status == s) for s in (OK, WARN, FAIL)}

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "exit_code": self.exit_code, "checks": [c.as_json() for c in self.checks]}


@dataclass(frozen=True)
class Later:
    """A check that makes a network request: run with the others at once."""

    name: str
    run: Callable[[], Check]


def _not_checked(name: str, envs: list[str]) -> Check:
    return Check(
        name,
        FAIL,
        f"not checked: {', '.join(envs)} {'is' if len(envs) == 1 else 'are'} invalid (see the settings rows)",
        config=True,
    )


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, without credentials, path or query (what may be shown)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return urlunsplit((parts.scheme, host + (f":{port}" if port else ""), "", "", ""))


# -- settings ---------------------------------------------------------------------------------------


def settings_checks(settings: settings_mod.Settings, problems: list[settings_mod.Problem]) -> list[Check]:
    if not problems:
        origins: dict[str, int] = {}
        for env in settings.values:
            origin = settings.origin(env)
            if origin != "default":
                origins[origin] = origins.get(origin, 0) + 1
        given = ", ".join(f"{n} from {o}" for o, n in sorted(origins.items())) or "all defaults"
        return [Check("settings", OK, f"all {len(settings.values)} settings valid ({given})")]
    return [Check(f"setting {p.env}" if p.env else "env file", FAIL, p.message, config=True) for p in problems]


# -- store ------------------------------------------------------------------------------------------


@dataclass
class StoreProbe:
    check: Check
    overrides: dict[str, str] = field(default_factory=dict)


def check_store(url: str) -> StoreProbe:
    """The store's schema state, opened without creating anything; its system_config rows."""
    shown = redact_url(url)
    try:
        path = engine_mod.sqlite_path(url)
    except Exception:  # a malformed URL: make_engine says what is wrong with it
        path = None
    if path is not None and not path.exists():
        if not path.parent.is_dir():
            return StoreProbe(
                Check(
                    "store",
                    FAIL,
                    f"{shown}: the database directory {path.parent} does not "
                    "exist; create it or fix HARVESTER_DATABASE_URL",
                )
            )
        where = (
            ""
            if path.is_absolute()
            else (
                f" (a relative path: relative to the working directory "
                f"{Path.cwd()}; cron's differs, use sqlite:////abs/path.db)"
            )
        )
        return StoreProbe(Check("store", WARN, f"{shown}: no store yet{where}; `harvester init` creates it"))
    try:
        engine = engine_mod.make_engine(url, must_exist=True)
    except errors.HarvesterError as exc:
        return StoreProbe(Check("store", FAIL, str(exc)))
    try:
        dialect = engine.dialect.name
        try:
            state = schema.inspect(engine)
        except errors.HarvesterError as exc:
            return StoreProbe(Check("store", FAIL, f"{shown}: {exc}"))
        status = state.status
        where = f"{shown} ({dialect})"
        if status == "current":
            check = Check("store", OK, f"{where}: schema {state.current}, current")
        elif status == "missing":
            check = Check("store", WARN, f"{where}: no harvester tables yet; `harvester init` creates them")
        elif status in ("behind", "unversioned"):
            current = state.current or f"{schema.BASELINE} (first release, no version recorded)"
            check = Check(
                "store",
                WARN,
                f"{where}: run harvester init to upgrade (store at {current}, "
                f"this version needs {state.head}); back it up first",
            )
        else:
            check = Check(
                "store",
                FAIL,
                f"{where}: schema {state.current} is newer than this version of "
                f"harvester knows (it needs {state.head}); upgrade harvester, or "
                "restore the backup taken before the upgrade",
            )
        overrides: dict[str, str] = {}
        if "system_config" in state.tables and status != "ahead":
            try:
                overrides = config_store.all_rows(Store(engine))
            except errors.HarvesterError as exc:
                check = Check("store", FAIL, f"{where}: cannot read system_config: {exc}")
        return StoreProbe(check, overrides)
    finally:
        engine.dispose()


# -- lock directory ---------------------------------------------------------------------------------


def check_lock_dir(settings: settings_mod.Settings, bad: set[str], state_dir: Path | None = None) -> Check:
    name = "lock directory"
    if "HARVESTER_LOCK_BACKEND" in bad:
        return _not_checked(name, ["HARVESTER_LOCK_BACKEND"])
    url = settings.database_url
    if settings["HARVESTER_LOCK_BACKEND"] == "postgres":
        if "HARVESTER_DATABASE_URL" in bad:
            return _not_checked(name, ["HARVESTER_DATABASE_URL"])
        if not url.startswith("postgresql"):
            return Check(
                name,
                FAIL,
                "HARVESTER_LOCK_BACKEND=postgres needs a PostgreSQL HARVESTER_DATABASE_URL; use file with SQLite",
                config=True,
            )
        return Check(name, OK, "none needed: HARVESTER_LOCK_BACKEND=postgres (advisory locks in the database)")
    if "HARVESTER_LOCK_DIR" in bad or (not settings["HARVESTER_LOCK_DIR"] and "HARVESTER_DATABASE_URL" in bad):
        return _not_checked(name, [e for e in ("HARVESTER_LOCK_DIR", "HARVESTER_DATABASE_URL") if e in bad])
    try:
        db_file = engine_mod.sqlite_path(url)
    except Exception:
        db_file = None
    path = slots_mod.lock_dir_for(settings, db_file, state_dir or engine_mod.default_state_dir())
    return lock_dir_state(path)


def lock_dir_state(path: Path) -> Check:
    name = "lock directory"
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # missing, or a parent is a file
        return _lock_dir_to_create(path)
    except OSError as exc:
        return Check(name, FAIL, f"{path}: {exc.strerror}; set HARVESTER_LOCK_DIR to a directory this user can use")
    if not stat.S_ISDIR(info.st_mode):
        return Check(name, FAIL, f"{path} exists but is not a directory; set HARVESTER_LOCK_DIR to a directory")
    mode = stat.S_IMODE(info.st_mode)
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".harvester-check-"):
            pass
    except OSError as exc:
        return Check(
            name,
            FAIL,
            f"{path} is not writable ({exc.strerror}); fix its permissions or set "
            "HARVESTER_LOCK_DIR to a writable directory",
        )
    owner = _user(info.st_uid)
    me = os.geteuid()
    detail = f"{path} (mode {mode:o}, owner {owner})"
    if info.st_uid != me:
        return Check(
            name,
            WARN,
            f"{detail}: owned by another user than this one ({_user(me)}); runs as "
            "different users cannot share lock files (each is mode 600)",
        )
    if mode & 0o022:
        return Check(
            name,
            WARN,
            f"{detail}: writable by group or others, who could remove or hold the slot locks; chmod 700 {path}",
        )
    return Check(name, OK, detail)


def _lock_dir_to_create(path: Path) -> Check:
    name = "lock directory"
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return Check(
            name,
            FAIL,
            f"{path} cannot be created: {parent} is not a directory; set HARVESTER_LOCK_DIR to a writable directory",
        )
    try:
        probe = tempfile.mkdtemp(dir=parent, prefix=".harvester-check-")
        os.rmdir(probe)
    except OSError as exc:
        return Check(
            name,
            FAIL,
            f"{path} cannot be created: {parent} is not writable ({exc.strerror}); create "
            "it for the user that runs harvester, or set HARVESTER_LOCK_DIR",
        )
    return Check(name, OK, f"{path} does not exist yet; the first run creates it (mode 700) in {parent}")


def _user(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (KeyError, ImportError):
        return f"uid {uid}"


# -- source -----------------------------------------------------------------------------------------


def _probe_client(timeout: float, transport, headers: Mapping[str, str] | None = None):
    return http.build_client(
        {"HARVESTER_HTTP_TIMEOUT_SECONDS": timeout, "HARVESTER_FETCH_CONCURRENCY": 1},
        transport=transport,
        headers=headers,
    )


def source_check(
    settings: settings_mod.Settings, bad: set[str], *, offline: bool, timeout: float, transport=None
) -> Check | Later:
    """The source's check: a Check now, or the network request to make."""
    if "HARVESTER_SOURCE" in bad:
        return _not_checked("source", ["HARVESTER_SOURCE"])
    name = settings["HARVESTER_SOURCE"]
    if not name:
        return Check("source", FAIL, "HARVESTER_SOURCE is not set; set it to tiktok, worker or files", config=True)
    label = f"source {name}"
    needs = {
        "tiktok": ["TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET", "TIKTOK_API_BASE_URL"],
        "worker": ["WORKER_WEBHOOK_URL", "WORKER_API_KEY"],
        "files": ["HARVESTER_FILES_DIR"],
    }[name]
    invalid = [e for e in needs if e in bad]
    if invalid:
        return _not_checked(label, invalid)
    missing = [e for e in needs if not settings[e]]
    if missing:
        return Check(
            label, FAIL, f"{' and '.join(missing)} not set; the {name} source needs {', '.join(needs)}", config=True
        )
    if name == "files":
        return check_files(Path(settings["HARVESTER_FILES_DIR"]).expanduser())
    if name == "tiktok":
        base = settings["TIKTOK_API_BASE_URL"]
        if offline:
            return Check(label, OK, f"credentials set for {origin_of(base)}; token request skipped (--offline)")
        return Later(label, lambda: check_tiktok(settings, timeout, transport))
    base = settings["WORKER_WEBHOOK_URL"]
    if offline:
        return Check(label, OK, f"URL and key set ({origin_of(base)}); request skipped (--offline)")
    return Later(label, lambda: check_worker(settings, timeout, transport))


def check_tiktok(settings, timeout: float, transport=None) -> Check:
    """An access token request only: no research request, so no quota is spent; nothing cached."""
    from harvester_cli.sources.tiktok import TikTokSource

    label = "source tiktok"
    base = settings["TIKTOK_API_BASE_URL"]
    client = _probe_client(timeout, transport)
    try:
        source = TikTokSource(SourceDeps(settings=settings, transport=transport, state_dir=None), client=client)
        _token, lifetime = source._fetch_token()
    except errors.SourceError as exc:
        return Check(label, FAIL, f"token request to {origin_of(base)} failed: {exc}")
    finally:
        client.close()
    return Check(
        label, OK, f"{origin_of(base)} issued an access token (valid {int(lifetime)}s); no research request made"
    )


def check_worker(settings, timeout: float, transport=None) -> Check:
    """One authenticated request that returns no items: the comments of a video that never exists."""
    label = "source worker"
    base = settings["WORKER_WEBHOOK_URL"].rstrip("/")
    client = _probe_client(timeout, transport, headers={"Authorization": f"Bearer {settings['WORKER_API_KEY']}"})
    what = "worker request"
    try:
        response = http.send(client, "GET", base + WORKER_PROBE_PATH, what=what, params={"limit": 1})
    except errors.SourceError as exc:
        return Check(label, FAIL, f"{origin_of(base)}: {exc}")
    finally:
        client.close()
    status = response.status_code
    try:
        body = http.decode_json(response)
    except (UnicodeDecodeError, ValueError):
        body = None
    if status in (401, 403):
        return Check(
            label, FAIL, f"{origin_of(base)} refused the key ({http.describe(response, body)}); check WORKER_API_KEY"
        )
    if status == 200 and isinstance(body, dict) and isinstance(body.get("comments"), list):
        return Check(label, OK, f"{origin_of(base)} accepted the key (HTTP 200, no items)")
    if status == 404 and isinstance(body, dict):
        return Check(label, OK, f"{origin_of(base)} accepted the key (HTTP 404 for an unknown video, no items)")
    return Check(
        label,
        FAIL,
        f"{origin_of(base)} did not answer as the worker contract says "
        f"({http.describe(response, body)}); check WORKER_WEBHOOK_URL (the service's "
        "base URL, without /videos)",
    )


def check_files(directory: Path) -> Check:
    """The directory, and the first lines of videos.jsonl and comments.jsonl parse."""
    from harvester_cli.sources import files

    label = "source files"
    if not directory.is_dir():
        state = "is not a directory" if directory.exists() else "does not exist"
        return Check(
            label,
            FAIL,
            f"HARVESTER_FILES_DIR={directory} {state}; point it at a directory holding videos.jsonl and comments.jsonl",
        )
    status, notes = OK, []
    for file_name, parse, required in (
        (files.VIDEOS_FILE, files.parse_video, True),
        (files.COMMENTS_FILE, files.parse_comment, False),
    ):
        path = directory / file_name
        if not path.is_file():
            if required:
                return Check(
                    label,
                    FAIL,
                    f"{path} not found; HARVESTER_FILES_DIR must hold {files.VIDEOS_FILE} and {files.COMMENTS_FILE}",
                )
            status = WARN if status == OK else status
            notes.append(f"{file_name} not found (every video has no comments)")
            continue
        try:
            good, bad = _first_lines(path, parse)
        except OSError as exc:
            return Check(label, FAIL, f"cannot read {path}: {exc.strerror}")
        if not good and not bad:
            status = WARN if status == OK else status
            notes.append(f"{file_name} is empty")
        elif not good:
            status = FAIL
            notes.append(f"{file_name}: none of the first {len(bad)} lines parse ({bad[0]})")
        elif bad:
            status = WARN if status == OK else status
            notes.append(
                f"{file_name}: {len(good)} of the first {len(good) + len(bad)} lines parse ({bad[0]}; "
                "such lines are skipped)"
            )
        else:
            notes.append(f"{file_name}: the first {len(good)} lines parse")
    return Check(label, status, f"{directory}: " + "; ".join(notes))


def _first_lines(path: Path, parse) -> tuple[list[int], list[str]]:
    """(line numbers that parse, reasons of those that do not) over the first non-blank lines."""
    import json

    good: list[int] = []
    bad: list[str] = []
    with path.open("rb") as fh:
        number = 0
        while len(good) + len(bad) < FIRST_LINES:
            line = fh.readline(MAX_LINE_BYTES)
            if not line:
                break
            number += 1
            if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
                bad.append(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
                break
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                parse(json.loads(line.decode("utf-8")))
            except UnicodeDecodeError:
                bad.append(f"line {number}: not valid UTF-8")
            except ValueError as exc:  # JSONDecodeError is one
                reason = f"not valid JSON ({exc.msg})" if isinstance(exc, json.JSONDecodeError) else str(exc)
                bad.append(f"line {number}: {reason}")
            else:
                good.append(number)
    return good, bad


# -- webhooks and pings -----------------------------------------------------------------------------

WEBHOOK_SETTINGS = tuple(
    s.env for s in settings_mod.SETTINGS if s.env.startswith("HARVESTER_") and s.env.endswith("_WEBHOOK_URL")
)
PING_SETTINGS = tuple(s.env for s in settings_mod.SETTINGS if s.env.startswith("HARVESTER_PING_URL"))


def send_test_payload(host: str) -> dict[str, Any]:
    """What `--send-test` posts: Slack-compatible, shaped like `health --notify`, marked as a test."""
    return {
        "text": f"harvester on {host}: TEST message from `harvester check --send-test`; "
        "this is not an alert, nothing needs doing",
        "test": True,
        "host": host,
        "healthy": True,
        "alerts_started": [],
        "alerts_resolved": [],
    }


def check_webhook(env: str, url: str, *, send_test: bool, timeout: float, transport=None) -> Check:
    label = f"webhook {env}"
    shown = origin_of(url)
    client = _probe_client(timeout, transport)
    try:
        if send_test:
            response = http.send(client, "POST", url, what=env, json=send_test_payload(socket.gethostname()))
        else:
            response = http.send(client, "HEAD", url, what=env)
    except errors.SourceError as exc:
        return Check(label, FAIL, f"{shown}... unreachable: {exc}")
    finally:
        client.close()
    if not send_test:
        return Check(
            label, OK, f"{shown}... reachable (HTTP {response.status_code} to HEAD); --send-test posts a test message"
        )
    if 200 <= response.status_code < 300:
        return Check(label, OK, f"{shown}... accepted the test message (HTTP {response.status_code})")
    return Check(label, FAIL, f"{shown}... refused the test message ({http.describe(response)})")


def check_ping(env: str, url: str, *, timeout: float, transport=None) -> Check:
    """Reachability of the monitor's host only: a request to the check's own URL is a ping."""
    label = f"ping {env}"
    root = origin_of(url) + "/"
    client = _probe_client(timeout, transport)
    try:
        response = http.send(client, "HEAD", root, what=env)
    except errors.SourceError as exc:
        return Check(label, FAIL, f"{root} unreachable: {exc}")
    finally:
        client.close()
    return Check(label, OK, f"{root} reachable (HTTP {response.status_code}); the check itself was not pinged")


def url_checks(
    settings: settings_mod.Settings, bad: set[str], *, offline: bool, send_test: bool, timeout: float, transport=None
) -> list[Check | Later]:
    out: list[Check | Later] = []
    for env in WEBHOOK_SETTINGS:
        label = f"webhook {env}"
        if env in bad:
            out.append(_not_checked(label, [env]))
            continue
        url = settings[env]
        if not url:
            if send_test and env == "HARVESTER_ALERT_WEBHOOK_URL":
                out.append(
                    Check(label, FAIL, f"--send-test needs {env}; set it in the environment or env file", config=True)
                )
            elif env == "HARVESTER_ALERT_WEBHOOK_URL":
                out.append(Check(label, OK, "not set (health --notify has nowhere to post)"))
            continue
        if offline:
            out.append(Check(label, OK, f"{origin_of(url)}... set; not requested (--offline)"))
            continue
        out.append(
            Later(label, partial(check_webhook, env, url, send_test=send_test, timeout=timeout, transport=transport))
        )
    pings = 0
    for env in PING_SETTINGS:
        label = f"ping {env}"
        if env in bad:
            out.append(_not_checked(label, [env]))
            continue
        url = settings[env]
        if not url:
            continue
        pings += 1
        if offline:
            out.append(Check(label, OK, f"{origin_of(url)}/ set; not requested (--offline)"))
            continue
        out.append(Later(label, partial(check_ping, env, url, timeout=timeout, transport=transport)))
    if not pings and not any(e in bad for e in PING_SETTINGS):
        out.append(Check("ping URLs", OK, "none set (no cron monitoring)"))
    return out


# -- all of it --------------------------------------------------------------------------------------


def run(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    *,
    database_url: str | None = None,
    offline: bool = False,
    send_test: bool = False,
    timeout: float | None = None,
    transport=None,
    state_dir: Path | None = None,
) -> Report:
    """Every check, in order: settings, store, lock directory, source, webhooks and pings."""
    environ = os.environ if environ is None else environ
    options = {"HARVESTER_DATABASE_URL": database_url} if database_url else None
    settings, problems = settings_mod.validate(environ, env_file, options=options)
    bad = {p.env for p in problems}

    if "HARVESTER_DATABASE_URL" in bad:
        probe = StoreProbe(_not_checked("store", ["HARVESTER_DATABASE_URL"]))
    else:
        probe = check_store(settings.database_url)
    if probe.overrides:
        settings, problems = settings_mod.validate(environ, env_file, options=options, overrides=probe.overrides)
        bad = {p.env for p in problems}

    if timeout is None:
        timeout = min(float(settings["HARVESTER_HTTP_TIMEOUT_SECONDS"]), MAX_TIMEOUT_SECONDS)
    planned: list[Check | Later] = [
        *settings_checks(settings, problems),
        probe.check,
        check_lock_dir(settings, bad, state_dir),
        source_check(settings, bad, offline=offline, timeout=timeout, transport=transport),
        *url_checks(settings, bad, offline=offline, send_test=send_test, timeout=timeout, transport=transport),
    ]
    later = [p for p in planned if isinstance(p, Later)]
    results: dict[int, Check] = {}
    if later:  # the network checks at once: the slowest bounds the wait, not their sum
        with ThreadPoolExecutor(max_workers=min(8, len(later))) as pool:
            results = dict(zip(map(id, later), pool.map(_guarded, later), strict=True))
    checks = [results[id(p)] if isinstance(p, Later) else p for p in planned]
    secrets = settings.secrets()
    return Report([Check(c.name, c.status, settings_mod.scrub(c.detail, secrets), c.config) for c in checks])


def _guarded(later: Later) -> Check:
    try:
        return later.run()
    except Exception as exc:  # a check never stops the others
        return Check(later.name, FAIL, f"unexpected {type(exc).__name__}: {exc}")
