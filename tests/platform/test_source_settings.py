"""A configuration mistake in the source's settings is bad input (exit 2): no run is recorded,
so it never counts against the success rate (issue 15)."""

import pytest

from harvester_cli.store import runs


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "HARVESTER_SOURCE is not set"),
        ({"HARVESTER_SOURCE": "tiktok"}, "TIKTOK_CLIENT_KEY is not set"),
        ({"HARVESTER_SOURCE": "worker"}, "WORKER_WEBHOOK_URL is not set"),
        ({"HARVESTER_SOURCE": "files"}, "HARVESTER_FILES_DIR is not set"),
        ({"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": "/nonexistent/dir"}, "does not exist"),
    ],
)
@pytest.mark.parametrize("command", [("discover",), ("harvest",), ("run",)])
def test_missing_source_settings_are_bad_input_and_record_no_run(cli, store, env, message, command):
    result = cli(*command, env=env)
    assert result.exit_code == 2, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0]
    assert runs.recent(store, since=store.now().replace(year=2000), limit=10) == []
