"""Alembic migrations of the store: `env.py` and one revision per schema change in `versions/`.

Run through `harvester init` (harvester_cli/store/schema.py), never the `alembic` command: the
store's URL, its lock and SQLite's foreign-key switch are set up there.
"""
