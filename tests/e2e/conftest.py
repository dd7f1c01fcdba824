"""End-to-end helpers: the real `harvester` executable against a real HTTP fake, on SQLite and
PostgreSQL (the `db_url` fixture), with the store read directly to check what landed."""

from __future__ import annotations

import collections
import json
from typing import Any

import pytest
import sqlalchemy as sa

from tests.fakes.tiktok_server import COMMENT_LIST_PATH, FakeTikTok, is_promoted

PAGE_SIZE = 100


class Harvester:
    """`harvester` as a separate process with a fixed environment (run_proc underneath)."""

    def __init__(self, run_proc, env: dict[str, str]):
        self._run_proc = run_proc
        self.env = dict(env)

    def run(self, *args: str, expect: int | None = 0, env: dict | None = None):
        result = self._run_proc(*args, env=dict(self.env, **(env or {})), timeout=120)
        if expect is not None:
            assert result.returncode == expect, (
                f"harvester {' '.join(args)} exited {result.returncode}, expected {expect}\n"
                f"stdout: {result.stdout[-3000:]}\nstderr: {result.stderr[-3000:]}"
            )
        return result

    def json(self, *args: str, expect: int | None = 0, env: dict | None = None) -> Any:
        result = self.run("--json", *args, expect=expect, env=env)
        try:
            return json.loads(result.stdout)
        except ValueError:
            raise AssertionError(
                f"harvester --json {' '.join(args)} printed no JSON:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            ) from None


def tiktok_env(fake: FakeTikTok, **extra: str) -> dict[str, str]:
    """Settings for a run against the fake: its URL and credentials, short retry waits, and a
    budget of our own large enough that only the fake's quota can stop a run."""
    env = {
        "HARVESTER_SOURCE": "tiktok",
        "TIKTOK_API_BASE_URL": fake.base_url,
        "TIKTOK_CLIENT_KEY": fake.client_key,
        "TIKTOK_CLIENT_SECRET": fake.client_secret,
        "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.05",
        "HARVESTER_DAILY_REQUEST_BUDGET": "1000000",
    }
    env.update(extra)
    return env


@pytest.fixture
def harvester(run_proc):
    """Build a Harvester for an environment: ``harvester(tiktok_env(fake))``."""
    return lambda env: Harvester(run_proc, env)


class ExpiringFakeTikTok(FakeTikTok):
    """FakeTikTok that calls ``expire_tokens()`` just before it handles the n-th comment request,
    so a token the harvester holds goes bad in the middle of its run, at a known point."""

    expire_at_comment_request: int | None = None

    def _handle(self, req):
        if (
            self.expire_at_comment_request is not None
            and req.path == COMMENT_LIST_PATH
            and req.path_number == self.expire_at_comment_request
        ):
            self.expire_tokens()
        return super()._handle(req)


# ---------------------------------------------------------------------------------------------
# What the dataset says should land in the store
# ---------------------------------------------------------------------------------------------


def promoted_ids(videos) -> set[int]:
    return {int(v["id"]) for v in videos if is_promoted(v)}


def first_comments(comments, video_ids, max_pages: int = 2) -> dict[int, list[dict]]:
    """The comments on the first `max_pages` pages of each video, in the API's order."""
    wanted = set(video_ids)
    out: dict[int, list[dict]] = collections.defaultdict(list)
    for c in comments:
        vid = int(c["video_id"])
        if vid in wanted and not c.get("_deleted") and len(out[vid]) < max_pages * PAGE_SIZE:
            out[vid].append(c)
    return out


def expected_mentions(comments, video_ids, max_pages: int = 2) -> dict[str, int]:
    """Comments per domain on those pages, from the generator's labels."""
    counts: collections.Counter = collections.Counter()
    for page in first_comments(comments, video_ids, max_pages).values():
        for c in page:
            counts.update(set(c.get("_domains", ())))
    return dict(counts)


def comment_requests(fake, since: int = 0) -> list[int]:
    """video_id of every comment-list request the fake received (after the first `since`)."""
    with fake.lock:
        log = list(fake.requests[since:])
    return [
        int(body["video_id"])
        for path, body, _status in log
        if path == COMMENT_LIST_PATH and isinstance(body, dict) and body.get("video_id") is not None
    ]


# ---------------------------------------------------------------------------------------------
# Reading the store directly
# ---------------------------------------------------------------------------------------------


def q(store, sql: str, **params) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql), params).all()]


def scalar(store, sql: str, **params) -> Any:
    rows = q(store, sql, **params)
    return rows[0][0] if rows else None


def video_ids(store) -> set[int]:
    return {int(i) for (i,) in q(store, "SELECT id FROM videos")}


def video_states(store) -> dict[int, str]:
    return {int(i): s for i, s in q(store, "SELECT id, harvest_state FROM videos")}


def comment_ids_by_video(store) -> dict[int, list[int]]:
    out: dict[int, list[int]] = collections.defaultdict(list)
    for cid, vid in q(store, "SELECT id, video_id FROM comments"):
        out[int(vid)].append(int(cid))
    return dict(out)


def snapshot(store) -> dict[str, Any]:
    """Everything a re-run must leave alone (last_seen_at is allowed to move)."""
    return {
        "counts": {
            t: scalar(store, f"SELECT COUNT(*) FROM {t}")
            for t in ("videos", "comments", "domains", "domain_mentions", "dead_letter_queue")
        },
        "videos": sorted(
            q(store, "SELECT id, harvest_state, harvest_attempts, comment_pages, harvested_at FROM videos")
        ),
        "comments": sorted(q(store, "SELECT id, video_id, text, extracted_at FROM comments")),
        "mentions": sorted(q(store, "SELECT domain, COUNT(*) FROM domain_mentions GROUP BY domain")),
    }


def domains_report(h: Harvester) -> dict[str, dict]:
    rows = h.json("domains")
    assert isinstance(rows, list)
    report = {r["domain"]: r for r in rows}
    assert len(report) == len(rows), "a domain is listed twice"
    return report


def mention_mismatches(store, comments, video_ids, max_pages: int = 2) -> list[tuple[str, list, list]]:
    """(text, labelled domains, stored domains) of every harvested comment where the extractor's
    result in `domain_mentions` differs from the generator's label."""
    stored: dict[int, set] = collections.defaultdict(set)
    for cid, domain in q(store, "SELECT comment_id, domain FROM domain_mentions"):
        stored[int(cid)].add(domain)
    out = []
    for page in first_comments(comments, video_ids, max_pages).values():
        for c in page:
            want = set(c.get("_domains", ()))
            if stored.get(int(c["id"]), set()) != want:
                out.append((c["text"], sorted(want), sorted(stored.get(int(c["id"]), ()))))
    return out


def assert_mentions_match(store, comments, video_ids, max_pages: int = 2) -> None:
    bad = mention_mismatches(store, comments, video_ids, max_pages)
    assert not bad, (
        f"{len(bad)} comment(s) where the extractor and the fake's labels disagree "
        "(text, label, stored):\n" + "\n".join(repr(b) for b in bad[:15])
    )
