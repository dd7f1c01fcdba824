import datetime as dt
import threading

import pytest

from harvester_cli import errors
from harvester_cli.services.discover import uses_ledger
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


#: the day the discovery tests scan (a day that has ended, like every day the ledger scans)
YESTERDAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def _ymd(day):
    return day.strftime("%Y%m%d")


def _midnight(day):
    return int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())


def _on_day(videos, day=YESTERDAY):
    """Copies of `videos`, all posted on `day` (UTC)."""
    start = _midnight(day)
    return [dict(v, create_time=start + 60 + i) for i, v in enumerate(videos)]


def _query(source, kind="research", country=None):
    """The ledger query of that kind (and creator country), as discovery gets it."""
    return next(q for q in source.ledger_queries() if q.kind == kind and q.description.get("country") == country)


def _scan(source, kind="research", *, country=None, day=YESTERDAY, cursor=None, search_id=None):
    """Every page of one day's scan, read as the discovery ledger reads them."""
    return list(source.scan_day(_query(source, kind, country), day, cursor, search_id))


def _videos(pages):
    return [v for page in pages for v in page.videos]


@pytest.fixture
def day_fake(dataset):
    """The dataset's 251 videos, all posted yesterday: three pages of one day's scan."""
    videos, comments = dataset
    with FakeTikTok(_on_day(videos), comments) as fake:
        yield fake


@pytest.fixture
def day_source(day_fake, make_settings, make_deps, tiktok_env):
    source = _source(day_fake, make_settings, make_deps, tiktok_env)
    yield source
    source.close()


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
            _scan(source)
        assert fake.count(VIDEO_QUERY_PATH) == 1


# -- discovery: the ledger's day scans (ledger_queries, scan_day) --------------------------------


def test_a_day_is_paged_with_cursor_and_search_id(day_source, day_fake, dataset):
    videos, _ = dataset
    pages = _scan(day_source)
    found = _videos(pages)
    assert sorted(v.id for v in found) == sorted(v["id"] for v in videos)
    by_id = {v["id"]: v for v in videos}
    for video in found:
        assert bool(video.promoted_reason) == is_promoted(by_id[video.id])
        assert video.username == by_id[video.id]["username"]
    assert [(p.candidates, p.cursor, p.last, p.restarted) for p in pages] == [
        (100, 100, False, False),
        (100, 200, False, False),
        (51, None, True, False),
    ]
    assert pages[0].search_id and pages[1].search_id == pages[0].search_id and pages[2].search_id is None
    bodies = _bodies(day_fake, VIDEO_QUERY_PATH)
    assert len(bodies) == 3
    assert "cursor" not in bodies[0] and "search_id" not in bodies[0]
    assert [b["cursor"] for b in bodies[1:]] == [100, 200]
    assert [b["search_id"] for b in bodies[1:]] == [pages[0].search_id] * 2
    assert all(b["max_count"] == 100 for b in bodies)
    assert all(b["start_date"] == b["end_date"] == _ymd(YESTERDAY) for b in bodies)
    query = bodies[0]["query"]
    assert query["or"][0] == {
        "field_name": "hashtag_name",
        "operation": "IN",
        "field_values": ["ad", "sponsored", "paidpartnership", "tiktokmademebuyit"],
    }


def test_a_stopped_scan_resumes_at_its_cursor_and_restarts_when_the_search_expired(day_source, day_fake, recorder):
    pages = day_source.scan_day(_query(day_source), YESTERDAY)
    first = next(pages)
    pages.close()
    rest = _scan(day_source, cursor=first.cursor, search_id=first.search_id)
    assert [(p.candidates, p.last, p.restarted) for p in rest] == [(100, False, False), (51, True, False)]
    assert len({v.id for v in first.videos + _videos(rest)}) == 251
    resumed = _bodies(day_fake, VIDEO_QUERY_PATH)[1]
    assert (resumed["cursor"], resumed["search_id"]) == (100, first.search_id)
    restarted = _scan(day_source, cursor=100, search_id=str(7 * 10**18 + 5))
    assert [(p.candidates, p.restarted) for p in restarted] == [(100, True), (100, False), (51, False)]
    assert recorder.noted("this day's scan starts over")


def test_promoted_reasons_are_explained(day_source):
    reasons = {v.promoted_reason for v in _videos(_scan(day_source)) if v.promoted_reason}
    assert any(r.startswith("video_tag 1") for r in reasons)
    assert any(r.startswith("hashtag #") for r in reasons)


