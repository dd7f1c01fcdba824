import datetime as dt
import threading

import pytest

from harvester_cli import errors
from harvester_cli.sources.tiktok import TikTokSource
from tests.fakes.tiktok_server import (
    COMMENT_LIST_PATH,
    COMMERCIAL_QUERY_PATH,
    VIDEO_QUERY_PATH,
    FakeTikTok,
    is_promoted,
    make_dataset,
)


def _bodies(fake, path):
    return [body for p, body, _status in fake.requests if p == path]


def _source(fake, make_settings, make_deps, tiktok_env, **env):
    source = TikTokSource(make_deps(make_settings(**tiktok_env(fake, **env))))
    source.search_id_pause = 0.01
    return source


def _big_video(dataset):
    videos, comments = dataset
    return videos[-1]


# -- configuration and token -------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET"])
def test_missing_credentials_name_the_variable(missing, make_settings, make_deps):
    env = {"TIKTOK_CLIENT_KEY": "k", "TIKTOK_CLIENT_SECRET": "s"}
    del env[missing]
    with pytest.raises(errors.ConfigError, match=missing):
        TikTokSource(make_deps(make_settings(**env)))


@pytest.mark.parametrize("status", [200, 400, 401])
def test_bad_credentials_are_permanent_and_clear(status, make_settings, make_deps, tiktok_env, recorder):
    with FakeTikTok([], [], token_error_status=status) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env, TIKTOK_CLIENT_SECRET="wrong")
        with pytest.raises(errors.PermanentSourceError) as info:
            source.fetch_comments(1)
        assert fake.count("token") == 1  # not retried
        assert fake.count(COMMENT_LIST_PATH) == 0
    assert "invalid_client" in str(info.value) and "TIKTOK_CLIENT_SECRET" in str(info.value)
    assert "wrong" not in str(info.value)
    assert recorder.spent == 0


