"""The root Typer app: global options, .env loading, and the one place errors become exit codes."""

from __future__ import annotations

import copy
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click import exceptions as _click_exc  # typer >= 0.29 vendors click
from typer._click.core import Context as ClickContext
from typer._click.core import ParameterSource
from typer.core import TyperGroup

from harvester_cli import __version__, console, errors, redact
from harvester_cli.context import Context
from harvester_cli.settings import scrub

#: the root options that every command and group accepts too, before or after its name
GLOBAL_OPTIONS = {
    "database_url": "database_url",
    "env_file": "env_file",
    "json_output": "json",
    "verbose": "verbose",
    "quiet": "quiet",
}


class HarvesterGroup(TyperGroup):
    """Maps every error to one stderr line and its documented exit code, and gives every
    subcommand the global options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        globals_ = [p for p in self.params if p.name in GLOBAL_OPTIONS]
        _add_global_options(self, globals_)

    def invoke(self, ctx: ClickContext):
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, _click_exc.ClickException):
            raise
        except errors.HarvesterError as exc:
            _report(ctx, exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.error_line("interrupted")
            raise typer.Exit(errors.EXIT_FAILED) from None
        except Exception as exc:  # the error boundary: anything unexpected is one line too
            _report(ctx, exc, unexpected=True)
            raise typer.Exit(errors.EXIT_FAILED) from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        # usage errors come before the root callback: their line follows HARVESTER_LOG_FORMAT too
        console.set_json_lines(_log_format(None) == "json")
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name or "harvester",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except _click_exc.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            rv = 0
        except _click_exc.ClickException as exc:
            if not standalone_mode:
                raise
            failed_in = getattr(exc, "ctx", None)  # a UsageError's context; other ClickExceptions have none
            where = failed_in.command_path if failed_in else "harvester"
            console.error_line(f"{exc.format_message()} (see `{where} --help`)")
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            console.error_line("aborted")
            sys.exit(errors.EXIT_FAILED)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


def _report(ctx: ClickContext, exc: BaseException, unexpected: bool = False) -> None:
    root = ctx.find_root().obj
    secrets = root.secrets() if isinstance(root, Context) else []
    message = scrub(str(exc), secrets) or type(exc).__name__
    if unexpected:
        message = f"unexpected {type(exc).__name__}: {message} (run with -v for the traceback)"
    trace = None
    if isinstance(root, Context) and root.verbose:
        trace = scrub("".join(traceback.format_exception(exc)), secrets)
    console.error_line(message, traceback=trace)


def _add_global_options(group, options) -> None:
    """Every command and group below `group` accepts the global options as well; a value given
    after the subcommand wins over one given before it (see `_apply_global`)."""
    for command in getattr(group, "commands", {}).values():
        taken = {opt for param in command.params for opt in param.opts + param.secondary_opts}
        for option in options:
            if taken.isdisjoint(option.opts + option.secondary_opts):
                twin = copy.copy(option)
                twin.expose_value = False  # the command function never sees it
                twin.envvar = None  # HARVESTER_ENV_FILE is read once, by the root
                twin.is_eager = False
                twin.callback = _apply_global
                command.params.append(twin)
        _add_global_options(command, options)


def _apply_global(ctx: typer.Context, param, value):
    """A global option given after a subcommand: it updates the root's context."""
    if ctx.resilient_parsing or ctx.get_parameter_source(param.name) != ParameterSource.COMMANDLINE:
        return value
    context = ctx.find_root().obj
    if isinstance(context, Context):
        setattr(context, GLOBAL_OPTIONS[param.name], value)
        if param.name in ("database_url", "env_file") and context._store is None:
            context._base = context._settings = None  # not loaded yet; never stale
        _configure_logging(context)
    return value


class _StderrHandler(logging.StreamHandler):
    """Log lines to whatever sys.stderr is now (the CLI test runner swaps it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class _JsonFormatter(logging.Formatter):
    """HARVESTER_LOG_FORMAT=json: one object a line (`ts`, `level`, `event`, `message`, and
    `job_type`, `run_id` where the record carries them)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "ts": console.timestamp(record.created),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", None) or "log",
            "message": record.getMessage(),
            "job_type": getattr(record, "job_type", None),
            "run_id": getattr(record, "run_id", None),
            "logger": record.name,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            fields["traceback"] = record.exc_text
        return console.json_log_line(fields)


