"""The fakes speak the protocol of reference/tiktok-api.md §9 (real HTTP, httpx)."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import importlib.util
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .tiktok_server import (
    AD_DETAIL_PATH,
    AD_QUERY_PATH,
    COMMENT_LIST_PATH,
    COMMERCIAL_QUERY_PATH,
    DOMAIN_POOL,
    TOKEN_PATH,
    VIDEO_QUERY_PATH,
    FakeTikTok,
    expected_domains,
    is_promoted,
    make_dataset,
)
from .worker_server import FakeWorker

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CREDS = {"client_key": "test-key", "client_secret": "test-secret", "grant_type": "client_credentials"}
FIELDS = "id,username,create_time,hashtag_names,video_tag"


@pytest.fixture(scope="module")
def dataset():
    return make_dataset(25, 150, promoted_ratio=0.6, seed=7)


@pytest.fixture
def fake(dataset):
    with FakeTikTok(*dataset) as server:
        yield server


@pytest.fixture
def client(fake):
    with httpx.Client(base_url=fake.base_url, timeout=5) as c:
        yield c


def auth(fake) -> dict:
    return {"Authorization": "Bearer " + fake.issue_token()}


def video_body(**extra) -> dict:
    today = dt.datetime.now(dt.UTC).date()
    body = {
        "query": {
            "or": [
                {
                    "field_name": "hashtag_name",
                    "operation": "IN",
                    "field_values": ["ad", "sponsored", "paidpartnership", "tiktokmademebuyit"],
                }
            ]
        },
        "start_date": (today - dt.timedelta(days=7)).strftime("%Y%m%d"),
        "end_date": today.strftime("%Y%m%d"),
        "max_count": 10,
    }
    body.update(extra)
    return body


def query_videos(client, fake, headers=None, fields=FIELDS, **extra):
    return client.post(
        VIDEO_QUERY_PATH, params={"fields": fields}, json=video_body(**extra), headers=headers or auth(fake)
    )


def list_comments(client, fake, video_id, headers=None, fields="id,video_id,text", **extra):
    return client.post(
        COMMENT_LIST_PATH,
        params={"fields": fields},
        json={"video_id": video_id, **extra},
        headers=headers or auth(fake),
    )


# -- token ----------------------------------------------------------------------------------------


def test_token_flow_and_error_bodies(fake, client):
    r = client.post(TOKEN_PATH, data=CREDS, headers={"Cache-Control": "no-cache"})
    assert r.status_code == 200
    body = r.json()
    assert body["access_token"].startswith("clt.")
    assert body["expires_in"] == 7200 and body["token_type"] == "Bearer"

    r = client.post(
        VIDEO_QUERY_PATH,
        params={"fields": "id"},
        json=video_body(),
        headers={"Authorization": "bearer " + body["access_token"]},
    )
    assert r.status_code == 200  # scheme name is case-insensitive

    r = client.post(TOKEN_PATH, data={**CREDS, "client_secret": "wrong"})
    assert r.status_code == 200  # [obs] errors come back as HTTP 200
    assert r.json()["error"] == "invalid_client" and "access_token" not in r.json()
    assert {"error_description", "log_id"} <= set(r.json())

    r = client.post(TOKEN_PATH, data={"client_key": "test-key"})
    assert r.json()["error"] == "invalid_request"

    fake.token_error_status = 401
    assert client.post(TOKEN_PATH, data={**CREDS, "client_key": "nope"}).status_code == 401


def test_bad_missing_and_expired_tokens_get_401(fake, client):
    for headers in ({}, {"Authorization": "Bearer clt.unknown"}, {"Authorization": "Basic x"}):
        r = client.post(VIDEO_QUERY_PATH, params={"fields": "id"}, json=video_body(), headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "access_token_invalid"
        assert "data" not in r.json()

    headers = auth(fake)
    assert query_videos(client, fake, headers).status_code == 200
    fake.advance_time(7201)
    assert query_videos(client, fake, headers).status_code == 401
    assert fake.quota_used == 1  # 401s are not counted


# -- video query ------------------------------------------------------------------------------------


def test_video_paging_cursor_and_search_id(fake, client, dataset):
    headers = auth(fake)
    seen, cursors, body = [], [], {}
    while True:
        r = query_videos(client, fake, headers, **body)
        assert r.status_code == 200
        envelope = r.json()
        assert envelope["error"]["code"] == "ok" and 20 <= len(envelope["error"]["log_id"]) <= 34
        data = envelope["data"]
        seen += [v["id"] for v in data["videos"]]
        cursors.append(data["cursor"])
        assert isinstance(data["search_id"], str) and data["search_id"].isdigit()
        if not data["has_more"]:
            break
        body = {"cursor": data["cursor"], "search_id": data["search_id"]}
    assert cursors == [10, 20, 30]  # advances by max_count, not by len(videos)
    assert seen == sorted((v["id"] for v in dataset[0]), reverse=True)
    assert fake.count("video/query") == 3

    r = query_videos(client, fake, headers, cursor=10, search_id="123")
    assert r.status_code == 400
    assert r.json()["error"] == {
        **r.json()["error"],
        "code": "invalid_params",
        "message": "Search Id 123 is invalid or expired",
    }


def test_search_id_expired_fault_is_one_off(dataset):
    with FakeTikTok(*dataset, faults={2: "search_id_expired"}) as fake, httpx.Client(base_url=fake.base_url) as client:
        headers = auth(fake)
        first = query_videos(client, fake, headers).json()["data"]
        nxt = {"cursor": first["cursor"], "search_id": first["search_id"]}
        r = query_videos(client, fake, headers, **nxt)
        assert r.status_code == 400
        assert r.json()["error"]["message"] == f"Search Id {first['search_id']} is invalid or expired"
        assert query_videos(client, fake, headers, **nxt).status_code == 200
        assert fake.fault_log == [(2, VIDEO_QUERY_PATH, "search_id_expired")]


def test_ids_stay_exact_above_2_53(fake, client, dataset):
    big = max(v["id"] for v in dataset[0])
    assert big > 2**53 and len(str(big)) == 19 and float(big) != big
    r = query_videos(client, fake, fields="id")
    assert f'"id":{big}' in r.text  # a JSON integer, not a string
    assert r.json()["data"]["videos"][0]["id"] == big
    comment = next(c for c in dataset[1] if c["video_id"] == big)
    r = list_comments(client, fake, big, fields="id,video_id,parent_comment_id", max_count=1)
    assert r.json()["data"]["comments"][0] == {"id": comment["id"], "video_id": big, "parent_comment_id": big}


def test_fields_filtering_and_validation(fake, client):
    headers = auth(fake)
    r = client.post(VIDEO_QUERY_PATH + "?fields=id%2C%20username", json=video_body(), headers=headers)
    assert r.status_code == 200
    assert all(set(v) == {"id", "username"} for v in r.json()["data"]["videos"])

    for params in ({}, {"fields": "id,bogus"}):
        r = client.post(VIDEO_QUERY_PATH, params=params, json=video_body(), headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_params"

    today = dt.date.today()
    bad_bodies = [
        video_body(max_count=101),
        video_body(cursor=-1),
        video_body(query={"and": []}),
        video_body(query={"and": [{"field_name": "nope", "operation": "EQ", "field_values": ["x"]}]}),
        video_body(start_date=(today - dt.timedelta(days=31)).strftime("%Y%m%d"), end_date=today.strftime("%Y%m%d")),
        video_body(start_date="2026-01-01"),
    ]
    for body in bad_bodies:
        r = client.post(VIDEO_QUERY_PATH, params={"fields": "id"}, json=body, headers=headers)
        assert r.status_code == 400, body

    # a text/plain JSON body is accepted [obs]
    r = client.post(
        VIDEO_QUERY_PATH,
        params={"fields": "id"},
        content=json.dumps(video_body()),
        headers={**headers, "Content-Type": "text/plain"},
    )
    assert r.status_code == 200


def test_video_tag_key_variant_and_missing_fields(dataset):
    tagged = [v for v in dataset[0] if "video_tag" in v]
    assert tagged
    with (
        FakeTikTok(*dataset, video_tag_keys="video_tag_type", missing_fields=1.0) as fake,
        httpx.Client(base_url=fake.base_url) as client,
    ):
        r = query_videos(client, fake, fields="id,video_tag,like_count", max_count=100)
        videos = r.json()["data"]["videos"]
        assert all("like_count" not in v for v in videos)
        assert {"video_tag_type": "Branded", "video_tag_number": tagged[0]["video_tag"]["number"]} in [
            v.get("video_tag") for v in videos if v["id"] == tagged[0]["id"]
        ]


def test_empty_page_with_has_more_loses_nothing(dataset):
    with FakeTikTok(*dataset, empty_page_has_more=True) as fake, httpx.Client(base_url=fake.base_url) as client:
        headers, seen, pages, body = auth(fake), [], [], {}
        while True:
            data = query_videos(client, fake, headers, **body).json()["data"]
            pages.append(len(data["videos"]))
            seen += [v["id"] for v in data["videos"]]
            if not data["has_more"]:
                break
            body = {"cursor": data["cursor"], "search_id": data["search_id"]}
        assert pages[1] == 0 and len(pages) == 4
        assert len(seen) == len(set(seen)) == 25


# -- comments -------------------------------------------------------------------------------------------


def test_comment_paging_and_cap(fake, client, dataset):
    headers = auth(fake)
    vid = dataset[0][0]["id"]
    page1 = list_comments(client, fake, vid, headers, max_count=100).json()["data"]
    assert len(page1["comments"]) == 100 and page1["cursor"] == 100 and page1["has_more"] is True
    page2 = list_comments(client, fake, vid, headers, max_count=100, cursor=100).json()["data"]
    assert len(page2["comments"]) == 50 and page2["cursor"] == 150 and page2["has_more"] is False
    assert fake.comment_pages(vid) == 2

    assert list_comments(client, fake, vid, headers).json()["data"]["cursor"] == 10  # default max_count
    r = list_comments(client, fake, vid, headers, max_count=100, cursor=950)
    assert r.status_code == 400  # cursor + max_count <= 1000
    r = list_comments(client, fake, str(vid), headers)
    assert r.status_code == 400  # string ids rejected unless accept_string_video_id
    r = client.post(
        COMMENT_LIST_PATH, params={"fields": "id"}, json={"video_id": vid, "comment_id": 1}, headers=headers
    )
    assert r.status_code == 400

    unknown = list_comments(client, fake, 7000000000000000001, headers).json()["data"]
    assert unknown == {"comments": [], "cursor": 0, "has_more": False}
    fake.unknown_video = "error"
    assert list_comments(client, fake, 7000000000000000001, headers).status_code == 400

    fake.comment_cursor = "max_count"
    fake.comment_cap = False
    fake.accept_string_video_id = True
    data = list_comments(client, fake, str(vid), headers, max_count=100, cursor=100).json()["data"]
    assert data["cursor"] == 200 and len(data["comments"]) == 50
    assert list_comments(client, fake, vid, headers, max_count=100, cursor=950).status_code == 200


# -- limits and faults -------------------------------------------------------------------------------------


def test_daily_quota_counts_5xx_and_resets(dataset):
    with FakeTikTok(*dataset, daily_quota=3, faults={1: "500"}) as fake, httpx.Client(base_url=fake.base_url) as client:
        headers = auth(fake)
        statuses = [query_videos(client, fake, headers).status_code for _ in range(4)]
        assert statuses == [500, 200, 200, 429]
        r = query_videos(client, fake, headers)
        assert r.json()["error"]["code"] == "daily_quota_limit_exceeded"
        assert client.post(TOKEN_PATH, data=CREDS).status_code == 200  # tokens not counted
        fake.advance_day()
        assert query_videos(client, fake, auth(fake)).status_code == 200
        assert fake.quota_used == 1


def test_burst_limit_with_retry_after(dataset):
    with (
        FakeTikTok(*dataset, burst_limit=2, burst_window=60, retry_after=3) as fake,
        httpx.Client(base_url=fake.base_url) as client,
    ):
        headers = auth(fake)
        rs = [query_videos(client, fake, headers) for _ in range(3)]
        assert [r.status_code for r in rs] == [200, 200, 429]
        assert rs[2].json()["error"]["code"] == "rate_limit_exceeded"
        assert rs[2].headers["Retry-After"] == "3"


def test_scheduled_faults_by_number_and_path(dataset):
    faults = {1: "504html", 2: "truncated", ("comment/list", 2): "500"}
    with FakeTikTok(*dataset, faults=faults) as fake, httpx.Client(base_url=fake.base_url) as client:
        headers = auth(fake)
        r = query_videos(client, fake, headers)
        assert r.status_code == 504 and r.headers["content-type"].startswith("text/html")
        r = query_videos(client, fake, headers)
        assert r.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(r.text)
        vid = dataset[0][0]["id"]
        assert list_comments(client, fake, vid, headers).status_code == 200
        r = list_comments(client, fake, vid, headers)
        assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
        assert fake.comment_pages(vid) == 1
        fake.fail_next("disconnect", path="comment/list")
        with pytest.raises(httpx.RemoteProtocolError):
            list_comments(client, fake, vid, headers)
        assert [s for _p, _b, s in fake.requests] == [504, 200, 200, 500, 0]
        assert fake.quota_used == 5


def test_random_faults_are_never_permanent(dataset):
    with (
        FakeTikTok(*dataset, fault_rate=1.0, fault_seed=1, daily_quota=None) as fake,
        httpx.Client(base_url=fake.base_url) as client,
    ):
        headers = auth(fake)
        vid = dataset[0][0]["id"]
        statuses = [list_comments(client, fake, vid, headers).status_code for _ in range(3)]
        assert statuses[2] == 200  # at most fault_max_consecutive (2) faults in a row
        assert {k for _n, _p, k in fake.fault_log} <= {"500", "504html", "truncated", "429"}


def test_latency_does_not_serialise_requests(dataset):
    with FakeTikTok(*dataset, latency=0.3) as fake:
        headers = auth(fake)
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            codes = list(
                pool.map(
                    lambda _: (
                        httpx.post(
                            fake.base_url + COMMENT_LIST_PATH,
                            params={"fields": "id"},
                            json={"video_id": dataset[0][0]["id"]},
                            headers=headers,
                        ).status_code
                    ),
                    range(6),
                )
            )
        assert codes == [200] * 6
        assert time.monotonic() - started < 1.2


# -- ad library ----------------------------------------------------------------------------------------


def test_adlib_envelope_detail_and_commercial_content(fake, client, dataset):
    headers = auth(fake)
    rng = {"min": "20221001", "max": dt.date.today().strftime("%Y%m%d")}
    r = client.post(
        AD_QUERY_PATH,
        params={"fields": "ad.id,advertiser.business_name,advertiser.paid_for_by"},
        json={"filters": {"ad_published_date_range": rng}, "max_count": 5},
        headers=headers,
    )
    body = r.json()
    assert r.status_code == 200 and body["error"]["http_status_code"] == 200
    ads = body["data"]["ads"]
    assert len(ads) == 5 and body["data"]["has_more"] is True and "paid_by" in ads[0]["advertiser"]

    r = client.post(
        AD_DETAIL_PATH, params={"fields": "ad.id,ad.external_url"}, json={"ad_id": ads[0]["ad"]["id"]}, headers=headers
    )
    assert r.json()["data"]["ad"]["external_url"].startswith("https://")
    r = client.post(AD_DETAIL_PATH, params={"fields": "ad.id"}, json={"ad_id": 1}, headers=headers)
    assert r.status_code == 400 and r.json()["error"]["http_status_code"] == 400

    r = client.post(
        COMMERCIAL_QUERY_PATH,
        params={"fields": "id,videos,creator"},
        json={"filters": {"content_published_date_range": rng}, "max_count": 50},
        headers=headers,
    )
    items = r.json()["data"]["commercial_contents"]
    ids = {v["id"] for v in dataset[0]}
    assert items
    for item in items:
        url = item["videos"][0]["url"]
        assert url.startswith(f"https://www.tiktok.com/@{item['creator']['username']}/video/")
        assert int(url.rsplit("/", 1)[1]) in ids

    fake.adlib_has_more_string = fake.adlib_dates_int = True
    r = client.post(
        AD_QUERY_PATH,
        params={"fields": "ad.id,ad.first_shown_date"},
        json={"filters": {"ad_published_date_range": rng}, "max_count": 1},
        headers=headers,
    )
    data = r.json()["data"]
    assert data["has_more"] == "true" and isinstance(data["ads"][0]["ad"]["first_shown_date"], int)


# -- worker ----------------------------------------------------------------------------------------


def test_worker_auth_paging_and_faults(dataset):
    videos, comments = dataset
    with (
        FakeWorker(videos, comments, faults={("comments", 3): "500"}) as worker,
        httpx.Client(base_url=worker.base_url, headers={"Authorization": "Bearer worker-key"}) as client,
    ):
        for headers in ({"Authorization": ""}, {"Authorization": "Bearer nope"}):
            r = client.get("/videos", headers=headers)
            assert r.status_code == 401 and r.json() == {"error": "unauthorized"}

        got, cursor = [], None
        while True:
            data = client.get("/videos", params={"limit": 10, **({"cursor": cursor} if cursor else {})}).json()
            got += data["videos"]
            cursor = data["next_cursor"]
            if cursor is None:
                break
            assert isinstance(cursor, str)
        assert [v["id"] for v in got] == [v["id"] for v in videos]
        first = got[0]
        assert set(first) >= {"id", "username", "description", "hashtags", "create_time", "promoted"}
        assert first["promoted"] == is_promoted(videos[0])
        assert f'"id":{first["id"]}' in client.get("/videos", params={"limit": 1}).text

        vid = first["id"]
        p1 = client.get(f"/videos/{vid}/comments").json()
        assert len(p1["comments"]) == 100 and p1["next_cursor"] == 100
        p2 = client.get(f"/videos/{vid}/comments", params={"cursor": 100}).json()
        assert len(p2["comments"]) == 50 and p2["next_cursor"] is None
        assert set(p2["comments"][0]) <= {
            "id",
            "video_id",
            "text",
            "create_time",
            "like_count",
            "reply_count",
            "parent_comment_id",
        }
        assert client.get(f"/videos/{vid}/comments").status_code == 500  # 3rd comments request
        assert client.get("/videos/7000000000000000001/comments").json() == {"error": "video not found"}
        assert client.get("/videos", params={"limit": 101}).status_code == 400
        assert client.get("/videos", params={"cursor": "garbage!"}).status_code == 400
        assert worker.comment_pages(vid) == 2 and worker.count("comments") == 4


# -- data generators, CLI, bundled sample ----------------------------------------------------------


def test_dataset_invariants(dataset):
    import tldextract

    videos, comments = dataset
    ex = tldextract.TLDExtract(suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None)
    for host, registrable in DOMAIN_POOL:
        r = ex(host)
        assert f"{r.domain}.{r.suffix}" == registrable
    assert sum(map(is_promoted, videos)) == 15
    defaults = {"ad", "sponsored", "paidpartnership", "tiktokmademebuyit"}
    for v in videos:
        assert v["id"] > 2**53 and defaults & set(v["hashtag_names"])
        if not is_promoted(v):
            assert "video_tag" not in v and "tiktokmademebuyit" in v["hashtag_names"]
    assert all(c["parent_comment_id"] == c["video_id"] for c in comments)
    assert any(c["text"] == "" for c in comments) and any("*@*" in c["text"] for c in comments)
    assert len(expected_domains(videos, comments)) > 10
    assert make_dataset(3, 2, seed=5, start_time=1_800_000_000) == make_dataset(3, 2, seed=5, start_time=1_800_000_000)


def test_cli_prints_ready_and_stops_on_sigterm():
    proc = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "tiktok_server.py"),
            "--port",
            "0",
            "--videos",
            "5",
            "--comments-per-video",
            "3",
            "--quota",
            "10",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("READY http://127.0.0.1:")
        r = httpx.post(line.split()[1] + TOKEN_PATH, data=CREDS)
        assert r.status_code == 200 and "access_token" in r.json()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    assert json.loads(proc.stderr.read().strip().splitlines()[-1])["requests"] == 1


def test_bundled_sample_is_in_sync_with_its_generator():
    spec = importlib.util.spec_from_file_location("sample_generate", ROOT / "examples/sample/generate.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    videos, comments, _used, _rng = gen.build()
    lines = (ROOT / "examples/sample/videos.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == videos
    expected = (ROOT / "examples/sample/expected_domains.txt").read_text(encoding="utf-8").split()
    assert expected == sorted(gen.expected(videos, comments)[0])
    good = 0
    for line in (ROOT / "examples/sample/comments.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            good += "video_id" in json.loads(line)
        except ValueError:
            pass
    assert good == len(comments)
