"""Fixtures for the reliability suite: the real `harvester` executable in separate processes,
real file locks / advisory locks, real SQLite and PostgreSQL, and the fake TikTok API over
real HTTP (served from a thread of the test process, so a test can inspect and re-arm it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PG_URL, _is_ours, harvester_cmd
from tests.fakes.tiktok_server import FakeTikTok, is_promoted, make_dataset

ROOT = Path(__file__).resolve().parents[2]
CLIENT_KEY = "rel-client-key"
CLIENT_SECRET = "rel-client-secret"


def wait_until(predicate: Callable[[], object], timeout: float = 60, interval: float = 0.05, what: str = ""):
    """Poll until predicate() is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)


@dataclass
class Dataset:
    videos: list[dict]
    comments: list[dict]
    promoted: list[dict] = field(init=False)

    def __post_init__(self):
        self.promoted = [v for v in self.videos if is_promoted(v)]

    def comments_of(self, video_id: int, max_pages: int = 2) -> list[dict]:
        top = [
            c
            for c in self.comments
            if int(c["video_id"]) == int(video_id) and int(c.get("parent_comment_id", video_id)) == int(video_id)
        ]
        return top[: max_pages * 100]

    def expected_comment_ids(self, max_pages: int = 2) -> set[int]:
        return {int(c["id"]) for v in self.promoted for c in self.comments_of(v["id"], max_pages)}


def dataset(n_videos: int, comments_per_video: int, seed: int = 1) -> Dataset:
    return Dataset(*make_dataset(n_videos, comments_per_video, promoted_ratio=1.0, seed=seed))


@pytest.fixture
def fake_api():
    """Start a FakeTikTok (unlimited quota, our credentials); stopped after the test."""
    started: list[FakeTikTok] = []

    def start(data: Dataset | None = None, cls=FakeTikTok, **options) -> FakeTikTok:
        options.setdefault("daily_quota", None)
        options.setdefault("client_key", CLIENT_KEY)
        options.setdefault("client_secret", CLIENT_SECRET)
        fake = cls(data.videos if data else [], data.comments if data else [], **options)
        fake.start()
        started.append(fake)
        return fake

    yield start
    for fake in started:
        fake.stop()


def api_env(fake: FakeTikTok, **extra) -> dict[str, str]:
    """Settings that point a harvester process at the fake, with short retry waits."""
    env = {
        "HARVESTER_SOURCE": "tiktok",
        "TIKTOK_API_BASE_URL": fake.base_url,
        "TIKTOK_CLIENT_KEY": fake.client_key,
        "TIKTOK_CLIENT_SECRET": fake.client_secret,
        "HARVESTER_RETRY_ATTEMPTS": "3",
        "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.05",
        "HARVESTER_HTTP_TIMEOUT_SECONDS": "10",
        "HARVESTER_DAILY_REQUEST_BUDGET": "1000000",
        "HARVESTER_HEARTBEAT_SECONDS": "1",
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


class Procs:
    """Start / run real `harvester` processes with a base environment."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.children: list[subprocess.Popen] = []

    def spawn(self, *args: str, env: dict | None = None, **popen) -> subprocess.Popen:
        child = subprocess.Popen(
            harvester_cmd() + list(args),
            env=dict(self.env, **(env or {})),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            **popen,
        )
        self.children.append(child)
        return child

    def run(self, *args: str, env: dict | None = None, timeout: float = 120, **popen):
        return subprocess.run(
            harvester_cmd() + list(args),
            env=dict(self.env, **(env or {})),
            capture_output=True,
            text=True,
            timeout=timeout,
            **popen,
        )

    def kill_all(self) -> None:
        for child in self.children:
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=30)
            for stream in (child.stdout, child.stderr):
                if stream:
                    stream.close()


@pytest.fixture
def procs(proc_env):
    """Processes against the test's db_url (SQLite and PostgreSQL); killed at teardown if still running."""
    p = Procs(proc_env)
    yield p
    p.kill_all()


@pytest.fixture
def bare_procs(tmp_path):
    """Processes with a clean environment and no database chosen (the test passes one)."""
    env = {k: v for k, v in os.environ.items() if not _is_ours(k)}
    env.update({"HARVESTER_LOCK_DIR": str(tmp_path / "locks"), "PYTHONPATH": str(ROOT), "NO_COLOR": "1"})
    p = Procs(env)
    yield p
    p.kill_all()


def seed_videos(store, videos: list[dict]) -> list[int]:
    """Queue videos for harvesting as discovery would (without a discovery run)."""
    from harvester_cli.models import Video
    from harvester_cli.store import videos as videos_store

    found = [
        Video(
            id=int(v["id"]),
            username=v.get("username"),
            description=v.get("video_description"),
            hashtags=tuple(v.get("hashtag_names") or ()),
            create_time=v.get("create_time"),
            promoted_reason="test seed",
        )
        for v in videos
    ]
    videos_store.upsert_discovered(store, found, "tiktok", force_refresh=False)
    return [v.id for v in found]


def query(store, sql: str, **params):
    from sqlalchemy import text

    with store.tx() as conn:
        return conn.execute(text(sql), params).all()


def scalar(store, sql: str, **params):
    return query(store, sql, **params)[0][0]


@pytest.fixture
def pg_database():
    """A private PostgreSQL database (not a schema), so a test may terminate every backend of it."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need HARVESTER_TEST_DATABASE_URL (set by .ci/run)")
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = make_url(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    )
    name = f"harvester_rel_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False), name, admin
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@dataclass
class Isolated:
    url: str
    store: object
    procs: Procs


@pytest.fixture(params=["sqlite", "postgresql"])
def isolated(request, tmp_path, bare_procs):
    """A store on SQLite or on a private PostgreSQL database, and processes pointed at it.

    Advisory locks are per database, not per schema: in a private database no other test
    session sharing the server can hold (or be counted as holding) our concurrency slots.
    """
    from harvester_cli.store import engine
    from harvester_cli.store.base import Store

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'harvester.db'}"
    else:
        url = request.getfixturevalue("pg_database")[0]
    store = Store.open(url)
    engine.create_schema(store.engine)
    bare_procs.env = dict(bare_procs.env, HARVESTER_DATABASE_URL=url)
    try:
        yield Isolated(url, store, bare_procs)
    finally:
        store.dispose()
