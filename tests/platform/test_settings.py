import pytest

from harvester_cli import errors
from harvester_cli import settings as settings_mod


def test_defaults_and_origins():
    s = settings_mod.load({})
    assert s["MAX_CONCURRENT_DISCOVERY_JOBS"] == 5
    assert s["MAX_CONCURRENT_HARVESTING_JOBS"] == 10
    assert s["MAX_CONCURRENT_EXTRACTION_JOBS"] == 50
    assert s["DISCOVERY_JOB_TIMEOUT_MINUTES"] == 30
    assert s["HARVESTING_JOB_TIMEOUT_MINUTES"] == 60
    assert s["HARVESTER_DATABASE_URL"] == "sqlite:///harvester.db"
    assert s.origin("MAX_CONCURRENT_DISCOVERY_JOBS") == "default"


def test_precedence_option_over_config_over_env_over_dotenv(tmp_path):
    env_file = tmp_path / "h.env"
    env_file.write_text("MAX_CONCURRENT_DISCOVERY_JOBS=7\nHARVESTER_DISCOVERY_DAYS=3\nHARVESTER_RETENTION_DAYS=30\n")
    s = settings_mod.load({"MAX_CONCURRENT_DISCOVERY_JOBS": "8"}, env_file)
    assert s["MAX_CONCURRENT_DISCOVERY_JOBS"] == 8 and s.origin("MAX_CONCURRENT_DISCOVERY_JOBS") == "environment"
    assert s["HARVESTER_DISCOVERY_DAYS"] == 3 and s.origin("HARVESTER_DISCOVERY_DAYS").startswith("env file")
    s2 = s.with_overrides({"max_concurrent_discovery_jobs": "9", "harvester_discovery_days": "4"})
    assert s2["MAX_CONCURRENT_DISCOVERY_JOBS"] == 9 and s2.origin("MAX_CONCURRENT_DISCOVERY_JOBS") == "system_config"
    s3 = s.with_option("HARVESTER_DISCOVERY_DAYS", "5").with_overrides({"harvester_discovery_days": "4"})
    assert s3["HARVESTER_DISCOVERY_DAYS"] == 5 and s3.origin("HARVESTER_DISCOVERY_DAYS") == "option"


@pytest.mark.parametrize(
    "name,value",
    [
        ("MAX_CONCURRENT_HARVESTING_JOBS", "-1"),
        ("MAX_CONCURRENT_HARVESTING_JOBS", "ten"),
        ("HARVESTING_JOB_TIMEOUT_MINUTES", "0"),
        ("HARVESTER_SOURCE", "myspace"),
        ("HARVESTER_DATABASE_URL", "mysql://x"),
        ("HARVESTER_LOCK_BACKEND", "redis"),
        ("HARVESTER_COMMERCIAL_COUNTRIES", "DE,Germany"),
        ("TIKTOK_API_BASE_URL", "ftp://x"),
    ],
)
def test_invalid_values_are_config_errors(name, value):
    with pytest.raises(errors.ConfigError) as info:
        settings_mod.load({name: value})
    assert name in str(info.value)
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    "env",
    [
        {"MAX_CONCURRENT_DISCOVERY_JOBS": "-3"},
        {"HARVESTER_SOURCE": "nope"},
        {"HARVESTER_DATABASE_URL": "not a url"},
        {"HARVESTER_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:1/nothing"},
        {"HARVESTER_DATABASE_URL": "sqlite:////no/such/dir/h.db"},
    ],
)
def test_bad_settings_exit_2_with_one_line(cli, env):
    result = cli("jobs", env=env)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_env_file_is_rejected(cli, tmp_path):
    bad = tmp_path / "bad.env"
    bad.write_text("GOOD=1\nthis line is not a setting\n")
    result = cli("--env-file", str(bad), "config", "list")
    assert result.exit_code == 2
    assert "bad.env:2" in result.stderr


def test_missing_env_file_is_rejected(cli, tmp_path):
    result = cli("--env-file", str(tmp_path / "missing.env"), "config", "list")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


CANARY = "canary-s3cr3t-value-9f8e7d"


def test_config_list_never_shows_a_secret(cli):
    env = {
        "TIKTOK_CLIENT_SECRET": CANARY,
        "WORKER_API_KEY": CANARY + "w",
        "HARVESTER_ALERT_WEBHOOK_URL": f"https://hooks.example.com/{CANARY}",
    }
    for args in (("config", "list"), ("--json", "config", "list"), ("config", "get", "tiktok_client_secret")):
        result = cli(*args, env=env)
        assert result.exit_code == 0, result.stderr
        assert CANARY not in result.stdout + result.stderr
    assert settings_mod.REDACTED in cli("config", "get", "worker_api_key", env=env).stdout


def test_database_password_is_redacted(cli, tmp_path):
    result = cli("--database-url", f"postgresql+psycopg://u:{CANARY}@127.0.0.1:1/db", "jobs")
    assert result.exit_code == 2
    assert CANARY not in result.stderr


def test_config_set_get_and_origin(cli):
    result = cli("config", "set", "max_concurrent_discovery_jobs", "8", "--description", "backlog")
    assert result.exit_code == 0, result.stderr
    got = cli("--json", "config", "get", "MAX_CONCURRENT_DISCOVERY_JOBS")
    import json

    item = json.loads(got.stdout)
    assert item["value"] == "8" and item["origin"] == "system_config"
    assert cli("config", "unset", "max_concurrent_discovery_jobs").exit_code == 0
    item = json.loads(cli("--json", "config", "get", "max_concurrent_discovery_jobs").stdout)
    assert item["value"] == "5" and item["origin"] == "default"


@pytest.mark.parametrize(
    "key,value,needle",
    [
        ("max_concurrent_discovery_jobs", "-1", "below the minimum"),
        ("max_concurrent_discovery_jobs", "lots", "not a whole number"),
        ("tiktok_client_secret", "x", "secret"),
        ("harvester_database_url", "sqlite:///x.db", "start-up only"),
        ("no_such_key", "1", "unknown setting"),
        ("harvester_source", "myspace", "not one of"),
    ],
)
def test_config_set_validates(cli, key, value, needle):
    result = cli("config", "set", key, value)
    assert result.exit_code == 2
    assert needle in result.stderr


def test_bad_system_config_row_is_reported(cli, store, db_url):
    from harvester_cli.store import config as config_store

    config_store.put(store, "max_concurrent_harvesting_jobs", "banana")
    result = cli("jobs")
    assert result.exit_code == 2
    assert "system_config" in result.stderr and "banana" in result.stderr
