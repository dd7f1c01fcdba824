"""The root Typer app: global options, .env loading, and the one place errors become exit codes."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as _click_exc
except ImportError:  # pragma: no cover - older typer on real click
    from click import exceptions as _click_exc

from harvester_cli import __version__, errors
from harvester_cli import console
from harvester_cli.context import Context
from harvester_cli.settings import scrub


class HarvesterGroup(TyperGroup):
    """Maps every error to one stderr line and its documented exit code."""

    def invoke(self, ctx: typer.Context):
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

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args=args, prog_name=prog_name or "harvester", complete_var=complete_var,
                              standalone_mode=False, **extra)
        except _click_exc.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            rv = 0
        except _click_exc.ClickException as exc:
            if not standalone_mode:
                raise
            where = exc.ctx.command_path if getattr(exc, "ctx", None) else "harvester"
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


def _report(ctx: typer.Context, exc: BaseException, unexpected: bool = False) -> None:
    root = ctx.find_root().obj
    secrets = root.secrets() if isinstance(root, Context) else []
    message = scrub(str(exc), secrets) or type(exc).__name__
    if unexpected:
        message = f"unexpected {type(exc).__name__}: {message} (run with -v for the traceback)"
    console.error_line(message)
    if isinstance(root, Context) and root.verbose:
        console.err().print(scrub("".join(traceback.format_exception(exc)), secrets), markup=False)


class _ScrubSecrets(logging.Filter):
    """On every log handler: secret values in a record (message, traceback) are redacted, so
    `-v` debug output (retries, httpx request lines, tracebacks) never shows them."""

    context: Context | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        # only settings already loaded: loading them here could log, and so recurse
        base = getattr(self.context, "_base", None)
        secrets = base.secrets() if base is not None else []
        if not secrets:
            return True
        message = record.getMessage()
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
    database_url: Annotated[Optional[str], typer.Option(
        "--database-url", metavar="URL", help="SQLAlchemy URL of the store (overrides HARVESTER_DATABASE_URL).",
        show_default=False)] = None,
    env_file: Annotated[Optional[Path], typer.Option(
        "--env-file", metavar="PATH", envvar="HARVESTER_ENV_FILE",
        help="Read settings from this .env file [env: HARVESTER_ENV_FILE] (default: ./.env if present).",
        show_default=False)] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="Debug logging and tracebacks.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="Print nothing but errors and --json output.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Global options; the settings are read lazily by the command that needs them."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "httpcore", "filelock"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
    # psycopg reports a lost connection with multi-line warnings; the one error line says it
    logging.getLogger("psycopg").setLevel(logging.DEBUG if verbose else logging.ERROR)
    # SQLAlchemy's pool logs a traceback when it cannot reset a connection the server dropped;
    # the error itself reaches the error boundary as one line
    logging.getLogger("sqlalchemy").setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    context = Context(database_url=database_url, env_file=env_file, json=json_output, verbose=verbose, quiet=quiet)
    _scrub_logs.context = context
    for handler in logging.getLogger().handlers:
        if _scrub_logs not in handler.filters:
            handler.addFilter(_scrub_logs)
    ctx.obj = context
    ctx.call_on_close(context.close)


def _register() -> None:
    from harvester_cli.commands import register

    register(app)


_register()


def main() -> None:
    app()