def test_token_is_cached_shared_and_not_counted(tiktok, tiktok_fake, dataset, recorder):
    video_id = dataset[0][0]["id"]
    threads = [threading.Thread(target=tiktok.fetch_comments, args=(video_id,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tiktok_fake.count("token") == 1
    assert tiktok_fake.count(COMMENT_LIST_PATH, 200) == 8
    assert recorder.spent == 8  # API requests only


def test_token_transient_failure_is_retried(tiktok, tiktok_fake, dataset):
    tiktok_fake.fail_next("500", path="token")
    page = tiktok.fetch_comments(dataset[0][0]["id"])
    assert len(page.comments) == 3
    assert tiktok_fake.count("token") == 2


def test_token_renewed_before_expiry(dataset, make_settings, make_deps, tiktok_env):
    with FakeTikTok(*dataset, token_lifetime=100) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env)
        now = [1000.0]
        source.clock = lambda: now[0]
        vid = dataset[0][0]["id"]
        source.fetch_comments(vid)
        now[0] += 70  # renewal point: 100 s lifetime minus a 25 s margin
        source.fetch_comments(vid)
        assert fake.count("token") == 1
        now[0] += 10
        source.fetch_comments(vid)
        assert fake.count("token") == 2
        assert fake.count(COMMENT_LIST_PATH, 401) == 0


def test_expired_token_gets_renewed_once_on_401(tiktok, tiktok_fake, dataset, recorder):
    vid = dataset[0][0]["id"]
    tiktok.fetch_comments(vid)
    tiktok_fake.expire_tokens()
    page = tiktok.fetch_comments(vid)
    assert len(page.comments) == 3
    assert tiktok_fake.count("token") == 2
    assert tiktok_fake.count(COMMENT_LIST_PATH, 401) == 1
    assert recorder.noted("renewing")


def test_401_with_a_fresh_token_is_permanent(tiktok, tiktok_fake, dataset):
    tiktok_fake.faults[COMMENT_LIST_PATH] = "401"  # every request
    with pytest.raises(errors.PermanentSourceError, match="access_token_invalid"):
        tiktok.fetch_comments(dataset[0][0]["id"])
    assert tiktok_fake.count(COMMENT_LIST_PATH) == 2
    assert tiktok_fake.count("token") == 2


def test_scope_not_authorized_is_permanent_and_not_retried(dataset, make_settings, make_deps, tiktok_env):
    with FakeTikTok(*dataset, scopes=()) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env)
        with pytest.raises(errors.PermanentSourceError, match="scope_not_authorized"):
            list(source.discover())
        assert fake.count(VIDEO_QUERY_PATH) == 1


# -- discovery ---------------------------------------------------------------------------------


def test_discovery_pages_with_cursor_and_search_id(tiktok, tiktok_fake, dataset):
    videos, _ = dataset
    found = list(tiktok.discover())
    assert sorted(v.id for v in found) == sorted(v["id"] for v in videos)
    by_id = {v["id"]: v for v in videos}
    for video in found:
        assert bool(video.promoted_reason) == is_promoted(by_id[video.id])
        assert video.username == by_id[video.id]["username"]
    bodies = _bodies(tiktok_fake, VIDEO_QUERY_PATH)
    assert len(bodies) == 3
    assert "cursor" not in bodies[0] and "search_id" not in bodies[0]
    assert [b["cursor"] for b in bodies[1:]] == [100, 200]
    assert bodies[1]["search_id"] == bodies[2]["search_id"]
    assert all(b["max_count"] == 100 for b in bodies)
    query = bodies[0]["query"]
    assert query["or"][0] == {
        "field_name": "hashtag_name",
        "operation": "IN",
        "field_values": ["ad", "sponsored", "paidpartnership", "tiktokmademebuyit"],
    }


def test_promoted_reasons_are_explained(tiktok):
    reasons = {v.promoted_reason for v in tiktok.discover() if v.promoted_reason}
    assert any(r.startswith("video_tag 1") for r in reasons)
    assert any(r.startswith("hashtag #") for r in reasons)


def test_query_uses_keywords_and_regions(tiktok_fake, make_settings, make_deps, tiktok_env):
    source = _source(
        tiktok_fake,
        make_settings,
        make_deps,
        tiktok_env,
        HARVESTER_DISCOVERY_HASHTAGS="ad",
        HARVESTER_DISCOVERY_KEYWORDS="serum,lamp",
        HARVESTER_DISCOVERY_REGIONS="DE,FR",
    )
    found = list(source.discover())
    query = _bodies(tiktok_fake, VIDEO_QUERY_PATH)[0]["query"]
    assert query["and"] == [{"field_name": "region_code", "operation": "IN", "field_values": ["DE", "FR"]}]
    assert {"field_name": "keyword", "operation": "EQ", "field_values": ["serum"]} in query["or"]
    assert found and all(v.region_code in ("DE", "FR") for v in found)


def test_no_hashtags_and_no_keywords_is_a_config_error(tiktok_fake, make_settings, make_deps, tiktok_env):
    settings = make_settings(**tiktok_env(tiktok_fake)).with_option("HARVESTER_DISCOVERY_HASHTAGS", ())
    with pytest.raises(errors.ConfigError, match="HARVESTER_DISCOVERY_HASHTAGS"):
        list(TikTokSource(make_deps(settings)).discover())


def test_windows_are_at_most_30_days_newest_first(tiktok_fake, make_settings, make_deps, tiktok_env):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_DISCOVERY_DAYS="75")
    source.utcnow = lambda: dt.datetime(2026, 3, 31, 23, 59, tzinfo=dt.UTC)
    windows = source.windows()
    assert windows == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 31)),
        (dt.date(2026, 1, 31), dt.date(2026, 3, 1)),
        (dt.date(2026, 1, 16), dt.date(2026, 1, 30)),
    ]
    list(source.discover())
    sent = {(b["start_date"], b["end_date"]) for b in _bodies(tiktok_fake, VIDEO_QUERY_PATH)}
    assert sent == {("20260302", "20260331"), ("20260131", "20260301"), ("20260116", "20260130")}


def test_real_windows_are_accepted_by_the_api(tiktok_fake, make_settings, make_deps, tiktok_env):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_DISCOVERY_DAYS="61")
    assert len(list(source.discover())) == 251
    bodies = _bodies(tiktok_fake, VIDEO_QUERY_PATH)
    for body in bodies:
        start = dt.datetime.strptime(body["start_date"], "%Y%m%d")
        end = dt.datetime.strptime(body["end_date"], "%Y%m%d")
        assert 0 <= (end - start).days <= 29
    assert len({(b["start_date"], b["end_date"]) for b in bodies}) == 3


def test_search_id_quirk_is_waited_out(tiktok, tiktok_fake, dataset, recorder):
    tiktok_fake.schedule_fault(2, "search_id_expired", path=VIDEO_QUERY_PATH)
    found = list(tiktok.discover())
    assert len(found) == len(dataset[0])
    assert tiktok_fake.count(VIDEO_QUERY_PATH, 400) == 1
    assert recorder.noted("is invalid or expired")


