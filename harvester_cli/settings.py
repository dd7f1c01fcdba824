"""Settings: environment and .env, `system_config` overrides, command-line options.

Precedence: command-line option > system_config > environment/.env > default.
Every value is validated the same way wherever it comes from, and secrets are
never shown, stored in `system_config` or logged.
"""

from __future__ import annotations

import io
import ipaddress
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harvester_cli import errors, redact

SOURCES = ("tiktok", "worker", "files")
LOCK_BACKENDS = ("file", "postgres")
HARVEST_ORDERS = ("yield", "fifo")
JOB_TYPES = ("discovery", "harvesting", "extraction", "health", "cleanup")
LOG_FORMATS = ("text", "json")
REDACTED = redact.REDACTED
#: the operator's opt-in (environment only) to plain-http endpoints that receive secrets
ALLOW_INSECURE_ENV = "HARVESTER_ALLOW_INSECURE_ENDPOINTS"


def _int(minimum: int = 0, maximum: int | None = None) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        text = raw.strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"{raw!r} is not a whole number")
        value = int(text)
        if value < minimum:
            raise ValueError(f"{value} is below the minimum of {minimum}")
        if maximum is not None and value > maximum:
            raise ValueError(f"{value} is above the maximum of {maximum}")
        return value

    return parse


def _float(minimum: float, maximum: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(f"{raw!r} is not a number") from None
        if not (minimum <= value <= maximum):
            raise ValueError(f"{value} is outside {minimum}..{maximum}")
        return value

    return parse


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in options:
            raise ValueError(f"{raw!r} is not one of {', '.join(options)}")
        return value

    return parse


def _list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip().lstrip("#") for item in raw.split(",") if item.strip())


def _countries(raw: str) -> tuple[str, ...]:
    items = tuple(item.upper() for item in _list(raw))
    for item in items:
        if not re.fullmatch(r"[A-Z]{2}", item):
            raise ValueError(f"{item!r} is not a two-letter country code")
    return items


def _text(raw: str) -> str:
    return raw.strip()


def _http_url(raw: str) -> str:
    value = raw.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        # the value is never echoed here: it may be a secret (a webhook URL without its scheme)
        raise ValueError("not an http(s) URL; give scheme and host, e.g. https://host/path")
    return value.rstrip("/")


def _database_url(raw: str) -> str:
    value = raw.strip()
    if not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", value):
        raise ValueError(
            f"{redact_url(value)!r} is not a supported database URL; use sqlite:///path/to.db "
            "or postgresql+psycopg://user@host:5432/dbname"
        )
    if value.startswith("postgres://"):
        value = "postgresql+psycopg://" + value[len("postgres://") :]
    elif value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    return value


