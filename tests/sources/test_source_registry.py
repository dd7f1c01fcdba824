import pytest

from harvester_cli import errors
from harvester_cli.sources.files import FilesSource
from harvester_cli.sources.registry import SOURCE_NAMES, open_source
from harvester_cli.sources.tiktok import TikTokSource
from harvester_cli.sources.worker import WorkerSource


def test_unset_source_says_how_to_fix(make_settings, make_deps):
    settings = make_settings()
    with pytest.raises(errors.ConfigError, match="HARVESTER_SOURCE is not set; set it to tiktok, worker or files"):
        open_source(settings, make_deps(settings))


@pytest.mark.parametrize(
    "name,cls,env",
    [
        ("tiktok", TikTokSource, {"TIKTOK_CLIENT_KEY": "k", "TIKTOK_CLIENT_SECRET": "s"}),
        ("worker", WorkerSource, {"WORKER_WEBHOOK_URL": "http://127.0.0.1:9", "WORKER_API_KEY": "k"}),
        ("files", FilesSource, {}),
    ],
)
def test_each_name_opens_its_source(name, cls, env, make_settings, make_deps, tmp_path):
    (tmp_path / "videos.jsonl").write_text("")
    settings = make_settings(HARVESTER_SOURCE=name, HARVESTER_FILES_DIR=str(tmp_path), **env)
    source = open_source(settings, make_deps(settings))
    try:
        assert isinstance(source, cls) and source.name == name
    finally:
        source.close()
    assert name in SOURCE_NAMES


def test_source_settings_errors_surface(make_settings, make_deps):
    settings = make_settings(HARVESTER_SOURCE="worker")
    with pytest.raises(errors.ConfigError, match="WORKER_WEBHOOK_URL"):
        open_source(settings, make_deps(settings))