def test_search_id_quirk_gives_up_after_a_few_attempts(tiktok, tiktok_fake, recorder):
    tiktok_fake.fail_next("search_id_expired", path=VIDEO_QUERY_PATH, times=50)
    tiktok.search_id_attempts = 3
    assert list(tiktok.discover()) == []
    assert tiktok_fake.count(VIDEO_QUERY_PATH) == 3
    assert recorder.noted("gave up")


def test_invalid_cursor_ends_the_window_gracefully(tiktok, tiktok_fake, recorder):
    tiktok_fake.schedule_fault(2, "invalid_cursor", path=VIDEO_QUERY_PATH)
    found = list(tiktok.discover())
    assert len(found) == 100
    assert recorder.noted("Invalid count or cursor")


def test_empty_page_with_has_more_continues(dataset, make_settings, make_deps, tiktok_env):
    with FakeTikTok(*dataset, empty_page_has_more=True) as fake:
        found = list(_source(fake, make_settings, make_deps, tiktok_env).discover())
        assert len(found) == len(dataset[0])
        assert fake.count(VIDEO_QUERY_PATH) == 4


def test_video_id_key_tag_variant_and_missing_fields(dataset, make_settings, make_deps, tiktok_env):
    videos, comments = dataset
    with FakeTikTok(
        videos,
        comments,
        video_id_key="video_id",
        video_tag_keys="video_tag_type",
        missing_fields=True,
        missing_field_names={"region_code", "username", "video_description"},
    ) as fake:
        found = list(_source(fake, make_settings, make_deps, tiktok_env).discover())
    by_id = {v["id"]: v for v in videos}
    assert sorted(v.id for v in found) == sorted(by_id)
    tagged = [v for v in found if by_id[v.id].get("video_tag")]
    assert tagged and all(v.promoted_reason and v.promoted_reason.startswith("video_tag") for v in tagged)
    assert any(v.username is None for v in found) and any(v.region_code is None for v in found)


def test_video_ids_yield_exactly_those_found(tiktok, tiktok_fake, dataset, recorder):
    videos, _ = dataset
    promoted = next(v for v in videos if is_promoted(v))
    plain = next(v for v in videos if not is_promoted(v))
    unknown = 7386111312293610270
    found = list(tiktok.discover(video_ids=[promoted["id"], str(plain["id"]), unknown]))
    assert sorted(v.id for v in found) == sorted([promoted["id"], plain["id"]])
    assert {v.id: bool(v.promoted_reason) for v in found} == {promoted["id"]: True, plain["id"]: False}
    body = _bodies(tiktok_fake, VIDEO_QUERY_PATH)[0]
    assert body["query"] == {
        "and": [
            {
                "field_name": "video_id",
                "operation": "IN",
                "field_values": [str(promoted["id"]), str(plain["id"]), str(unknown)],
            }
        ]
    }
    assert recorder.noted(str(unknown))


def test_bad_video_id_is_bad_input(tiktok):
    with pytest.raises(errors.BadInput):
        list(tiktok.discover(video_ids=["12x"]))


def test_limit_caps_promoted_and_stops_paging(tiktok, tiktok_fake):
    found = list(tiktok.discover(limit=5))
    assert sum(1 for v in found if v.promoted_reason) == 5
    assert found[-1].promoted_reason
    assert tiktok_fake.count(VIDEO_QUERY_PATH) == 1


def test_limit_zero_sends_nothing(tiktok, tiktok_fake):
    assert list(tiktok.discover(limit=0)) == []
    assert tiktok_fake.count() == 0


# -- Commercial Content API ----------------------------------------------------------------------


def _commercial_item(video_id, username, ts, country="DE", url_suffix=""):
    return {
        "id": str(ts << 32),
        "create_timestamp": ts,
        "create_date": dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y%m%d"),
        "label": "Paid partnership",
        "brand_names": ["Glow Lab"],
        "creator": {"username": username},
        "creator_country_code": country,
        "videos": [{"url": f"https://www.tiktok.com/@{username}/video/{video_id}{url_suffix}"}],
    }