def redact_url(url: str) -> str:
    """Hide the password (even one holding '/' or '@') and credential parameters of a URL."""
    return redact.redact_url(url)


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1 or localhost."""
    if not host:
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def insecure_endpoints_allowed(environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    return environ.get(ALLOW_INSECURE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Setting:
    env: str
    default: str | None
    parse: Callable[[str], Any]
    help: str
    secret: bool = False
    runtime: bool = True  # may be overridden in system_config
    #: receives credentials (or is one): environment or env file only, https except on loopback
    endpoint: bool = False

    @property
    def key(self) -> str:
        return self.env.lower()


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HARVESTER_DATABASE_URL", "sqlite:///harvester.db", _database_url, "SQLAlchemy URL of the store", runtime=False
    ),
    Setting("HARVESTER_SOURCE", None, _choice(SOURCES), "data source: tiktok, worker or files"),
    Setting("TIKTOK_CLIENT_KEY", None, _text, "Research API client key", secret=True, runtime=False),
    Setting("TIKTOK_CLIENT_SECRET", None, _text, "Research API client secret", secret=True, runtime=False),
    Setting(
        "TIKTOK_API_BASE_URL",
        "https://open.tiktokapis.com",
        _http_url,
        "TikTok API base URL (receives the client key and secret)",
        runtime=False,
        endpoint=True,
    ),
    Setting(
        "HARVESTER_DISCOVERY_HASHTAGS",
        "ad,sponsored,paidpartnership,tiktokmademebuyit",
        _list,
        "hashtags that make a video a discovery candidate",
    ),
    Setting("HARVESTER_DISCOVERY_KEYWORDS", "", _list, "keywords that make a video a candidate"),
    Setting("HARVESTER_DISCOVERY_REGIONS", "", _countries, "region codes to restrict discovery to"),
    Setting("HARVESTER_DISCOVERY_DAYS", "7", _int(1, 365), "look-back window of discovery, days"),
    Setting(
        "HARVESTER_COMMERCIAL_COUNTRIES",
        "",
        _countries,
        "EEA countries for Commercial Content API paid-partnership discovery",
    ),
    Setting("HARVESTER_DAILY_REQUEST_BUDGET", "1000", _int(0), "API requests per UTC day across all runs"),
    Setting(
        "HARVESTER_DISCOVERY_SETTLE_HOURS",
        "48",
        _int(0, 24 * 30),
        "a day is scanned once more this long after it ended (the API indexes videos late)",
    ),
    Setting(
        "HARVESTER_DISCOVERY_BUDGET_PERCENT",
        "25",
        _float(0, 100),
        "share of the daily budget discovery may spend while videos wait to be harvested",
    ),
    Setting(
        "HARVESTER_HARVEST_ORDER",
        "yield",
        _choice(HARVEST_ORDERS),
        "harvest queue order: yield (most expected new comments, then newest) or fifo",
    ),
    Setting(
        "HARVESTER_EMPTY_VIDEO_DAYS",
        "7",
        _int(1, 3650),
        "a queued video that reported 0 comments is finished as empty this many days after it was posted",
    ),
    Setting(
        "WORKER_WEBHOOK_URL",
        None,
        _http_url,
        "base URL of the worker service (receives the API key)",
        runtime=False,
        endpoint=True,
    ),
    Setting("WORKER_API_KEY", None, _text, "bearer key of the worker service", secret=True, runtime=False),
    Setting("HARVESTER_FILES_DIR", None, _text, "directory with videos.jsonl and comments.jsonl"),
    Setting(
        "HARVESTER_FILES_COMPLETE_MARKER",
        None,
        _text,
        "files source: a file name (e.g. _SUCCESS) that must exist in HARVESTER_FILES_DIR, newer than "
        "the data files, before the dataset is read",
    ),
    Setting("MAX_CONCURRENT_DISCOVERY_JOBS", "5", _int(1, 1000), "discovery runs at once"),
    Setting("MAX_CONCURRENT_HARVESTING_JOBS", "10", _int(1, 1000), "harvesting runs at once"),
    Setting("MAX_CONCURRENT_EXTRACTION_JOBS", "50", _int(1, 1000), "extraction runs at once"),
    Setting("MAX_CONCURRENT_HEALTH_JOBS", "2", _int(1, 1000), "health runs at once"),
    Setting("MAX_CONCURRENT_CLEANUP_JOBS", "1", _int(1, 1000), "cleanup runs at once"),
    Setting("DISCOVERY_JOB_TIMEOUT_MINUTES", "30", _int(1, 10080), "discovery deadline, minutes"),
    Setting("HARVESTING_JOB_TIMEOUT_MINUTES", "60", _int(1, 10080), "harvesting deadline, minutes"),
    Setting("EXTRACTION_JOB_TIMEOUT_MINUTES", "60", _int(1, 10080), "extraction deadline, minutes"),
    Setting("HEALTH_JOB_TIMEOUT_MINUTES", "5", _int(1, 10080), "health deadline, minutes"),
    Setting("CLEANUP_JOB_TIMEOUT_MINUTES", "120", _int(1, 10080), "cleanup deadline, minutes"),
    Setting(
        "HARVESTER_LOCK_BACKEND",
        "file",
        _choice(LOCK_BACKENDS),
        "concurrency slots: file (one host) or postgres (advisory locks, many hosts)",
        runtime=False,
    ),
    Setting("HARVESTER_LOCK_DIR", None, _text, "directory of the file-lock slots", runtime=False),
    Setting(
        "HARVESTER_ALERT_WEBHOOK_URL",
        None,
        _http_url,
        "Slack-compatible webhook for health --notify",
        secret=True,
        runtime=False,
        endpoint=True,
    ),
    Setting(
        "HARVESTER_DIGEST_WEBHOOK_URL",
        None,
        _http_url,
        "Slack-compatible webhook for digest --notify (else HARVESTER_ALERT_WEBHOOK_URL)",
        secret=True,
        runtime=False,
        endpoint=True,
    ),
    Setting("HARVESTER_RETRY_ATTEMPTS", "3", _int(1, 20), "attempts per request before giving up"),
    Setting("HARVESTER_RETRY_MAX_WAIT_SECONDS", "30", _float(0, 3600), "longest wait between attempts"),
    Setting("HARVESTER_HTTP_TIMEOUT_SECONDS", "30", _float(0.1, 600), "timeout of one HTTP request"),
    Setting(
        "HARVESTER_MAX_RESPONSE_BYTES",
        "10000000",
        _int(1000, 1_000_000_000),
        "largest HTTP answer body read, bytes (a larger one fails the request, unread)",
    ),
    Setting("HARVESTER_FETCH_CONCURRENCY", "8", _int(1, 64), "requests in flight inside one harvest run"),
    Setting("HARVESTER_HARVEST_BATCH_SIZE", "50", _int(1, 10000), "videos claimed at a time by harvest"),
    Setting("HARVESTER_EXTRACT_BATCH_SIZE", "2000", _int(1, 100000), "comments claimed at a time by extract"),
    Setting(
        "HARVESTER_EXTRACT_HELPERS",
        "1",
        _int(0, 16),
        "helpers beside an extract run: processes that read and extract (SQLite), or threads with "
        "their own connections that claim and write batches (PostgreSQL); 0: the run works alone",
    ),
    Setting("HARVESTER_MAX_PAGES", "2", _int(1, 10), "comment pages per video"),
    Setting("HARVESTER_HEARTBEAT_SECONDS", "15", _int(1, 3600), "how often a run proves it is alive"),
    Setting(
        "HARVESTER_STALE_RUN_MINUTES",
        "5",
        _int(1, 10080),
        "a running row whose heartbeat is older than this (and whose slot is free) is abandoned",
    ),
    Setting("HARVESTER_RETENTION_DAYS", "90", _int(1, 36500), "days of data cleanup keeps"),
    Setting("HARVESTER_ALERT_DISCOVERY_MINUTES", "30", _int(1), "alert: no successful discovery for this long"),
    Setting("HARVESTER_ALERT_HARVESTING_MINUTES", "60", _int(1), "alert: no successful harvesting for this long"),
    Setting("HARVESTER_ALERT_EXTRACTION_MINUTES", "120", _int(1), "alert: no successful extraction for this long"),
    Setting("HARVESTER_ALERT_CLEANUP_DAYS", "8", _int(1), "alert: no successful cleanup for this many days"),
    Setting("HARVESTER_ALERT_SUCCESS_RATE_PERCENT", "70", _float(0, 100), "alert: success rate below this"),
    Setting("HARVESTER_ALERT_SUCCESS_WINDOW_HOURS", "24", _int(1), "window of the success-rate alert"),
    Setting("HARVESTER_ALERT_SUCCESS_MIN_RUNS", "5", _int(1), "runs needed before the success rate alerts"),
    Setting("HARVESTER_ALERT_DLQ_PENDING", "10", _int(1), "alert: this many pending dead-letter items"),
    Setting("HARVESTER_ALERT_BUDGET_PERCENT", "90", _float(0, 100), "alert: this share of the daily budget spent"),
    # cron monitoring (healthchecks.io ping protocol): ping URLs carry the check's secret, so they
    # come from the environment or env file only and are redacted like every secret
    Setting(
        "HARVESTER_PING_URL",
        None,
        _http_url,
        "cron-monitor ping URL for every job type (healthchecks.io protocol)",
        secret=True,
        runtime=False,
        endpoint=True,
    ),
    *(
        Setting(
            f"HARVESTER_PING_URL_{job.upper()}",
            None,
            _http_url,
            f"cron-monitor ping URL for {job} runs (wins over HARVESTER_PING_URL)",
            secret=True,
            runtime=False,
            endpoint=True,
        )
        for job in JOB_TYPES
    ),
    Setting(
        "HARVESTER_PING_TIMEOUT_SECONDS", "5", _float(0.1, 60), "longest a monitoring ping may delay a run, seconds"
    ),
    Setting(
        "HARVESTER_LOG_FORMAT",
        "text",
        _choice(LOG_FORMATS),
        "stderr log lines: text, or json (one object a line)",
        runtime=False,
    ),
)

BY_ENV = {s.env: s for s in SETTINGS}
BY_KEY = {s.key: s for s in SETTINGS}

#: the settings that have a command-line option, and its flag
OPTION_FLAGS = {"HARVESTER_DATABASE_URL": "--database-url"}
#: the forms (as typed, as parsed, redacted) of each value given by its command-line option in
#: this invocation (reset by `load`), so that an error names what the user typed
_given_as_option: dict[str, set[str]] = {}


def _note_option(env: str, raw: str, value: Any) -> None:
    if env in OPTION_FLAGS:
        forms = {str(raw), str(value)}
        _given_as_option[env] = forms | {redact_url(f) for f in forms}


def named(env: str, value: str | None = None) -> str:
    """What the user set `env` with, for an error's fix: its option (`--database-url`) when
    `value` (any value, if None) was given by it in this invocation, else the variable's name."""
    forms = _given_as_option.get(env)
    if forms is not None and (value is None or value in forms):
        return OPTION_FLAGS[env]
    return env


