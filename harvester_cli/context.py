"""The per-process context: settings, the store and the slot backend, built once and lazily."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.runtime import reaper
from harvester_cli.runtime import slots as slots_mod
from harvester_cli.settings import redact_url
from harvester_cli.store import config as config_store
from harvester_cli.store import engine as engine_mod
from harvester_cli.store import schema
from harvester_cli.store.base import Store


@dataclass
class Context:
    database_url: str | None = None
    env_file: Path | None = None
    json: bool = False
    verbose: bool = False
    quiet: bool = False
    #: set by `init` and the job commands: they may create a store that does not exist yet;
    #: every other command refuses a missing store (a mistyped path must not start an empty one)
    creates_store: bool = False
    _base: settings_mod.Settings | None = field(default=None, repr=False)
    _settings: settings_mod.Settings | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _slots: slots_mod.SlotBackend | None = field(default=None, repr=False)

    def base_settings(self) -> settings_mod.Settings:
        """Environment, .env and command-line options (no database needed)."""
        if self._base is None:
            base = settings_mod.load(os.environ, self.env_file)
            if self.database_url:
                base = base.with_option("HARVESTER_DATABASE_URL", self.database_url)
            self._base = base
        return self._base

    def store(self) -> Store:
        """The store at this code's schema version; runs whose process died are reaped first.

        A store behind or ahead of this code is refused (exit 2: `harvester init` upgrades);
        a missing one is created only where `creates_store` is set.
        """
        if self._store is None:
            url = self.base_settings().database_url
            store = Store.open(url, must_exist=not self.creates_store)
            try:
                if self.creates_store and schema.inspect(store.engine).status == "missing":
                    schema.upgrade(store.engine)
                schema.require_current(store.engine, redact_url(url))
            except BaseException:
                store.dispose()
                raise
            self._store = store
            reaper.reap(store, self.settings(), self.slots())
        return self._store

    def init_store(self) -> tuple[Store, schema.UpgradeResult]:
        """`harvester init`: create the store at head or upgrade it, then open it as usual."""
        url = self.base_settings().database_url
        store = Store.open(url)
        try:
            result = schema.upgrade(store.engine)
        finally:
            store.dispose()
        return self.store(), result

    def settings(self) -> settings_mod.Settings:
        """Every setting, with `system_config` overrides applied."""
        if self._settings is None:
            self._settings = self.base_settings().with_overrides(config_store.all_rows(self.store()))
        return self._settings

    def slots(self) -> slots_mod.SlotBackend:
        if self._slots is None:
            store = self.store()
            self._slots = slots_mod.backend_for(
                self.settings(), store.engine, engine_mod.sqlite_path(store.url), engine_mod.default_state_dir()
            )
        return self._slots

    def state_dir(self) -> Path:
        """This host's state for this store (the lock files, the cached access token)."""
        store = self.store()
        return slots_mod.lock_dir_for(
            self.settings(), engine_mod.sqlite_path(store.url), engine_mod.default_state_dir()
        )

    def secrets(self) -> list[str]:
        try:
            return self.base_settings().secrets()
        except errors.HarvesterError:
            return []

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
