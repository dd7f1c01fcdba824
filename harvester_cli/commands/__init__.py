"""One module per command or group: parse options, call one service, render."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    from harvester_cli.commands import (
        budget,
        check,
        cleanup,
        config,
        digest,
        dlq,
        domains,
        health,
        init,
        jobs,
        kill_switch,
        links,
        logs,
        metrics,
        pipeline,
        scan,
        watch,
    )

    init.register(app)
    pipeline.register(app)
    scan.register(app)
    domains.register(app)
    links.register(app)
    digest.register(app)
    health.register(app)
    watch.register(app)
    cleanup.register(app)
    jobs.register(app)
    budget.register(app)
    metrics.register(app)
    check.register(app)
    logs.register(app)
    app.add_typer(kill_switch.app, name="kill-switch")
    app.add_typer(dlq.app, name="dlq")
    app.add_typer(config.app, name="config")