def env_file_fix(path: Path) -> str:
    """How to stop reading env file `path`: undo what named it (HARVESTER_ENV_FILE or --env-file)."""
    from_environment = os.environ.get("HARVESTER_ENV_FILE", "")
    if from_environment and Path(from_environment) == Path(path):
        return "unset HARVESTER_ENV_FILE or fix it"
    return "drop --env-file or fix it"


def find_setting(name: str) -> Setting:
    """Look a setting up by env name or system_config key (case-insensitive)."""
    setting = BY_KEY.get(name.strip().lower())
    if setting is None:
        raise errors.ConfigError(f"unknown setting {name!r}; `harvester config list` shows every setting")
    return setting


def parse_value(setting: Setting, raw: str, origin: str) -> Any:
    if _SURROGATES.search(raw):  # a byte that is not UTF-8 (argv and environ decode it as a surrogate)
        raise errors.ConfigError(f"invalid {setting.env} (from {origin}): not valid UTF-8; write the value in UTF-8")
    try:
        return setting.parse(raw)
    except ValueError as exc:
        shown = REDACTED if setting.secret else redact_url(raw if len(raw) <= 200 else raw[:200] + "...")
        reason = str(exc)
        if setting.secret:  # the parser's reason may quote the value (a webhook URL's secret path)
            for text in sorted({raw, raw.strip(), redact_url(raw.strip())}, key=len, reverse=True):
                if text:
                    reason = reason.replace(text, REDACTED)
        raise errors.ConfigError(f"invalid {setting.env}={shown!r} (from {origin}): {reason}") from None


