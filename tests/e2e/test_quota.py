"""Every API request counts (issue 10), against the fake TikTok API over real HTTP, on SQLite and
PostgreSQL: the discovery ledger (each day scanned once when it has ended and once more when it
has settled, stopped scans resumed, an expired search restarted, a settings change a new scan,
two hosts on different days), the budget split between discovery and harvesting, the queue
order and the access token kept between runs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time

import pytest

from tests.conftest import harvester_cmd
from tests.e2e.conftest import q, scalar, tiktok_env, video_states
from tests.fakes.tiktok_server import FakeTikTok, make_dataset

VIDEO_QUERY = "/v2/research/video/query/"
COMMENT_LIST = "/v2/research/video/comment/list/"
MIDNIGHT = int(time.time()) // 86400 * 86400


def on_days(counts: dict[int, int], comments_per_video: int = 3, seed: int = 0):
    """Promoted videos posted `days_ago` -> how many, each with its comments."""
    videos, comments = [], []
    for days_ago, n in counts.items():
        start = MIDNIGHT - days_ago * 86400
        vs, cs = make_dataset(n, comments_per_video, promoted_ratio=1.0, seed=seed + days_ago, start_time=start)
        for i, v in enumerate(vs):
            v["create_time"] = start + 60 + i  # all on that UTC day
        videos += vs
        comments += cs
    return videos, comments


def video_queries(fake, since: int = 0) -> list[dict]:
    return [body for path, body, status in fake.requests[since:] if path == VIDEO_QUERY]


def ledger(store) -> dict[str, tuple]:
    return {day: (state, pages) for day, state, pages in q(store, "SELECT day, state, pages FROM discovery_scans")}


def day(days_ago: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(MIDNIGHT - days_ago * 86400))


@pytest.mark.slow
def test_each_day_is_scanned_once_then_nothing_is_due_and_no_request_is_sent(store, harvester):
    videos, comments = on_days({1: 150, 3: 20, 5: 1})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake))
        first = h.json("discover")
        assert first["new"] == 171 and first["days_scanned"] == 7 and first["days_completed"] == 7
        # one query per ended day of the 7-day window, paged: day -1 needs two pages, empty days one
        assert sorted(b["start_date"] for b in video_queries(fake)) == sorted(
            [time.strftime("%Y%m%d", time.gmtime(MIDNIGHT - n * 86400)) for n in range(1, 8)]
            + [time.strftime("%Y%m%d", time.gmtime(MIDNIGHT - 86400))]
        )
        assert all(b["start_date"] == b["end_date"] for b in video_queries(fake))
        # days that ended over 48 h ago have settled: never again; the last two are scanned once more later
        states = ledger(store)
        assert {d: s for d, (s, _p) in states.items()} == {
            day(1): "complete",
            day(2): "complete",
            **{day(n): "settled" for n in range(3, 8)},
        }
        assert states[day(1)] == ("complete", 2)

        mark = len(fake.requests)
        for _ in range(12):  # cron every 10 minutes: nothing due, not one request (not even a token)
            again = h.json("discover")
            assert again["days_scanned"] == 0 and "next scan due" in again["message"]
        assert fake.requests[mark:] == []
        report = h.json("budget")
        assert report["ledger"]["settled"] == 5 and report["ledger"]["complete"] == 2
        assert report["by_job_type"]["discovery"] == 8


def test_a_day_is_scanned_again_once_it_has_settled_and_then_never(store, harvester):
    videos, comments = on_days({1: 5, 2: 5})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="3"))
        h.json("discover")
        assert {d: s for d, (s, _p) in ledger(store).items()} == {
            day(1): "complete",
            day(2): "complete",
            day(3): "settled",
        }
        fake.add_videos(on_days({1: 3}, seed=50)[0])  # indexed late by the API
        mark = len(fake.requests)
        # the same days, once the settle time has passed (here: set to 0 hours)
        settled = h.json("discover", env={"HARVESTER_DISCOVERY_SETTLE_HOURS": "0"})
        assert settled["days_scanned"] == 2 and settled["new"] == 3
        assert sorted(b["start_date"] for b in video_queries(fake, mark)) == sorted(
            time.strftime("%Y%m%d", time.gmtime(MIDNIGHT - n * 86400)) for n in (1, 2)
        )
        assert set(s for s, _p in ledger(store).values()) == {"settled"}
        mark = len(fake.requests)
        h.json("discover", env={"HARVESTER_DISCOVERY_SETTLE_HOURS": "0"})
        assert fake.requests[mark:] == []


def test_a_stopped_scan_continues_exactly_where_it_stopped(store, harvester):
    videos, comments = on_days({1: 350})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(
            tiktok_env(
                fake,
                HARVESTER_DISCOVERY_DAYS="1",
                HARVESTER_DAILY_REQUEST_BUDGET="2",
                HARVESTER_DISCOVERY_BUDGET_PERCENT="100",
            )
        )
        stopped = h.json("discover")
        assert stopped["status"] == "succeeded" and "budget" in stopped["message"]
        assert ledger(store) == {day(1): ("partial", 2)}
        cursor, search_id = q(store, "SELECT cursor, search_id FROM discovery_scans")[0]
        assert cursor == 200 and search_id
        resumed = h.json("discover", env={"HARVESTER_DAILY_REQUEST_BUDGET": "100"})
        assert resumed["new"] == 150 and resumed["days_completed"] == 1
        bodies = video_queries(fake)
        assert [b.get("cursor", 0) for b in bodies] == [0, 100, 200, 300]  # no page read twice
        assert bodies[2]["search_id"] == search_id
        assert len(q(store, "SELECT id FROM videos")) == 350


def test_an_expired_search_restarts_the_day_and_is_logged_and_counted(store, harvester):
    videos, comments = on_days({1: 250})
    with FakeTikTok(videos, comments, search_id_ttl=600) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="1", HARVESTER_DAILY_REQUEST_BUDGET="1"))
        h.json("discover")
        assert ledger(store) == {day(1): ("partial", 1)}
        fake.advance_time(3600)  # the API forgot the search
        resumed = h.json("discover", env={"HARVESTER_DAILY_REQUEST_BUDGET": "100"})
        assert resumed["restarts"] == 1 and resumed["days_completed"] == 1
        assert q(store, "SELECT restarts, state, pages FROM discovery_scans") == [(1, "complete", 1 + 3)]
        assert scalar(store, "SELECT count(*) FROM system_logs WHERE event = 'discover.restart'") == 1
        assert len(q(store, "SELECT id FROM videos")) == 250


def test_changed_query_settings_are_a_new_scan(store, harvester):
    videos, comments = on_days({4: 5})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="4"))
        h.json("discover")
        mark = len(fake.requests)
        assert h.json("discover")["days_scanned"] == 0
        changed = h.json("discover", env={"HARVESTER_DISCOVERY_HASHTAGS": "ad,sponsored"})
        assert changed["days_scanned"] == 4 and len(video_queries(fake, mark)) == 4
        assert scalar(store, "SELECT count(DISTINCT fingerprint) FROM discovery_scans") == 2
        # --force-refresh scans every day again, once
        forced = h.json("discover", "--force-refresh")
        assert forced["days_scanned"] == 4


def test_two_hosts_discovering_at_once_scan_different_days(store, harvester, proc_env):
    videos, comments = on_days({n: 30 for n in range(1, 7)})
    with FakeTikTok(videos, comments, latency=0.3) as fake:
        env = dict(proc_env, **tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="6"))
        procs = [
            subprocess.Popen(
                harvester_cmd() + ["--json", "discover"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        scanned = [json.loads(o[0])["days_scanned"] for o in outs]
        assert sum(scanned) == 6 and min(scanned) >= 1, scanned  # both worked, no day twice
        firsts = [b["start_date"] for b in video_queries(fake) if "search_id" not in b]
        assert len(firsts) == len(set(firsts)) == 6
        assert len(q(store, "SELECT id FROM videos")) == 180


def test_the_budget_is_shared_so_neither_job_type_starves_the_other(store, harvester):
    videos, comments = on_days({n: 250 for n in range(1, 4)}, comments_per_video=150)
    with FakeTikTok(videos, comments) as fake:
        h = harvester(
            tiktok_env(
                fake, HARVESTER_DISCOVERY_DAYS="3", HARVESTER_DAILY_REQUEST_BUDGET="40", HARVESTER_FETCH_CONCURRENCY="2"
            )
        )
        # one page: 100 videos wait to be harvested
        h.json("discover", "--limit", "100")
        assert q(store, "SELECT discovery_requests, harvesting_requests, requests FROM api_usage") == [(1, 0, 1)]
        # discovery has days due and 9 of its 10 requests (25 %) unspent: harvesting leaves them alone
        harvested = h.json("harvest")
        assert "harvesting's share" in harvested["message"]
        assert q(store, "SELECT discovery_requests, harvesting_requests, requests FROM api_usage") == [(1, 30, 31)]
        # discovery gets what it needs within its share: the 8 pages left of the three days
        discovered = h.json("discover")
        assert (discovered["pages"], discovered["days_completed"]) == (8, 3)
        assert q(store, "SELECT discovery_requests, harvesting_requests, requests FROM api_usage") == [(9, 30, 39)]
        # nothing is due for discovery any more: harvesting may take the rest
        assert h.json("harvest")["pages"] == 1
        assert q(store, "SELECT discovery_requests, harvesting_requests, requests FROM api_usage") == [(9, 31, 40)]
        report = h.json("budget")
        assert (report["left"], report["discovery_share"]["requests"], report["discovery_share"]["in_force"]) == (
            0,
            10,
            True,
        )
        assert fake.count(VIDEO_QUERY) + fake.count(COMMENT_LIST) == 40


def test_discovery_stops_at_its_share_once_videos_wait(store, harvester):
    videos, comments = on_days({n: 250 for n in range(1, 6)})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="5", HARVESTER_DAILY_REQUEST_BUDGET="40"))
        stopped = h.json("discover")
        assert "discovery's share" in stopped["message"] and stopped["status"] == "succeeded"
        assert q(store, "SELECT discovery_requests, harvesting_requests, requests FROM api_usage") == [(10, 0, 10)]
        # with the queue empty, discovery may spend beyond its share
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE videos SET harvest_state = 'done'")
        more = h.json("discover")
        assert more["pages"] > 0
        assert scalar(store, "SELECT discovery_requests FROM api_usage") > 10


def test_the_queue_skips_empty_videos_and_takes_the_most_promising_first(store, harvester):
    videos, comments = on_days({1: 6}, comments_per_video=0)
    counts = [0, 5, 500, 150, 40, 0]
    for v, n in zip(videos, counts, strict=True):
        v["comment_count"] = n
    for v in videos:
        comments += [
            {
                "id": 7_000_000_000_000_000_000 + len(comments) + i,
                "video_id": v["id"],
                "parent_comment_id": v["id"],
                "text": f"c{i} shop.example",
                "create_time": v["create_time"],
            }
            for i in range(v["comment_count"])
        ]
    by_count = {v["id"]: n for v, n in zip(videos, counts, strict=True)}
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="1", HARVESTER_FETCH_CONCURRENCY="1"))
        h.json("discover")
        first = h.json("harvest", "--limit", "2")
        assert first["videos"] == 2
        fetched = [b["video_id"] for p, b, _s in fake.requests if p == COMMENT_LIST]
        assert [by_count[v] for v in dict.fromkeys(fetched)] == [500, 150]  # most expected comments first
        h.json("harvest")
        fetched = {b["video_id"] for p, b, _s in fake.requests if p == COMMENT_LIST}
        assert {by_count[v] for v in fetched} == {500, 150, 40, 5}  # the two empty ones never fetched
        states = video_states(store)
        assert sorted(states[v] for v, n in by_count.items() if n == 0) == ["queued", "queued"]
        # once they are old enough they are finished as empty, still without a request
        mark = len(fake.requests)
        done = h.json("harvest", env={"HARVESTER_EMPTY_VIDEO_DAYS": "1"})
        assert done["finished_empty"] == 2 and fake.requests[mark:] == []
        assert set(video_states(store).values()) == {"done"}


def test_fifo_order_harvests_in_discovery_order(store, harvester):
    videos, comments = on_days({1: 4}, comments_per_video=120)
    with FakeTikTok(videos, comments) as fake:
        h = harvester(
            tiktok_env(
                fake, HARVESTER_DISCOVERY_DAYS="1", HARVESTER_FETCH_CONCURRENCY="1", HARVESTER_HARVEST_ORDER="fifo"
            )
        )
        h.json("discover")
        h.json("harvest")
        order = list(dict.fromkeys(b["video_id"] for p, b, _s in fake.requests if p == COMMENT_LIST))
        assert order == [vid for (vid,) in q(store, "SELECT id FROM videos ORDER BY discovered_at, id")]


def test_the_access_token_is_kept_between_runs_in_a_private_file(store, harvester, tmp_path):
    videos, comments = on_days({1: 3}, comments_per_video=120)
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="1"))
        outputs = [h.run("discover"), h.run("harvest"), h.run("-v", "harvest"), h.run("--json", "budget")]
        assert fake.count("token") == 1  # one token for every run of its lifetime
        kept = list((tmp_path / "locks").glob("tiktok-token-*.json"))
        assert len(kept) == 1 and stat.S_IMODE(os.stat(kept[0]).st_mode) == 0o600
        token = json.loads(kept[0].read_text())["access_token"]
        assert token in fake.tokens
        everything = " ".join(r.stdout + r.stderr for r in outputs)
        everything += " ".join(
            str(v)
            for t in ("system_logs", "job_status", "dead_letter_queue")
            for row in q(store, f"SELECT * FROM {t}")
            for v in row
        )
        assert token not in everything
        # a token the API no longer accepts is replaced once, and the new one kept
        fake.expire_tokens()
        h.run("discover", "--force-refresh")
        assert fake.count("token") == 2
        assert json.loads(kept[0].read_text())["access_token"] != token


def test_sigterm_mid_harvest_keeps_every_answered_page_and_the_rerun_fetches_only_the_rest(store, harvester, proc_env):
    import signal

    videos, comments = on_days({1: 12}, comments_per_video=250)
    with FakeTikTok(videos, comments, latency=0.15) as fake:
        env = tiktok_env(fake, HARVESTER_DISCOVERY_DAYS="1", HARVESTER_FETCH_CONCURRENCY="2", HARVESTER_MAX_PAGES="3")
        h = harvester(env)
        h.json("discover")
        victim = subprocess.Popen(
            harvester_cmd() + ["--json", "harvest"],
            env=dict(proc_env, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while scalar(store, "SELECT coalesce(sum(comment_pages), 0) FROM videos") < 5:
            assert time.monotonic() < deadline, "no pages stored"
            time.sleep(0.05)
        victim.send_signal(signal.SIGTERM)
        out, err = victim.communicate(timeout=30)
        assert victim.returncode == 1 and json.loads(out)["status"] == "cancelled", (out, err)
        kept = dict(q(store, "SELECT id, comment_pages FROM videos"))
        assert sum(kept.values()) >= 5 and set(video_states(store).values()) <= {"queued", "done"}
        assert scalar(store, "SELECT count(*) FROM comments") == sum(min(100 * p, 250) for p in kept.values())
        h.json("harvest")
        assert set(video_states(store).values()) == {"done"}
        # 250 comments: 3 pages each, each fetched exactly once across the two runs
        assert {int(v["id"]): fake.comment_pages(v["id"]) for v in videos} == {int(v["id"]): 3 for v in videos}
        assert scalar(store, "SELECT count(*) FROM comments") == 250 * len(videos)


def test_health_alerts_when_a_day_that_can_no_longer_gain_videos_stays_unscanned(store, harvester):
    videos, comments = on_days({4: 5})
    with FakeTikTok(videos, comments) as fake:
        h = harvester(tiktok_env(fake, HARVESTER_DAILY_REQUEST_BUDGET="1", HARVESTER_DISCOVERY_BUDGET_PERCENT="100"))
        h.json("discover")  # one request: the newest day; the ledger now knows the other six
        healthy = h.json("health", expect=None)  # (the budget alert fires: 1 of 1 request spent)
        assert "discovery_day_unscanned" not in {a["name"] for a in healthy["alerts"]}  # not late yet
        with store.engine.begin() as conn:  # two days later, still no budget for them
            conn.exec_driver_sql("UPDATE discovery_scans SET created_at = '2000-01-01 00:00:00'")
        late = h.json("health", expect=1)
        alert = {a["name"]: a for a in late["alerts"]}["discovery_day_unscanned"]
        assert alert["message"].startswith("3 day(s)") and day(5) in alert["message"]  # settled 48 h ago and more
