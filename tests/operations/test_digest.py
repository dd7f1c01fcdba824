"""Issue 13, `harvester digest [--since 1d] [--notify]`: the new domains, the rising ones and the most
mentioned links of the last completed window, posted once per window to a real local webhook
receiver, on SQLite and PostgreSQL. The store's clock is frozen; mentions are planted at known
times (written, harvested, extracted)."""

import datetime as dt
import json
import threading
import time
from pathlib import Path

import pytest

from harvester_cli.services import digest as digest_service
from harvester_cli.store import digests as digests_store
from harvester_cli.store.base import Store
from tests.helpers.planting import Mention, add_comments, plant
from tests.helpers.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 3, 10, 0)  # a Thursday: the 1d window is 2026-12-02 00:00 to 2026-12-03 00:00
DAY_START, DAY_END = dt.datetime(2026, 12, 2), dt.datetime(2026, 12, 3)
V = [7800000000000000300 + i for i in range(10)]
_ids = iter(range(7900000000000300000, 7900000000000400000))


@pytest.fixture
def clock(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(Store, "now", lambda self: state["now"])
    return state


def m(domain, written, harvested, *, video=0, seen=None, extracted=None, text=None) -> Mention:
    return Mention(
        next(_ids), V[video], domain, written, seen or harvested - dt.timedelta(hours=3), harvested, extracted, text
    )


def h(hours: float, base=DAY_START) -> dt.datetime:
    return base + dt.timedelta(hours=hours)


@pytest.fixture
def planted(cli, store, clock):
    plant(
        store,
        [
            # found in the window: new
            m("fresh-find.com", "fresh-find.com/p/1", h(5), video=1),
            m("fresh-find.com", "https://www.fresh-find.com/p/1?utm_source=tt", h(7), video=2),
            # written a week ago, harvested in the window: counts in the window it was harvested in
            m("old-shop.com", "old-shop.com", h(-24 * 12), video=3),  # first found long ago: not new
            *[m("old-shop.com", "OLD-SHOP.COM", h(1 + i), video=i % 4, seen=h(-24 * 7)) for i in range(6)],
            m("old-shop.com", "old-shop.com", h(-10), video=5),  # the day before: 1
            # the links: the tagged Amazon link three times in three videos
            *[
                m(
                    "amazon.com",
                    f"https://www.amazon.com/dp/B0X?tag=maya-20&utm_medium=social&fbclid={i}",
                    h(2 + i),
                    video=i,
                )
                for i in range(3)
            ],
            m("amazon.com", "amazon.com", h(-30), video=6),  # first found before the window
            # found after the window's end (today): in tomorrow's digest
            m("late-find.com", "late-find.com", h(2, DAY_END), video=7),
            # found the day before
            m("yesterdays.com", "yesterdays.com", h(-5), video=8),
        ],
    )


def digest(cli, *args, env=None):
    result = cli("--json", "digest", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_window_is_the_last_completed_one_aligned_to_utc():
    assert digest_service.window(NOW, dt.timedelta(days=1)) == (DAY_START, DAY_END)
    assert digest_service.window(DAY_END, dt.timedelta(days=1)) == (DAY_START, DAY_END)  # at 00:00 sharp
    start, end = digest_service.window(NOW, dt.timedelta(days=7))
    assert (start.weekday(), end.weekday(), end - start) == (0, 0, dt.timedelta(days=7)) and end <= NOW
    assert end == dt.datetime(2026, 11, 30)
    assert digest_service.window(NOW, dt.timedelta(hours=6)) == (dt.datetime(2026, 12, 3), dt.datetime(2026, 12, 3, 6))
    assert digest_service.window(NOW, dt.timedelta(hours=1)) == (dt.datetime(2026, 12, 3, 9), NOW)


def test_digest_reports_what_was_found_in_the_window(cli, planted):
    data = digest(cli)
    assert data["window"] == {"start": "2026-12-02T00:00:00Z", "end": "2026-12-03T00:00:00Z", "length": "1d"}
    assert data["ready"] is True and data["pending_comments"] == 0
    assert [d["domain"] for d in data["new_domains"]] == ["fresh-find.com"]
    fresh = data["new_domains"][0]
    assert (fresh["mentions"], fresh["videos"], fresh["first_extracted_at"]) == (2, 2, "2026-12-02T05:00:00Z")
    rising = {d["domain"]: d for d in data["rising"]}
    assert list(rising) == ["old-shop.com"]  # 6 against 1 the day before; amazon.com has 3 (< 5)
    assert {k: rising["old-shop.com"][k] for k in ("mentions", "previous", "growth", "videos")} == {
        "mentions": 6,
        "previous": 1,
        "growth": 6.0,
        "videos": 4,
    }
    links = [(i["link"], i["mentions"], i["videos"]) for i in data["links"]]
    assert links == [("old-shop.com", 6, 4), ("amazon.com/dp/B0X?tag=maya-20", 3, 3), ("fresh-find.com/p/1", 2, 2)]
    assert data["links"][1]["category"] == "marketplace"
    assert data["links"][1]["sample"].startswith("see https://www.amazon.com/dp/B0X?tag=maya-20")
    low = digest(cli, "--min-mentions", "2", "--top", "2")
    assert [d["domain"] for d in low["rising"]] == ["old-shop.com", "amazon.com"] and len(low["links"]) == 2
    week = digest(cli, "--since", "7d")
    assert week["window"]["end"] == "2026-11-30T00:00:00Z" and week["new_domains"] == []


def test_table_output(cli, planted):
    out = cli("digest").stdout
    assert "digest 2026-12-02T00:00:00Z to 2026-12-03T00:00:00Z (1d, UTC)" in out
    for text in ("new domains", "fresh-find.com", "rising", "old-shop.com", "6x", "amazon.com/dp/B0X?tag=maya-20"):
        assert text in out


def test_notify_posts_once_per_window(cli, planted, clock):
    with Receiver() as hook:
        env = {"HARVESTER_DIGEST_WEBHOOK_URL": hook.url}
        first = cli("digest", "--notify", env=env)
        assert first.exit_code == 0, first.stderr
        assert "posted: 1 new domains, 1 rising, 3 links" in first.stdout
        for _ in range(2):  # cron runs it again, later the same day
            clock["now"] += dt.timedelta(hours=3)
            again = cli("digest", "--notify", env=env)
            assert again.exit_code == 0 and "not posted: already posted" in again.stdout
        assert len(hook.messages) == 1
        message = hook.messages[0]
        assert message["digest"] is True and message["unfurl_links"] is False
        text = message["text"]
        assert text.startswith("harvester digest on ") and "2026-12-02 00:00 to 2026-12-03 00:00 UTC (1d)" in text
        assert "*New domains* (1)" in text and "`fresh-find.com`" in text
        assert "*Rising* (1)" in text and "`old-shop.com`: 6 mentions against 1 the 1d before (6x)" in text
        assert "`amazon.com/dp/B0X?tag=maya-20` (marketplace): 3 mentions, 3 videos" in text
        assert message["window"]["end"] == "2026-12-03T00:00:00Z" and len(message["links"]) == 3
        as_json = json.loads(cli("--json", "digest", "--notify", env=env).stdout)
        assert as_json["notification"]["sent"] is False and as_json["notification"]["reason"] == "already posted"
        # the next day: the next window
        clock["now"] = NOW + dt.timedelta(days=1)
        nxt = json.loads(cli("--json", "digest", "--notify", env=env).stdout)
        assert nxt["window"]["start"] == "2026-12-03T00:00:00Z"
        assert nxt["notification"]["sent"] is True and [d["domain"] for d in nxt["new_domains"]] == ["late-find.com"]
        assert len(hook.messages) == 2


def test_says_so_when_there_is_nothing_to_post(cli, clock):
    with Receiver() as hook:
        result = cli("digest", "--notify", env={"HARVESTER_ALERT_WEBHOOK_URL": hook.url})
        assert result.exit_code == 0
        assert "not posted: nothing to post" in result.stdout
        data = json.loads(cli("--json", "digest", "--notify", env={"HARVESTER_ALERT_WEBHOOK_URL": hook.url}).stdout)
        assert data["notification"] == {"sent": False, "reason": data["notification"]["reason"]}
        assert data["notification"]["reason"].startswith("nothing to post")
        assert cli("-q", "digest", "--notify", env={"HARVESTER_ALERT_WEBHOOK_URL": hook.url}).stdout == ""
        assert hook.messages == []


def test_waits_for_extract_to_catch_up_with_the_window(cli, store, planted, clock):
    add_comments(store, [(next(_ids), V[0], "late: pending-shop.com", h(20), h(23))])  # harvested, not extracted
    clock["now"] = DAY_END + dt.timedelta(minutes=30)
    with Receiver() as hook:
        env = {"HARVESTER_DIGEST_WEBHOOK_URL": hook.url}
        data = json.loads(cli("--json", "digest", "--notify", env=env).stdout)
        assert data["ready"] is False and data["pending_comments"] == 1
        assert data["notification"]["reason"].startswith("waiting for extract")
        assert hook.messages == []
        assert cli("extract").exit_code == 0  # extract catches up: posted, with the new domain
        data = json.loads(cli("--json", "digest", "--notify", env=env).stdout)
        assert data["notification"]["sent"] is True and len(hook.messages) == 1
        # harvested in the window: its link is in it; found (extracted) after the window: new tomorrow
        assert "pending-shop.com" in {i["domain"] for i in data["links"]}
        assert [d["domain"] for d in data["new_domains"]] == ["fresh-find.com"]


def test_posts_anyway_once_the_grace_is_over(cli, store, planted, clock):
    add_comments(store, [(next(_ids), V[0], "late: pending-shop.com", h(20), h(23))])
    clock["now"] = DAY_END + digest_service.EXTRACTION_GRACE
    with Receiver() as hook:
        data = json.loads(cli("--json", "digest", "--notify", env={"HARVESTER_DIGEST_WEBHOOK_URL": hook.url}).stdout)
        assert data["notification"]["sent"] is True
        assert "(1 comments harvested before the window's end were not extracted yet)" in hook.messages[0]["text"]


def test_a_failed_post_exits_1_and_the_next_run_posts(cli, planted):
    with Receiver() as hook:
        env = {
            "HARVESTER_DIGEST_WEBHOOK_URL": hook.url,
            "HARVESTER_RETRY_ATTEMPTS": "2",
            "HARVESTER_RETRY_MAX_WAIT_SECONDS": "0.01",
        }
        hook.fail_with = 503
        failed = cli("digest", "--notify", env=env)
        assert failed.exit_code == 1
        assert len(failed.stderr.strip().splitlines()) == 1 and "digest webhook" in failed.stderr
        assert "503" in failed.stderr and hook.attempts == 2
        hook.fail_with = None
        ok = cli("digest", "--notify", env=env)
        assert ok.exit_code == 0 and "posted" in ok.stdout and len(hook.messages) == 1


def test_the_post_goes_through_the_redaction_layer(cli, store, clock):
    with Receiver() as hook:
        url = f"{hook.base_url}/services/T0SECRET/B0SECRET/xoxSeCrEt42"
        plant(
            store,
            [
                m("leaky.example.com", "https://leaky.example.com/services/T0SECRET/B0SECRET/xoxSeCrEt42", h(3)),
                m("shop.example.org", "https://shop.example.org/p?access_token=TokenValue12345&id=3", h(4)),
            ],
        )
        result = cli("digest", "--notify", "--min-mentions", "1", env={"HARVESTER_DIGEST_WEBHOOK_URL": url})
        assert result.exit_code == 0, result.stderr
        assert len(hook.messages) == 1
        body = hook.requests[0].text
        assert "xoxSeCrEt42" not in body and "TokenValue12345" not in body
        assert "leaky.example.com" in body and "shop.example.org/p?access_token=" in body
        assert "xoxSeCrEt42" not in result.stdout + result.stderr


def test_digest_url_wins_over_the_alert_url(cli, planted):
    with Receiver() as alerts, Receiver() as digests:
        env = {"HARVESTER_ALERT_WEBHOOK_URL": alerts.url, "HARVESTER_DIGEST_WEBHOOK_URL": digests.url}
        assert cli("digest", "--notify", env=env).exit_code == 0
        assert len(digests.messages) == 1 and alerts.messages == []


def test_notify_without_a_url_posts_nothing_and_is_quiet(cli, store):
    result = cli("-q", "digest", "--notify")  # the crontab line, before a webhook is configured
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert cli("--json", "digest", "--notify").exit_code == 0
    from tests.e2e.conftest import scalar

    assert scalar(store, "SELECT count(*) FROM digest_posts") == 0  # no window marked as posted


def test_the_digest_url_is_a_secret_from_the_environment_only(cli):
    refused = cli("config", "set", "harvester_digest_webhook_url", "https://hooks.example.com/x")
    assert refused.exit_code == 2 and "secret" in refused.stderr
    shown = cli("config", "list", env={"HARVESTER_DIGEST_WEBHOOK_URL": "https://hooks.example.com/T0/abcdefgh"})
    line = next(text for text in shown.stdout.splitlines() if "harvester_digest_webhook_url" in text)
    assert "********" in line and "environment" in line and "abcdefgh" not in shown.stdout


@pytest.mark.parametrize("args", [("--since", "0d"), ("--since", "tomorrow"), ("--top", "0"), ("--min-mentions", "x")])
def test_bad_arguments_exit_2(cli, args):
    result = cli("digest", *args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_two_runs_at_once_post_once(store, clock):
    plant(store, [m("fresh-find.com", "fresh-find.com", h(5))])
    data = digest_service.build(store, length=dt.timedelta(days=1))
    posted = []

    def post(payload):
        time.sleep(0.5)  # still posting when the other run claims
        posted.append(payload)

    results = []

    def run():
        results.append(digest_service.notify(store, data, post, secrets=[], host="h"))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(posted) == 1
    assert sorted(r["sent"] for r in results) == [False, True]
    assert [r for r in results if not r["sent"]][0]["reason"].startswith(("another run is posting", "already posted"))


def test_a_claim_lapses_after_its_lease(store, clock):
    state, _ = digests_store.claim(store, DAY_START, DAY_END, "a" * 32, digest_service.CLAIM_LEASE)
    assert state == "claimed"
    assert digests_store.claim(store, DAY_START, DAY_END, "b" * 32, digest_service.CLAIM_LEASE)[0] == "busy"
    clock["now"] = NOW + digest_service.CLAIM_LEASE + dt.timedelta(seconds=1)  # run a died while posting
    assert digests_store.claim(store, DAY_START, DAY_END, "b" * 32, digest_service.CLAIM_LEASE)[0] == "claimed"
    assert digests_store.mark_posted(store, DAY_START, DAY_END, "a" * 32, {}) is False  # no longer a's
    assert digests_store.mark_posted(store, DAY_START, DAY_END, "b" * 32, {}) is True
    assert digests_store.claim(store, DAY_START, DAY_END, "c" * 32, digest_service.CLAIM_LEASE)[0] == "posted"


def test_untrusted_text_cannot_become_slack_markup():
    assert digest_service._mrkdwn("<!channel> & `x`\x1b[31m") == "`&lt;!channel&gt; &amp; 'x'\\x1b[31m`"


def test_cron_and_systemd_run_it():
    crontab = (ROOT / "crontab.example").read_text()
    assert any("harvester -q digest --notify" in line and not line.startswith("#") for line in crontab.splitlines())
    timer = (ROOT / "examples" / "systemd" / "harvester-digest.timer").read_text()
    service = (ROOT / "examples" / "systemd" / "harvester-digest.service").read_text()
    assert "OnCalendar=" in timer and "digest --notify" in service
