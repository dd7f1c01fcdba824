"""The harvesting issue's acceptance points, end to end: the real `harvester` executable, as
separate processes, against FakeTikTok over real HTTP on 127.0.0.1, on SQLite and PostgreSQL.

Every video in these datasets has 250 comments, so a third comment page always exists and the
2-page limit is what stops the harvest.
"""

from __future__ import annotations

from tests.e2e.conftest import (
    ExpiringFakeTikTok,
    assert_mentions_match,
    comment_ids_by_video,
    comment_requests,
    domains_report,
    expected_mentions,
    first_comments,
    promoted_ids,
    q,
    scalar,
    snapshot,
    tiktok_env,
    video_ids,
    video_states,
)
from tests.fakes.tiktok_server import FakeTikTok, expected_domains, make_dataset

COMMENTS_PER_VIDEO = 250  # > 2 pages of 100


def _dataset(n: int, seed: int):
    videos, comments = make_dataset(n, COMMENTS_PER_VIDEO, seed=seed)
    promoted = promoted_ids(videos)
    assert 0 < len(promoted) < n  # both kinds present
    assert all(len(str(v["id"])) == 19 and v["id"] > 2**53 for v in videos)
    return videos, comments, promoted


def test_pipeline_harvests_promoted_videos_two_pages_every_domain_and_reruns_change_nothing(db_url, store, harvester):
    videos, comments, promoted = _dataset(24, seed=11)
    others = {int(v["id"]) for v in videos} - promoted
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake))

        found = h.json("discover")
        assert (found["status"], found["candidates"], found["promoted"], found["new"]) == (
            "succeeded",
            len(videos),
            len(promoted),
            len(promoted),
        )
        # only promoted videos are kept, and their 19-digit ids arrive intact
        assert video_ids(store) == promoted

        run = h.json("harvest")
        assert (run["status"], run["items_ok"], run["items_failed"]) == ("succeeded", len(promoted), 0)
        # the non-promoted candidates' comments are never asked for
        asked = comment_requests(fake)
        assert not set(asked) & others
        assert set(asked) == promoted
        # never more than 2 pages (the third exists: has_more was true)
        assert {vid: fake.comment_pages(vid) for vid in promoted} == {vid: 2 for vid in promoted}
        assert all(fake.comment_pages(vid) == 0 for vid in others)
        assert set(video_states(store).values()) == {"done"}

        # exactly the comments of those pages, ids intact (no float on the way: a 19-digit id
        # that went through a double would differ in its last digits)
        expected_pages = first_comments(comments, promoted)
        stored = comment_ids_by_video(store)
        assert {vid: sorted(ids) for vid, ids in stored.items()} == {
            vid: sorted(int(c["id"]) for c in page) for vid, page in expected_pages.items()
        }
        assert scalar(store, "SELECT COUNT(*) FROM comments") == 200 * len(promoted)

        extracted = h.json("extract")
        assert extracted["status"] == "succeeded" and extracted["comments"] == 200 * len(promoted)

        # every domain written on those pages reaches the store, comment by comment
        assert_mentions_match(store, comments, promoted)
        report = domains_report(h)
        assert set(report) == expected_domains(videos, comments)
        assert {d: r["mentions"] for d, r in report.items()} == expected_mentions(comments, promoted)

        # re-running discovery, harvesting and extraction changes nothing
        before = snapshot(store)
        requests_before = len(fake.requests)
        rerun = h.json("run")
        assert rerun["exit_code"] == 0
        steps = {r["job_type"]: r for r in rerun["runs"]}
        assert all(r["status"] == "succeeded" for r in steps.values()), rerun
        # every day was scanned to its end: nothing is due, so discovery sends no request at all
        assert steps["discovery"]["days_scanned"] == 0 and "next scan due" in steps["discovery"]["message"]
        assert steps["harvesting"]["videos"] == 0 and steps["extraction"]["comments"] == 0
        assert fake.requests[requests_before:] == []
        assert snapshot(store) == before  # mention counts per domain included


