"""Fixtures for the source tests: settings without a store, recording SourceDeps, live fakes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from harvester_cli import errors
from harvester_cli import settings as settings_mod
from harvester_cli.runtime.retry import RetryPolicy
from harvester_cli.sources.base import SourceDeps
from tests.fakes.tiktok_server import FakeTikTok, make_dataset
from tests.fakes.worker_server import FakeWorker

FAST_POLICY = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, jitter=0)


@dataclass
class Recorder:
    """What a source did with its deps: requests spent, quota reports, notes."""

    budget: int | None = None
    spent: int = 0
    exhausted: int = 0
    notes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def spend(self) -> None:
        with self.lock:
            if self.budget is not None and self.spent >= self.budget:
                raise errors.QuotaExhausted("daily request budget spent")
            self.spent += 1

    def mark_exhausted(self) -> None:
        with self.lock:
            self.exhausted += 1

    def note(self, message: str) -> None:
        with self.lock:
            self.notes.append(message)

    def noted(self, fragment: str) -> bool:
        return any(fragment.lower() in n.lower() for n in self.notes)


@pytest.fixture
def make_settings():
    """Settings from defaults plus the given environment (no .env, no store)."""

    def build(**env: str) -> settings_mod.Settings:
        return settings_mod.load({k: str(v) for k, v in env.items()})

    return build


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_deps(recorder):
    def build(settings, policy: RetryPolicy = FAST_POLICY) -> SourceDeps:
        return SourceDeps(
            settings, policy=policy, spend=recorder.spend, exhausted=recorder.mark_exhausted, note=recorder.note
        )

    return build


@pytest.fixture(scope="session")
def dataset():
    """250 videos (half promoted) with 3 comments each, plus one video with 250 comments."""
    videos, comments = make_dataset(250, 3, seed=7)
    big_videos, big_comments = make_dataset(1, 250, promoted_ratio=1.0, seed=8)
    return videos + big_videos, comments + big_comments


@pytest.fixture
def tiktok_fake(dataset):
    videos, comments = dataset
    with FakeTikTok(videos, comments) as fake:
        yield fake


@pytest.fixture
def tiktok_env():
    def env(fake, **extra: str) -> dict:
        values = {
            "TIKTOK_API_BASE_URL": fake.base_url,
            "TIKTOK_CLIENT_KEY": "test-key",
            "TIKTOK_CLIENT_SECRET": "test-secret",
        }
        values.update(extra)
        return values

    return env


@pytest.fixture
def tiktok(tiktok_fake, make_settings, make_deps, tiktok_env):
    """A TikTokSource against the default fake (search-id pause shortened)."""
    from harvester_cli.sources.tiktok import TikTokSource

    source = TikTokSource(make_deps(make_settings(**tiktok_env(tiktok_fake))))
    source.search_id_pause = 0.01
    yield source
    source.close()


@pytest.fixture
def worker_fake(dataset):
    videos, comments = dataset
    with FakeWorker(videos, comments) as fake:
        yield fake
