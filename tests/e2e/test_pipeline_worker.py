"""The worker source end to end: the real `harvester` executable against FakeWorker over real
HTTP, on SQLite and PostgreSQL: discover, harvest, extract, domains."""

from __future__ import annotations

import re

from tests.e2e.conftest import (
    assert_mentions_match,
    comment_ids_by_video,
    domains_report,
    expected_mentions,
    first_comments,
    promoted_ids,
    video_ids,
    video_states,
)
from tests.fakes.tiktok_server import expected_domains, make_dataset
from tests.fakes.worker_server import FakeWorker

_COMMENTS_PATH = re.compile(r"^/videos/(\d+)/comments$")


def _asked(fake) -> list[int]:
    with fake.lock:
        return [int(m.group(1)) for path, _b, _s in fake.requests if (m := _COMMENTS_PATH.match(path))]


def test_worker_source_discover_harvest_extract_domains(db_url, store, harvester):
    # 110 videos: the video list takes two pages of 100; 205 comments: a third page exists
    videos, comments = make_dataset(110, 205, seed=21)
    promoted = promoted_ids(videos)
    others = {int(v["id"]) for v in videos} - promoted
    # two transient faults on the comment pages: retried, never dead-lettered
    with FakeWorker(videos, comments, faults={("comments", 3): "500", ("comments", 9): "504html"}) as fake:
        h = harvester(
            {
                "HARVESTER_SOURCE": "worker",
                "WORKER_WEBHOOK_URL": fake.base_url,
                "WORKER_API_KEY": fake.api_key,
                "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.05",
            }
        )

        found = h.json("discover")
        assert (found["candidates"], found["promoted"], found["new"]) == (len(videos), len(promoted), len(promoted))
        assert fake.count("/videos") == 2
        assert video_ids(store) == promoted  # 19-digit ids intact

        run = h.json("harvest")
        assert (run["status"], run["items_ok"], run["items_failed"]) == ("succeeded", len(promoted), 0)
        assert len(fake.fault_log) == 2
        asked = set(_asked(fake))
        assert asked == promoted and not asked & others
        assert {vid: fake.comment_pages(vid) for vid in promoted} == {vid: 2 for vid in promoted}
        assert set(video_states(store).values()) == {"done"}
        expected_pages = first_comments(comments, promoted)
        assert {vid: sorted(ids) for vid, ids in comment_ids_by_video(store).items()} == {
            vid: sorted(int(c["id"]) for c in page) for vid, page in expected_pages.items()
        }

        h.json("extract")
        assert_mentions_match(store, comments, promoted)
        report = domains_report(h)
        assert set(report) == expected_domains(videos, comments)
        assert {d: r["mentions"] for d, r in report.items()} == expected_mentions(comments, promoted)