def test_query_uses_hashtags_keywords_and_regions(day_fake, make_settings, make_deps, tiktok_env):
    source = _source(
        day_fake,
        make_settings,
        make_deps,
        tiktok_env,
        HARVESTER_DISCOVERY_HASHTAGS="ad",
        HARVESTER_DISCOVERY_KEYWORDS="serum,lamp",
        HARVESTER_DISCOVERY_REGIONS="DE,FR",
    )
    assert [q.description for q in source.ledger_queries()] == [
        {
            "source": "tiktok",
            "kind": "research",
            "hashtags": ["ad"],
            "keywords": ["lamp", "serum"],
            "regions": ["DE", "FR"],
        }
    ]
    found = _videos(_scan(source))
    query = _bodies(day_fake, VIDEO_QUERY_PATH)[0]["query"]
    assert query == {
        "or": [
            {"field_name": "hashtag_name", "operation": "IN", "field_values": ["ad"]},
            {"field_name": "keyword", "operation": "EQ", "field_values": ["serum"]},
            {"field_name": "keyword", "operation": "EQ", "field_values": ["lamp"]},
        ],
        "and": [{"field_name": "region_code", "operation": "IN", "field_values": ["DE", "FR"]}],
    }
    assert found and all(v.region_code in ("DE", "FR") for v in found)


def test_no_hashtags_and_no_keywords_is_a_config_error(tiktok_fake, make_settings, make_deps, tiktok_env):
    settings = make_settings(**tiktok_env(tiktok_fake)).with_option("HARVESTER_DISCOVERY_HASHTAGS", ())
    with pytest.raises(errors.ConfigError, match="HARVESTER_DISCOVERY_HASHTAGS"):
        TikTokSource(make_deps(settings)).ledger_queries()
    assert tiktok_fake.count() == 0


def test_search_id_quirk_is_waited_out(day_source, day_fake, dataset, recorder):
    day_fake.schedule_fault(2, "search_id_expired", path=VIDEO_QUERY_PATH)
    pages = _scan(day_source)
    assert len(_videos(pages)) == len(dataset[0])
    assert not any(p.restarted for p in pages)
    assert day_fake.count(VIDEO_QUERY_PATH, 400) == 1
    assert recorder.noted("is invalid or expired")


def test_search_id_quirk_gives_up_after_a_few_attempts(day_source, day_fake, recorder):
    day_fake.fail_next("search_id_expired", path=VIDEO_QUERY_PATH, times=50)
    day_source.search_id_attempts = 3
    pages = _scan(day_source)
    assert [(p.videos, p.candidates, p.last) for p in pages] == [([], 0, True)]
    assert day_fake.count(VIDEO_QUERY_PATH) == 3
    assert recorder.noted("gave up")


def test_invalid_cursor_ends_the_day_gracefully(day_source, day_fake, recorder):
    day_fake.schedule_fault(2, "invalid_cursor", path=VIDEO_QUERY_PATH)
    pages = _scan(day_source)
    assert [(p.candidates, p.last) for p in pages] == [(100, False), (0, True)]
    assert len(_videos(pages)) == 100
    assert recorder.noted("Invalid count or cursor")


def test_empty_page_with_has_more_continues(dataset, make_settings, make_deps, tiktok_env):
    videos, comments = dataset
    with FakeTikTok(_on_day(videos), comments, empty_page_has_more=True) as fake:
        pages = _scan(_source(fake, make_settings, make_deps, tiktok_env))
        assert len(_videos(pages)) == len(videos)
        assert fake.count(VIDEO_QUERY_PATH) == 4
    assert [p.candidates for p in pages] == [100, 0, 100, 51]


def test_video_id_key_tag_variant_and_missing_fields(dataset, make_settings, make_deps, tiktok_env):
    videos, comments = dataset
    with FakeTikTok(
        _on_day(videos),
        comments,
        video_id_key="video_id",
        video_tag_keys="video_tag_type",
        missing_fields=True,
        missing_field_names={"region_code", "username", "video_description"},
    ) as fake:
        found = _videos(_scan(_source(fake, make_settings, make_deps, tiktok_env)))
    by_id = {v["id"]: v for v in videos}
    assert sorted(v.id for v in found) == sorted(by_id)
    tagged = [v for v in found if by_id[v.id].get("video_tag")]
    assert tagged and all(v.promoted_reason and v.promoted_reason.startswith("video_tag") for v in tagged)
    assert any(v.username is None for v in found) and any(v.region_code is None for v in found)