_SURROGATES = re.compile("[\ud800-\udfff]")


def check_endpoint(setting: Setting, value: Any, origin: str, environ: Mapping[str, str] | None = None) -> None:
    """An endpoint that receives credentials is https, or plain http on loopback only, unless the
    operator allowed plain http in the environment (HARVESTER_ALLOW_INSECURE_ENDPOINTS=1)."""
    if not setting.endpoint or not value:
        return
    parts = urlsplit(str(value))
    if parts.scheme == "https" or is_loopback(parts.hostname) or insecure_endpoints_allowed(environ):
        return
    raise errors.ConfigError(
        f"{setting.env} (from {origin}) is plain http to {parts.hostname or 'a host'}, which is not loopback: "
        f"it receives credentials, so use https (or, on a trusted network, set {ALLOW_INSECURE_ENV}=1 "
        "in the environment)"
    )


def override_refusal(setting: Setting) -> str | None:
    """Why `config set` (and a `system_config` row) may not set this setting; None if it may."""
    if setting.secret:
        return (
            f"{setting.env} is a secret and is never stored in the database; set it in the environment or the env file"
        )
    if setting.endpoint:
        return (
            f"{setting.env} receives credentials, so it comes from the environment or the env file only, "
            "never from the database (anyone who can write the database could redirect the credentials); "
            "set it there"
        )
    if not setting.runtime:
        return f"{setting.env} is read at start-up only; set it in the environment or the env file"
    return None