def test_commercial_content_adds_promoted_video_ids(dataset, make_settings, make_deps, tiktok_env):
    videos, comments = dataset
    ts = int(videos[0]["create_time"])
    plain = next(v for v in videos if not is_promoted(v))
    promoted = next(v for v in videos if is_promoted(v))
    items = [
        _commercial_item(7386111312293610270 + i, f"brand{i}", ts, url_suffix="?is_from_webapp=1&lang=de")
        for i in range(55)
    ]
    items.append(_commercial_item(plain["id"], plain["username"], ts, country="FR"))
    items.append(_commercial_item(promoted["id"], promoted["username"], ts, country="FR"))
    with FakeTikTok(
        videos, comments, commercial_content=items, adlib_has_more_string=True, commercial_id_string=True
    ) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="DE,FR")
        found = list(source.discover())
        bodies = _bodies(fake, COMMERCIAL_QUERY_PATH)
    ids = [v.id for v in found]
    assert len(ids) == len(videos) + 55 + 1  # the plain video comes back once more, promoted
    assert len(set(ids)) == len(videos) + 55
    extra = {v.id: v for v in found if v.id >= 7386111312293610270 and v.id < 7386111312293610270 + 55}
    assert set(extra) == {7386111312293610270 + i for i in range(55)}
    assert extra[7386111312293610270].promoted_reason == "commercial content: Paid partnership"
    assert extra[7386111312293610270].username == "brand0"
    upgraded = [v for v in found if v.id == plain["id"]]
    assert [bool(v.promoted_reason) for v in upgraded] == [False, True]
    assert upgraded[1].description == upgraded[0].description
    assert ids.count(promoted["id"]) == 1
    assert [b["filters"]["creator_country_code"] for b in bodies] == ["DE", "DE", "FR"]
    assert bodies[0]["max_count"] == 50 and "search_id" not in bodies[0] and bodies[1]["search_id"]
    date_range = bodies[0]["filters"]["content_published_date_range"]
    assert set(date_range) == {"min", "max"} and len(date_range["min"]) == 8


def test_unsupported_commercial_country_is_skipped(tiktok_fake, make_settings, make_deps, tiktok_env, recorder):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="GB,DE")
    found = list(source.discover())
    assert len(found) >= 251
    assert recorder.noted("country GB skipped")


# -- comments ----------------------------------------------------------------------------------


def test_comment_paging_echoes_the_cursor(tiktok, tiktok_fake, dataset):
    big = _big_video(dataset)
    pages = []
    cursor = None
    while True:
        page = tiktok.fetch_comments(big["id"], cursor)
        pages.append(page)
        if not page.has_more:
            break
        cursor = page.cursor
    assert [len(p.comments) for p in pages] == [100, 100, 50]
    assert [p.cursor for p in pages] == [100, 200, 250]
    bodies = _bodies(tiktok_fake, COMMENT_LIST_PATH)
    assert [b["cursor"] for b in bodies] == [0, 100, 200]
    assert all(b["video_id"] == big["id"] and b["max_count"] == 100 for b in bodies)
    expected = [c["id"] for c in dataset[1] if c["video_id"] == big["id"]]
    assert [c.id for p in pages for c in p.comments] == expected


def test_comment_cursor_is_taken_from_the_response(make_settings, make_deps, tiktok_env):
    videos, comments = make_dataset(1, 120, seed=3)
    for c in comments[:10]:
        c["_deleted"] = True
    with FakeTikTok(videos, comments, comment_cursor="max_count") as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env)
        first = source.fetch_comments(videos[0]["id"])
        second = source.fetch_comments(videos[0]["id"], first.cursor)
    assert (len(first.comments), first.cursor, first.has_more) == (90, 100, True)
    assert (len(second.comments), second.has_more) == (20, False)


def test_ids_are_exact_64_bit_integers(tiktok, dataset):
    big = _big_video(dataset)
    page = tiktok.fetch_comments(str(big["id"]))
    expected = {c["id"]: c for c in dataset[1] if c["video_id"] == big["id"]}
    for comment in page.comments:
        assert comment.id in expected and comment.id > 2**53
        assert comment.video_id == big["id"] and comment.parent_comment_id == big["id"]
        assert comment.text == expected[comment.id]["text"]
    found = {v.id for v in tiktok.discover(video_ids=[big["id"]])}
    assert found == {big["id"]}


@pytest.mark.parametrize("mode", ["empty", "error"])
def test_unknown_video_gives_an_empty_last_page(mode, make_settings, make_deps, tiktok_env):
    with FakeTikTok([], [], unknown_video=mode) as fake:
        page = _source(fake, make_settings, make_deps, tiktok_env).fetch_comments(7386111312293610270)
        assert fake.count(COMMENT_LIST_PATH) == 1
    assert page.comments == [] and page.has_more is False