class _TextFormatter(logging.Formatter):
    """Text log lines: control, C1 and bidi characters escaped (newlines of a traceback kept)."""

    def format(self, record: logging.LogRecord) -> str:
        return console.safe_lines(super().format(record))


_TEXT_FORMAT = _TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
_stderr_handler = _StderrHandler()


def _log_format(env_file: Path | None) -> str:
    """HARVESTER_LOG_FORMAT from the environment or the env file, before any other setting is read.

    An unreadable env file or a bad value means text here; loading the settings reports it."""
    from harvester_cli import settings as settings_mod

    raw = os.environ.get("HARVESTER_LOG_FORMAT", "")
    if not raw:
        path = env_file or os.environ.get("HARVESTER_ENV_FILE") or (".env" if Path(".env").is_file() else None)
        if path:
            try:
                raw = settings_mod.read_env_file(Path(path)).get("HARVESTER_LOG_FORMAT", "")
            except errors.HarvesterError:
                raw = ""
    try:
        return settings_mod.BY_ENV["HARVESTER_LOG_FORMAT"].parse(raw) if raw else "text"
    except ValueError:
        return "text"


def _configure_logging(context: Context) -> None:
    """Levels, the stderr handler and its format; run again when an option after the subcommand
    changes -v, -q or the env file."""
    verbose, json_lines = context.verbose, _log_format(context.env_file) == "json"
    console.set_json_lines(json_lines)
    root_logger = logging.getLogger()
    if _stderr_handler not in root_logger.handlers:
        root_logger.addHandler(_stderr_handler)
    _stderr_handler.setFormatter(_JsonFormatter() if json_lines else _TEXT_FORMAT)
    root_logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for noisy in ("httpx", "httpcore", "filelock"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
    # psycopg reports a lost connection with multi-line warnings; the one error line says it
    logging.getLogger("psycopg").setLevel(logging.DEBUG if verbose else logging.ERROR)
    # SQLAlchemy's pool logs a traceback when it cannot reset a connection the server dropped;
    # the error itself reaches the error boundary as one line
    logging.getLogger("sqlalchemy").setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    # system_logs events (store/logs.py) go to stderr as JSON lines for a log shipper; with text
    # logs they stay in the store (`harvester logs`)
    events = logging.DEBUG if verbose else logging.WARNING if context.quiet else logging.INFO
    logging.getLogger("harvester.events").setLevel(events if json_lines else logging.CRITICAL + 1)
    logging.captureWarnings(json_lines)  # Python warnings become log lines too
    _scrub_logs.context = context
    for handler in root_logger.handlers:
        if _scrub_logs not in handler.filters:
            handler.addFilter(_scrub_logs)


class _ScrubSecrets(logging.Filter):
    """On every log handler: secret values in a record (message, traceback) are redacted, so
    `-v` debug output (retries, httpx request lines, tracebacks) never shows them."""

    context: Context | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        # only settings already loaded: loading them here could log, and so recurse; the
        # redaction layer knows every secret registered so far, and credentials inside URLs
        base = getattr(self.context, "_base", None)
        secrets = base.secrets() if base is not None else []
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it itself
            return True
        scrubbed = scrub(message, secrets)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info), secrets)
        return True


_scrub_logs = _ScrubSecrets()


app = typer.Typer(
    cls=HarvesterGroup,
    name="harvester",
    help="Find promoted TikTok videos, harvest their comments, extract the web domains they mention.\n\n"
    "Each command runs one job to completion and exits; cron is the scheduler. "
    "Exit codes: 0 ok, 1 failed, 2 bad input, 3 kill switch on, 4 no free slot.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"harvester {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            metavar="URL",
            help="SQLAlchemy URL of the store (overrides HARVESTER_DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            metavar="PATH",
            envvar="HARVESTER_ENV_FILE",
            help="Read settings from this .env file [env: HARVESTER_ENV_FILE] (default: ./.env if present).",
            show_default=False,
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Debug logging and tracebacks.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors and --json output.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Global options (also accepted after the command); the settings are read lazily by the
    command that needs them."""
    redact.reset()  # a new command (in-process tests run many): only its own secrets are known
    context = Context(database_url=database_url, env_file=env_file, json=json_output, verbose=verbose, quiet=quiet)
    _configure_logging(context)
    ctx.obj = context
    ctx.call_on_close(context.close)


def _register() -> None:
    from harvester_cli.commands import register

    register(app)


_register()


def main() -> None:
    app()