# -- discovery by id: `harvester discover --video-id` (discover(video_ids=...)) -------------------


def test_discover_without_video_ids_is_refused(tiktok, tiktok_fake):
    assert uses_ledger(tiktok)  # discovery without ids goes through the ledger, never here
    with pytest.raises(errors.BadInput, match="video ids"):
        list(tiktok.discover())
    assert tiktok_fake.count() == 0


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


def test_video_ids_are_looked_up_in_windows_of_at_most_30_days_newest_first(
    tiktok_fake, make_settings, make_deps, tiktok_env
):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_DISCOVERY_DAYS="75")
    source.utcnow = lambda: dt.datetime(2026, 3, 31, 23, 59, tzinfo=dt.UTC)
    windows = source.windows()
    assert windows == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 31)),
        (dt.date(2026, 1, 31), dt.date(2026, 3, 1)),
        (dt.date(2026, 1, 16), dt.date(2026, 1, 30)),
    ]
    assert list(source.discover(video_ids=[7386111312293610270])) == []
    sent = [(b["start_date"], b["end_date"]) for b in _bodies(tiktok_fake, VIDEO_QUERY_PATH)]
    assert sent == [("20260302", "20260331"), ("20260131", "20260301"), ("20260116", "20260130")]


def test_real_windows_are_accepted_by_the_api(tiktok_fake, dataset, make_settings, make_deps, tiktok_env):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_DISCOVERY_DAYS="61")
    wanted = [v["id"] for v in dataset[0][:99]]
    found = list(source.discover(video_ids=wanted + [7386111312293610270]))  # the unknown id: every window
    assert sorted(v.id for v in found) == sorted(wanted)
    bodies = _bodies(tiktok_fake, VIDEO_QUERY_PATH)
    for body in bodies:
        start = dt.datetime.strptime(body["start_date"], "%Y%m%d")
        end = dt.datetime.strptime(body["end_date"], "%Y%m%d")
        assert 0 <= (end - start).days <= 29
    assert len({(b["start_date"], b["end_date"]) for b in bodies}) == 3
    assert tiktok_fake.count(VIDEO_QUERY_PATH, 400) == 0


def test_limit_caps_promoted_and_stops_paging(tiktok, tiktok_fake, dataset):
    found = list(tiktok.discover(video_ids=[v["id"] for v in dataset[0]], limit=5))
    assert sum(1 for v in found if v.promoted_reason) == 5
    assert found[-1].promoted_reason
    assert tiktok_fake.count(VIDEO_QUERY_PATH) == 1


def test_limit_zero_sends_nothing(tiktok, tiktok_fake, dataset):
    assert list(tiktok.discover(video_ids=[dataset[0][0]["id"]], limit=0)) == []
    assert tiktok_fake.count() == 0


# -- Commercial Content API: the ledger's commercial day scans -------------------------------------


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


def test_commercial_content_is_scanned_per_country_and_day_paged_by_search_id(
    make_settings, make_deps, tiktok_env, recorder
):
    ts = _midnight(YESTERDAY) + 3600
    first = 7386111312293610270
    items = [_commercial_item(first + i, f"brand{i}", ts, url_suffix="?is_from_webapp=1&lang=de") for i in range(55)]
    items.append(_commercial_item(first + 100, "frbrand", ts, country="FR"))
    items.append(_commercial_item(first + 200, "daybefore", ts - 86400))  # another day's scan
    with FakeTikTok([], [], commercial_content=items, adlib_has_more_string=True, commercial_id_string=True) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="DE,FR")
        queries = source.ledger_queries()
        assert [(q.kind, q.description.get("country")) for q in queries] == [
            ("research", None),
            ("commercial", "DE"),
            ("commercial", "FR"),
        ]
        assert len({q.fingerprint for q in queries}) == 3
        de = _scan(source, "commercial", country="DE")
        fr = _scan(source, "commercial", country="FR")
        bodies = _bodies(fake, COMMERCIAL_QUERY_PATH)
        resumed = _scan(source, "commercial", country="DE", search_id=de[0].search_id)
        restarted = _scan(source, "commercial", country="DE", search_id="123")
    assert [(p.candidates, p.cursor, p.last) for p in de] == [(50, None, False), (5, None, True)]
    assert de[0].search_id and de[1].search_id is None
    found = {v.id: v for v in _videos(de)}
    assert set(found) == {first + i for i in range(55)}  # the id from each URL, its query string left out
    assert found[first].promoted_reason == "commercial content: Paid partnership"
    assert (found[first].username, found[first].create_time) == ("brand0", ts)
    assert [v.id for v in _videos(fr)] == [first + 100]
    assert [b["filters"]["creator_country_code"] for b in bodies] == ["DE", "DE", "FR"]
    assert bodies[0]["max_count"] == 50 and "search_id" not in bodies[0] and bodies[1]["search_id"] == de[0].search_id
    assert all(
        b["filters"]["content_published_date_range"] == {"min": _ymd(YESTERDAY), "max": _ymd(YESTERDAY)} for b in bodies
    )
    assert [(p.candidates, p.last, p.restarted) for p in resumed] == [(5, True, False)]
    assert [(p.candidates, p.restarted) for p in restarted] == [(50, True), (5, False)]
    assert recorder.noted("this day's scan starts over")


