from __future__ import annotations

from typing import Annotated

import typer

from harvester_cli import console, errors
from harvester_cli.commands.common import context
from harvester_cli.settings import redact_url
from harvester_cli.store import engine as engine_mod


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        ctx: typer.Context,
        print_sql: Annotated[bool, typer.Option("--print-sql", help="Print the DDL instead of applying it.")] = False,
        dialect: Annotated[
            str | None,
            typer.Option(
                "--dialect",
                metavar="sqlite|postgresql",
                help="Dialect of --print-sql (default: that of the database URL).",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        """Create or upgrade the schema (idempotent). Run it after install and after every upgrade.

        A new store is created at the current schema; an older one is upgraded in one
        transaction (back it up first: README "Upgrading"). Every other command refuses a store
        that is not at this version's schema.

        Example: harvester init && harvester --database-url postgresql+psycopg://user@db/harvester init
        """
        c = context(ctx)
        if print_sql:
            name = dialect or ("postgresql" if c.base_settings().database_url.startswith("postgresql") else "sqlite")
            typer.echo(engine_mod.schema_sql(name), nl=False)
            return
        if dialect:
            raise errors.BadInput("--dialect only applies with --print-sql")
        store, result = c.init_store()
        url = redact_url(c.base_settings().database_url)
        if c.json:
            console.print_json(
                {
                    "database": url,
                    "dialect": store.dialect,
                    "ok": True,
                    "revision_before": result.before,
                    "revision": result.after,
                    "changed": result.changed,
                    "action": result.describe(),
                }
            )
        elif not c.quiet:
            console.line(f"{result.describe()} in {url} ({store.dialect})")
