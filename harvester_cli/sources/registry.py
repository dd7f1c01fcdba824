"""Pick the source named by HARVESTER_SOURCE."""

from __future__ import annotations

from typing import Any

from harvester_cli import errors
from harvester_cli.sources.base import Source, SourceDeps

SOURCE_NAMES = ("tiktok", "worker", "files")


def source_class(settings: Any):
    """The class of the source HARVESTER_SOURCE names; ConfigError when it names none."""
    name = settings["HARVESTER_SOURCE"]
    if not name:
        raise errors.ConfigError("HARVESTER_SOURCE is not set; set it to tiktok, worker or files")
    name = str(name).strip().lower()
    if name == "tiktok":
        from harvester_cli.sources.tiktok import TikTokSource

        return TikTokSource
    if name == "worker":
        from harvester_cli.sources.worker import WorkerSource

        return WorkerSource
    if name == "files":
        from harvester_cli.sources.files import FilesSource

        return FilesSource
    raise errors.ConfigError(f"HARVESTER_SOURCE={name!r} is not a source; set it to tiktok, worker or files")


def check_settings(settings: Any) -> None:
    """The configured source's settings are complete (ConfigError, exit 2, otherwise): checked
    before a run is recorded, so a configuration mistake is bad input, not a failed run."""
    source_class(settings).check_settings(settings)


def open_source(settings: Any, deps: SourceDeps) -> Source:
    """The configured source, ready to use; the caller closes it.

    `settings` decides which source; `deps.settings` is what the source reads (normally the
    same object).
    """
    cls = source_class(settings)
    if deps.settings is None:
        deps.settings = settings
    return cls(deps)