def test_discover_by_video_id_limit_and_force_refresh(db_url, store, harvester):
    videos, comments, promoted = _dataset(20, seed=12)
    newest_first = sorted(promoted, reverse=True)  # the Research API returns ids descending
    picked = newest_first[-2:]  # the two oldest promoted videos
    not_promoted = max({int(v["id"]) for v in videos} - promoted)
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake))

        args = [a for vid in picked + [not_promoted] for a in ("--video-id", str(vid))]
        found = h.json("discover", *args)
        assert (found["candidates"], found["promoted"], found["new"]) == (3, 2, 2)
        assert video_ids(store) == set(picked)

        # --max-pages 1: one page each, although more exist
        run = h.json("harvest", "--max-pages", "1")
        assert run["items_ok"] == 2
        assert {vid: fake.comment_pages(vid) for vid in picked} == {vid: 1 for vid in picked}
        assert {vid: len(ids) for vid, ids in comment_ids_by_video(store).items()} == {vid: 100 for vid in picked}
        assert q(store, "SELECT DISTINCT comment_pages FROM videos") == [(1,)]

        # --limit N: the N newest promoted videos, nothing else
        limited = h.json("discover", "--limit", "3")
        assert (limited["promoted"], limited["new"], limited["known"]) == (3, 3, 0)
        assert video_ids(store) == set(picked) | set(newest_first[:3])

        # --force-refresh: every promoted video, and the harvested ones queued again
        refreshed = h.json("discover", "--force-refresh")
        assert (refreshed["promoted"], refreshed["new"], refreshed["known"], refreshed["requeued"]) == (
            len(promoted),
            len(promoted) - 5,
            5,
            2,
        )
        assert video_ids(store) == promoted
        assert set(video_states(store).values()) == {"queued"}

        # harvested again with the default 2 pages: the first page is not stored twice
        run = h.json("harvest")
        assert run["items_ok"] == len(promoted)
        stored = comment_ids_by_video(store)
        assert {vid: len(ids) for vid, ids in stored.items()} == {vid: 200 for vid in promoted}
        assert {vid: fake.comment_pages(vid) for vid in picked} == {vid: 1 + 2 for vid in picked}
        assert scalar(store, "SELECT COUNT(*) FROM comments") == 200 * len(promoted)


