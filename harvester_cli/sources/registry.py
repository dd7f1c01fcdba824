"""Pick the source named by HARVESTER_SOURCE."""

from __future__ import annotations

from typing import Any

from harvester_cli import errors
from harvester_cli.sources.base import Source, SourceDeps

SOURCE_NAMES = ("tiktok", "worker", "files")


def open_source(settings: Any, deps: SourceDeps) -> Source:
    """The configured source, ready to use; the caller closes it.

    `settings` decides which source; `deps.settings` is what the source reads (normally the
    same object).
    """
    name = settings["HARVESTER_SOURCE"]
    if not name:
        raise errors.ConfigError("HARVESTER_SOURCE is not set; set it to tiktok, worker or files")
    name = str(name).strip().lower()
    if deps.settings is None:
        deps.settings = settings
    if name == "tiktok":
        from harvester_cli.sources.tiktok import TikTokSource

        return TikTokSource(deps)
    if name == "worker":
        from harvester_cli.sources.worker import WorkerSource

        return WorkerSource(deps)
    if name == "files":
        from harvester_cli.sources.files import FilesSource

        return FilesSource(deps)
    raise errors.ConfigError(f"HARVESTER_SOURCE={name!r} is not a source; set it to tiktok, worker or files")
