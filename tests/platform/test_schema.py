from pathlib import Path

from sqlalchemy import inspect

from harvester_cli.store import engine, tables

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_TABLES = {
    "videos",
    "comments",
    "domains",
    "domain_mentions",
    "job_status",
    "system_logs",
    "system_config",
    "dead_letter_queue",
    "api_usage",
}
ADDED_TABLES = {"discovery_scans", "digest_posts"}  # quota (0002), digest windows (0003)


def test_schema_sql_is_generated_from_the_tables(cli):
    result = cli("init", "--print-sql", "--dialect", "postgresql")
    assert result.exit_code == 0
    assert (ROOT / "schema.sql").read_text() == result.stdout, "run `make schema` to regenerate schema.sql"


def test_print_sql_sqlite_dialect(cli):
    result = cli("init", "--print-sql", "--dialect", "sqlite")
    assert result.exit_code == 0
    assert "CREATE TABLE IF NOT EXISTS videos" in result.stdout
    assert "BIGSERIAL" not in result.stdout


def test_unknown_dialect_is_bad_input(cli):
    result = cli("init", "--print-sql", "--dialect", "oracle")
    assert result.exit_code == 2
    assert "unknown dialect" in result.stderr


def test_init_twice_creates_every_contract_table(cli, db_url):
    first = cli("init")
    second = cli("init")
    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 0, second.stderr
    e = engine.make_engine(db_url)
    names = set(inspect(e).get_table_names())
    e.dispose()
    assert CONTRACT_TABLES <= names
    assert {t.name for t in tables.metadata.sorted_tables} == CONTRACT_TABLES | ADDED_TABLES


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path):
    e = engine.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with e.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == engine.SQLITE_BUSY_TIMEOUT_MS
    e.dispose()


def test_big_ids_round_trip_exactly(store):
    from harvester_cli.models import Video
    from harvester_cli.store import videos

    big = 9_223_372_036_854_775_807  # int64 max, far above 2**53
    videos.upsert_discovered(store, [Video(id=big, promoted_reason="hashtag #ad")], "files", force_refresh=False)
    assert videos.get(store, big)["id"] == big