def test_random_faults_dead_letter_then_dlq_retry_completes_everything_exactly_once(db_url, store, harvester):
    videos, comments, promoted = _dataset(30, seed=13)
    doomed = sorted(promoted)[len(promoted) // 2]  # fails whatever happens, until the API is healthy
    with FakeTikTok(videos, comments, fault_seed=5, fault_max_consecutive=3) as fake:
        h = harvester(tiktok_env(fake))
        h.json("discover")

        fake.fault_rate = 0.2  # 500, 504 HTML, cut-off JSON, 429 - up to 3 in a row: retries can run out
        fake.fail_video_ids = {doomed: "500"}
        run = h.json("harvest", expect=1)  # some items went to the dead-letter queue
        assert run["status"] == "succeeded"
        # (fault_seed 5 makes 11 of the first 30 draws faults, whichever request each lands on)
        assert len(fake.fault_log) >= 5, "the fault injection did not happen"
        states = video_states(store)
        failed = {vid for vid, s in states.items() if s == "failed"}
        assert doomed in failed
        assert {vid for vid, s in states.items() if s == "done"} == promoted - failed
        assert run["items_ok"] == len(promoted) - len(failed) and run["items_failed"] == len(failed)
        pending = {int(k) for (k,) in q(store, "SELECT item_key FROM dead_letter_queue WHERE status = 'pending'")}
        assert pending == failed
        first_pass = {
            vid: row
            for vid, *row in q(store, "SELECT id, harvested_at, harvest_attempts FROM videos")
            if vid not in failed
        }

        # the API is healthy again: the replay resolves every item
        fake.fault_rate = 0.0
        fake.fail_video_ids = {}
        mark = len(fake.requests)
        h.run("dlq", "retry", "--all")
        assert set(comment_requests(fake, since=mark)) == failed  # only the dead-lettered ones again
        assert q(store, "SELECT DISTINCT status FROM dead_letter_queue") == [("resolved",)]
        assert set(video_states(store).values()) == {"done"}
        # the videos done in the first pass were harvested once, and not touched by the replay
        assert {
            vid: row
            for vid, *row in q(store, "SELECT id, harvested_at, harvest_attempts FROM videos")
            if vid not in failed
        } == first_pass
        assert all(at is not None and attempts == 1 for at, attempts in first_pass.values())

        # all promoted videos with exactly their 2 pages of comments, and all their domains
        expected_pages = first_comments(comments, promoted)
        assert {vid: sorted(ids) for vid, ids in comment_ids_by_video(store).items()} == {
            vid: sorted(int(c["id"]) for c in page) for vid, page in expected_pages.items()
        }
        h.json("extract")
        assert_mentions_match(store, comments, promoted)
        report = domains_report(h)
        assert set(report) == expected_domains(videos, comments)
        assert {d: r["mentions"] for d, r in report.items()} == expected_mentions(comments, promoted)


def test_daily_quota_ends_harvest_cleanly_and_the_rest_follows_the_next_day(db_url, store, harvester):
    videos, comments, promoted = _dataset(24, seed=14)
    with FakeTikTok(videos, comments, daily_quota=15) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_FETCH_CONCURRENCY="4", HARVESTER_DISCOVERY_DAYS="4"))
        h.json("discover")  # one request per day of the window: 4 of the 15
        assert fake.quota_used == 4

        run = h.json("harvest")  # exit 0: the quota is no failure
        assert run["status"] == "succeeded" and run["items_failed"] == 0
        assert "quota" in run["message"]
        assert fake.count("comment/list", status=429) >= 1
        # the run stopped at the quota: at most the requests already in flight were refused
        assert fake.count("comment/list", status=429) <= 4
        queues = h.json("jobs")["queues"]
        done = {vid for vid, s in video_states(store).items() if s == "done"}
        assert 1 <= len(done) <= 5  # 11 requests, 2 pages each
        assert queues["videos_done"] == len(done)
        assert queues["videos_queued"] == len(promoted) - len(done)
        assert queues["videos_in_progress"] == 0 and queues["videos_failed"] == 0
        assert queues["dead_letter_pending"] == 0

        # after 00:00 UTC: TikTok's quota resets, and so does our own day in api_usage
        fake.advance_day()
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE api_usage SET day = '2000-01-01'")
        run = h.json("harvest")
        assert run["items_ok"] == len(promoted) - len(done)
        assert set(video_states(store).values()) == {"done"}
        assert {vid: len(ids) for vid, ids in comment_ids_by_video(store).items()} == {vid: 200 for vid in promoted}
        # the pages answered before the quota stop were kept: no page was fetched twice
        assert {vid: fake.comment_pages(vid) for vid in promoted} == {vid: 2 for vid in promoted}


def test_kill_switch_stops_harvest_before_any_request(db_url, store, harvester):
    videos, comments, promoted = _dataset(10, seed=15)
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake))
        h.json("discover")
        h.run("kill-switch", "on", "--reason", "e2e", "--by", "pytest")
        before = fake.count()
        result = h.run("--json", "harvest", expect=3)
        assert fake.count() == before  # not even a token request
        assert '"skipped"' in result.stdout
        assert q(store, "SELECT status FROM job_status WHERE job_type = 'harvesting'") == [("skipped",)]
        assert set(video_states(store).values()) == {"queued"}
        assert scalar(store, "SELECT COUNT(*) FROM comments") == 0


def test_token_expiring_mid_run_is_renewed(db_url, store, harvester):
    videos, comments, promoted = _dataset(16, seed=16)
    with ExpiringFakeTikTok(videos, comments, latency=0.01) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_FETCH_CONCURRENCY="2"))
        h.json("discover")
        tokens_before = fake.count("token")
        fake.expire_at_comment_request = 5  # every token issued so far dies before the 5th comment request
        run = h.json("harvest")
        assert (run["status"], run["items_ok"], run["items_failed"]) == ("succeeded", len(promoted), 0)
        assert fake.count("comment/list", status=401) >= 1
        assert fake.count("token") - tokens_before == 1  # discovery's token, kept on disk, then one renewal
        assert set(video_states(store).values()) == {"done"}
        assert {vid: fake.comment_pages(vid) for vid in promoted} == {vid: 2 for vid in promoted}
        assert {vid: len(ids) for vid, ids in comment_ids_by_video(store).items()} == {vid: 200 for vid in promoted}