def test_commercial_items_are_read_leniently(make_settings, make_deps, tiktok_env, recorder):
    ts = _midnight(YESTERDAY) + 3600
    millis = _commercial_item(7386111312293610271, "millis", ts)
    millis["create_timestamp"] = ts * 1000  # milliseconds
    by_id = _commercial_item(0, "byid", ts)
    by_id["videos"] = ["not an object", {"id": "7386111312293610272"}]  # no URL: the entry's own id
    unlabelled = _commercial_item(7386111312293610273, "plain", ts)
    del unlabelled["label"]
    no_id = _commercial_item(0, "noid", ts)
    no_id["id"] = "7777"
    no_id["videos"] = [{"url": "https://www.tiktok.com/@noid"}]
    with FakeTikTok([], [], commercial_content=[millis, by_id, unlabelled, no_id]) as fake:
        source = _source(fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="DE")
        pages = _scan(source, "commercial", country="DE")
    assert [(p.candidates, p.last) for p in pages] == [(4, True)]
    found = {v.id: v for v in _videos(pages)}
    assert set(found) == {7386111312293610271, 7386111312293610272, 7386111312293610273}
    assert found[7386111312293610271].create_time == ts
    assert found[7386111312293610272].username == "byid"
    assert found[7386111312293610273].promoted_reason == "commercial content: paid partnership"
    assert recorder.noted("commercial content 7777 has no video id in its URL; skipped")


def test_commercial_days_before_the_library_starts_send_nothing(tiktok_fake, make_settings, make_deps, tiktok_env):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="DE")
    pages = _scan(source, "commercial", country="DE", day=dt.date(2022, 10, 1))
    assert [(p.videos, p.candidates, p.last) for p in pages] == [([], 0, True)]
    assert tiktok_fake.count() == 0


def test_unsupported_commercial_country_is_skipped(tiktok_fake, make_settings, make_deps, tiktok_env, recorder):
    source = _source(tiktok_fake, make_settings, make_deps, tiktok_env, HARVESTER_COMMERCIAL_COUNTRIES="GB,DE")
    gb = _scan(source, "commercial", country="GB")
    assert [(p.videos, p.candidates, p.last) for p in gb] == [([], 0, True)]
    assert tiktok_fake.count(COMMERCIAL_QUERY_PATH) == 1  # refused, not retried
    assert recorder.noted(f"country GB skipped for {YESTERDAY}")
    de = _scan(source, "commercial", country="DE")
    assert de[-1].last and tiktok_fake.count(COMMERCIAL_QUERY_PATH, 200) == len(de)


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


def test_daily_quota_mid_discovery(day_source, day_fake, recorder):
    day_fake.schedule_fault(2, "quota", path=VIDEO_QUERY_PATH)
    pages = []
    with pytest.raises(errors.QuotaExhausted):
        for page in day_source.scan_day(_query(day_source), YESTERDAY):
            pages.append(page)
    assert [(len(p.videos), p.last) for p in pages] == [(100, False)]
    assert recorder.exhausted == 1 and day_fake.count(VIDEO_QUERY_PATH) == 2


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
        _scan(tiktok)
    assert tiktok_fake.count(VIDEO_QUERY_PATH) == 1


def test_stop_cuts_the_search_id_pause_short(tiktok, tiktok_fake):
    tiktok.search_id_pause = 30
    tiktok.deps.stop.set()
    tiktok_fake.fail_next("search_id_expired", path=VIDEO_QUERY_PATH)
    with pytest.raises(errors.RunStopped):
        _scan(tiktok)