def test_empty_comment_text_is_kept(make_settings, make_deps, tiktok_env):
    videos, comments = make_dataset(1, 5, seed=1)
    comments[0]["text"] = ""
    with FakeTikTok(videos, comments) as fake:
        page = _source(fake, make_settings, make_deps, tiktok_env).fetch_comments(videos[0]["id"])
    assert page.comments[0].text == ""


# -- quota, transient and permanent failures -------------------------------------------------------


def test_daily_quota_from_the_api_stops_without_retry(dataset, make_settings, make_deps, tiktok_env, recorder):
    with FakeTikTok(*dataset, daily_quota=2) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env)
        vid = dataset[0][0]["id"]
        source.fetch_comments(vid)
        source.fetch_comments(vid)
        with pytest.raises(errors.QuotaExhausted):
            source.fetch_comments(vid)
        assert fake.count(COMMENT_LIST_PATH, 429) == 1
    assert recorder.exhausted == 1


def test_daily_quota_mid_discovery(tiktok, tiktok_fake, recorder):
    tiktok_fake.schedule_fault(2, "quota", path=VIDEO_QUERY_PATH)
    found = []
    with pytest.raises(errors.QuotaExhausted):
        for video in tiktok.discover():
            found.append(video)
    assert len(found) == 100
    assert recorder.exhausted == 1 and tiktok_fake.count(VIDEO_QUERY_PATH) == 2


def test_own_budget_spent_sends_nothing(tiktok, tiktok_fake, recorder):
    recorder.budget = 0
    with pytest.raises(errors.QuotaExhausted):
        tiktok.fetch_comments(1)
    assert tiktok_fake.count(COMMENT_LIST_PATH) == 0
    assert recorder.exhausted == 0


@pytest.mark.parametrize("fault", ["500", "502", "504html", "truncated", "notjson", "429", "disconnect"])
def test_transient_faults_are_retried(fault, tiktok, tiktok_fake, dataset, recorder):
    vid = dataset[0][0]["id"]
    tiktok_fake.fail_next(fault, path=COMMENT_LIST_PATH)
    page = tiktok.fetch_comments(vid)
    assert len(page.comments) == 3
    assert tiktok_fake.count(COMMENT_LIST_PATH) == 2
    assert recorder.spent == 2  # every attempt is a request against the budget
    assert recorder.noted("retrying")


def test_rate_limit_retry_after_is_honoured(tiktok, tiktok_fake, dataset, recorder):
    tiktok_fake.retry_after = 0.4
    tiktok_fake.fail_next("429", path=COMMENT_LIST_PATH)
    tiktok.fetch_comments(dataset[0][0]["id"])
    assert recorder.noted("retrying in 1.0s")  # Retry-After: 1 (whole seconds)


def test_read_timeout_is_retried(dataset, make_settings, make_deps, tiktok_env):
    with FakeTikTok(*dataset, hang_seconds=0.6) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env, HARVESTER_HTTP_TIMEOUT_SECONDS="0.2")
        fake.fail_next("hang", path=COMMENT_LIST_PATH)
        page = source.fetch_comments(dataset[0][0]["id"])
    assert len(page.comments) == 3


def test_persistent_transient_failure_gives_up_after_the_policy(tiktok, tiktok_fake, dataset):
    tiktok_fake.faults[COMMENT_LIST_PATH] = "504html"
    with pytest.raises(errors.TransientSourceError, match="HTTP 504"):
        tiktok.fetch_comments(dataset[0][0]["id"])
    assert tiktok_fake.count(COMMENT_LIST_PATH) == 3


def test_permanent_error_is_not_retried(tiktok, tiktok_fake):
    tiktok_fake.faults[VIDEO_QUERY_PATH] = "invalid_params"
    with pytest.raises(errors.PermanentSourceError, match="invalid_params"):
        list(tiktok.discover())
    assert tiktok_fake.count(VIDEO_QUERY_PATH) == 1


def test_stop_cuts_the_search_id_pause_short(tiktok, tiktok_fake):
    tiktok.search_id_pause = 30
    tiktok.deps.stop.set()
    tiktok_fake.fail_next("search_id_expired", path=VIDEO_QUERY_PATH)
    with pytest.raises(errors.RunStopped):
        list(tiktok.discover())