@dataclass(frozen=True)
class Value:
    value: Any
    origin: str  # default | environment | .env | system_config | option


@dataclass
class Settings:
    """Resolved settings with the origin of each value."""

    values: dict[str, Value] = field(default_factory=dict)
    env_file: Path | None = None
    #: system_config rows that were not applied (key -> why): secrets, endpoints, start-up settings
    ignored: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, env: str) -> Any:
        return self.values[env].value

    def get(self, env: str) -> Any:
        return self.values[env].value

    def origin(self, env: str) -> str:
        return self.values[env].origin

    @property
    def database_url(self) -> str:
        return self["HARVESTER_DATABASE_URL"]

    def max_slots(self, job_type: str) -> int:
        return self[f"MAX_CONCURRENT_{job_type.upper()}_JOBS"]

    def timeout_minutes(self, job_type: str) -> int:
        return self[f"{job_type.upper()}_JOB_TIMEOUT_MINUTES"]

    def with_overrides(self, rows: Mapping[str, str]) -> Settings:
        """Apply `system_config` rows (unless a command-line option already set the value)."""
        values = dict(self.values)
        ignored = dict(self.ignored)
        for key, raw in rows.items():
            setting = BY_KEY.get(key)
            if setting is None:
                continue
            refusal = override_refusal(setting)
            if refusal is not None:  # e.g. left by an older version: never applied
                ignored[key] = refusal
                continue
            if values[setting.env].origin == "option":
                continue
            values[setting.env] = Value(parse_value(setting, raw, f"system_config key {key}"), "system_config")
        return Settings(values, self.env_file, ignored)

    def with_option(self, env: str, raw: Any) -> Settings:
        setting = BY_ENV[env]
        if isinstance(raw, str):
            redact.register_url(raw, whole=setting.secret)  # before validation: never echoed
        value = parse_value(setting, str(raw), "command-line option") if isinstance(raw, str) else raw
        _note_option(env, raw, value)
        values = dict(self.values)
        values[env] = Value(value, "option")
        return Settings(values, self.env_file, dict(self.ignored))

    def shown(self, env: str) -> str:
        """The value as text, secrets redacted."""
        setting = BY_ENV[env]
        value = self.values[env].value
        if value is None:
            return ""
        if setting.secret:
            return REDACTED
        if isinstance(value, tuple):
            return ",".join(value)
        if env == "HARVESTER_DATABASE_URL":
            return redact_url(value)
        return str(value)

    def secrets(self) -> list[str]:
        """Secret values present, for scrubbing text before it is shown or logged."""
        found = [str(self.values[s.env].value) for s in SETTINGS if s.secret and self.values[s.env].value]
        for value in list(found):
            # a secret URL (a webhook) is secret by its path: servers echo that part alone
            parts = urlsplit(value) if "://" in value else None
            tail = (parts.path + ("?" + parts.query if parts.query else "")) if parts else ""
            if len(tail.strip("/")) >= 8:
                found.append(tail)
        password = redact.url_password(self.database_url)
        if password:
            found.append(password)
        return [s for s in found if len(s) >= redact.MIN_SECRET_LENGTH]


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a .env file with python-dotenv, rejecting lines it cannot read."""
    from dotenv import dotenv_values
    from dotenv.parser import parse_stream

    if not path.is_file():
        raise errors.ConfigError(f"env file {path} does not exist; create it, or {env_file_fix(path)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise errors.ConfigError(f"cannot read env file {path}: {exc.strerror}; check its permissions") from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark (editors on Windows)
    lines = data.decode("utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not re.match(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_.]*\s*=", stripped):
            raise errors.ConfigError(f"{path}:{number}: not a KEY=value line; fix or remove it")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = data.count(b"\n", 0, exc.start) + 1
        raise errors.ConfigError(
            f"{path}:{number}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from None
    # what python-dotenv cannot parse (an unclosed quote) it would skip with a warning: refuse it
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise errors.ConfigError(
                f"{path}:{binding.original.line}: cannot be parsed (an unclosed quote?); fix or remove it"
            )
    return {k: v for k, v in dotenv_values(stream=io.StringIO(text)).items() if v is not None}


def load(environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> Settings:
    """Resolve settings from the environment, then the .env file, then defaults."""
    environ = os.environ if environ is None else environ
    _given_as_option.clear()  # a new invocation (the CLI's tests run many in one process)
    file_values: dict[str, str] = {}
    if env_file is not None:
        file_values = read_env_file(env_file)
    else:
        default_file = Path(".env")
        if default_file.is_file():
            file_values = read_env_file(default_file)
            env_file = default_file
    # the redaction layer learns every secret before any value is validated (an error never echoes one)
    for setting in SETTINGS:
        for raw in (environ.get(setting.env), file_values.get(setting.env)):
            if raw:
                redact.register_url(raw, whole=setting.secret)
                if setting.secret:
                    redact.register(raw, raw.strip())
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        if environ.get(setting.env, "") != "":
            raw, origin = environ[setting.env], "environment"
        elif file_values.get(setting.env, "") != "":
            raw, origin = file_values[setting.env], f"env file {env_file}"
        else:
            raw, origin = setting.default, "default"
        value = None if raw is None else parse_value(setting, raw, origin)
        check_endpoint(setting, value, origin, environ)
        values[setting.env] = Value(value, origin)
    return Settings(values, env_file)


@dataclass(frozen=True)
class Problem:
    """One bad setting (or an unreadable env file: `env` is then empty), message redacted."""

    env: str
    origin: str
    message: str


def validate(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
    *,
    options: Mapping[str, str] | None = None,
    overrides: Mapping[str, str] | None = None,
) -> tuple[Settings, list[Problem]]:
    """Every setting validated on its own, from every place it is given (`harvester check`).

    Unlike `load`, nothing raises: each bad value (environment, env file, `system_config`
    row in `overrides`, command-line option in `options`) is one Problem, and the settings
    returned hold the next valid value in precedence order (else the default) in its place.
    """
    environ = os.environ if environ is None else environ
    _given_as_option.clear()
    problems: list[Problem] = []
    file_values: dict[str, str] = {}
    if env_file is None and Path(".env").is_file():
        env_file = Path(".env")
    if env_file is not None:
        try:
            file_values = read_env_file(env_file)
        except errors.ConfigError as exc:
            problems.append(Problem("", f"env file {env_file}", str(exc)))
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        given: list[tuple[str, str]] = []  # (raw, origin), highest precedence first
        if options and options.get(setting.env) not in (None, ""):
            given.append((options[setting.env], "command-line option"))
        if overrides and setting.runtime and not setting.secret and setting.key in overrides:
            given.append((overrides[setting.key], f"system_config key {setting.key}"))
        if environ.get(setting.env, "") != "":
            given.append((environ[setting.env], "environment"))
        elif file_values.get(setting.env, "") != "":
            given.append((file_values[setting.env], f"env file {env_file}"))
        for raw, _origin in given:  # the redaction layer learns them before any is validated
            redact.register_url(raw, whole=setting.secret)
            if setting.secret:
                redact.register(raw, raw.strip())
        chosen: Value | None = None
        for raw, origin in given:
            try:
                value = parse_value(setting, raw, origin)
                check_endpoint(setting, value, origin, environ)
            except errors.ConfigError as exc:
                problems.append(Problem(setting.env, origin, str(exc)))
                continue
            if chosen is None:
                if origin == "command-line option":
                    _note_option(setting.env, raw, value)
                chosen = Value(
                    value,
                    "option"
                    if origin == "command-line option"
                    else "system_config"
                    if origin.startswith("system_config")
                    else origin,
                )
        if chosen is None:
            chosen = Value(None if setting.default is None else setting.parse(setting.default), "default")
        values[setting.env] = chosen
    return Settings(values, env_file), problems


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """The one redaction layer (harvester_cli/redact.py): every known secret in any of its forms,
    and credentials inside URLs, masked."""
    return redact.scrub(text, secrets)
