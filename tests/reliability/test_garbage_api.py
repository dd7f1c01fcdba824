"""The API answering garbage: HTML, truncated JSON, wrong types, missing fields, huge pages,
unicode, 19-digit ids. No crash; clear errors; what cannot be read goes to the dead-letter
queue and replays once the API is healthy; what can be read is stored exactly."""

from __future__ import annotations

import json

import pytest

from tests.fakes.tiktok_server import COMMENT_LIST_PATH, FakeTikTok, Reply, dumps
from tests.reliability.conftest import api_env, dataset, query, scalar, seed_videos

INT64_MAX = 2**63 - 1


class GarbageTikTok(FakeTikTok):
    """Comment-list answers replaced per video: `raw[vid]` is a whole Reply (any body),
    `data[vid]` the `data` object inside a normal envelope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.raw: dict[int, Reply] = {}
        self.data: dict[int, object] = {}
        self.extra_videos: list = []

    def _handle(self, req):
        if req.path == COMMENT_LIST_PATH:
            try:
                vid = int(json.loads(req.raw or b"{}").get("video_id"))
            except (ValueError, TypeError, AttributeError):
                vid = None
            if vid in self.raw:
                with self.lock:
                    self.requests.append((req.path, {"video_id": vid}, self.raw[vid].status))
                return self.raw[vid]
        return super()._handle(req)

    def _video_query(self, req, body):
        data = super()._video_query(req, body)
        if not body.get("search_id"):  # the first page of a search
            data["videos"] = data["videos"] + self.extra_videos
        return data

    def _comment_list(self, req, body):
        vid = body.get("video_id")
        if vid in self.data:
            return self.data[vid]
        return super()._comment_list(req, body)


def _ok(data) -> Reply:
    return Reply(200, dumps({"data": data, "error": {"code": "ok", "message": "", "log_id": "1"}}))


HTML = b"<!DOCTYPE html><html><body><h1>Service Unavailable</h1>\x1b[31m</body></html>"

# Answers no page can be read from: retried, then dead-lettered with a clear reason.
UNREADABLE = {
    "html_200": (Reply(200, HTML, "text/html"), "not JSON"),
    "html_502": (Reply(502, HTML, "text/html"), "HTTP 502"),
    "truncated": (Reply(200, dumps({"data": {"comments": [{"id": 1, "text": "cut"}]}})[:25]), "cut off"),
    "json_list": (Reply(200, b"[1, 2, 3]"), "without a data object"),
    "data_is_list": (_ok([{"id": 1}]), "without a data object"),
    "data_missing": (Reply(200, dumps({"error": {"code": "ok"}})), "without a data object"),
    "empty_body": (Reply(200, b""), "not JSON"),
    "binary": (Reply(200, b"\xff\xfe\x00garbage\x80"), "not JSON"),
}

UNICODE = [
    "emoji 🤡🔥 and flags 🇩🇪 shop at glowlab.myshopify.com",
    "RTL \u202egnp.live\u202c and zero\u200bwidth",
    "combining e\u0301\u0301\u0301 and CJK 漢字 visit 例え.jp",
    "a NUL \x00 byte in the middle",
    "a lone surrogate \ud83d here",
    "control \x1b[2J\x07 chars",
]


def _comment(cid, vid, text, **extra):
    return {"id": cid, "video_id": vid, "text": text, "create_time": 1_700_000_000, **extra}


@pytest.mark.slow
def test_garbage_answers_never_crash_a_harvest_and_dead_letter_items_replay_when_healthy(store, procs, fake_api):
    data = dataset(len(UNREADABLE) + 6, 150, seed=51)
    fake = fake_api(data, cls=GarbageTikTok)
    ids = seed_videos(store, data.promoted)
    env = api_env(fake, HARVESTER_FETCH_CONCURRENCY=4)
    unreadable = dict(zip(ids, UNREADABLE.items(), strict=False))  # the rest of ids are readable
    for vid, (_, (reply, _)) in unreadable.items():
        fake.raw[vid] = reply
    weird_types, unicode_vid, huge_vid, wrong_page, ok_vid, big_ids_vid = ids[len(UNREADABLE) :]

    base = 7_300_000_000_000_000_000  # 19 digits
    fake.data[weird_types] = {
        "has_more": False,
        "cursor": 5,
        "comments": [
            _comment(base + 1, weird_types, 12345),  # text a number
            _comment(str(base + 2), str(weird_types), None),  # ids as digit strings, no text
            _comment(
                base + 3,
                weird_types,
                {"nested": "[b]x[/b]"},
                like_count="many",
                reply_count=-1,
                create_time="yesterday",
                parent_comment_id=[],
            ),  # every field the wrong type
            {"id": base + 4},  # only an id
            {"id": "not-a-number", "text": "dropped: no usable id"},
            {"id": 7.3e18, "text": "dropped: a float id has lost digits"},
            {"id": True, "text": "dropped: a bool is no id"},
            "a string instead of an object",
            None,
            42,
            [],
        ],
    }
    # ASCII-escaped JSON, the only way to send a lone surrogate ("\ud83d")
    fake.raw[unicode_vid] = Reply(
        200,
        json.dumps(
            {
                "data": {
                    "has_more": False,
                    "cursor": 6,
                    "comments": [_comment(base + 10 + i, unicode_vid, text) for i, text in enumerate(UNICODE)],
                },
                "error": {"code": "ok", "message": "", "log_id": "1"},
            },
            ensure_ascii=True,
        ).encode(),
    )
    fake.data[huge_vid] = {
        "has_more": False,
        "cursor": 5000,
        "comments": [_comment(base + 100 + i, huge_vid, f"comment {i} " + "x" * 200) for i in range(5000)]
        + [_comment(base + 99, huge_vid, "y" * 1_000_000)],
    }
    fake.data[wrong_page] = {"comments": "lots", "cursor": "next please", "has_more": "yes"}
    fake.data[big_ids_vid] = {
        "has_more": False,
        "cursor": 4,
        "comments": [
            _comment(INT64_MAX, big_ids_vid, "the largest 64-bit id"),
            _comment(9_999_999_999_999_999_999, big_ids_vid, "19 digits, beyond 64 bits"),
            _comment(10**25, big_ids_vid, "far beyond 64 bits"),
            _comment(-5, big_ids_vid, "negative id"),
        ],
    }

    result = procs.run("--json", "harvest", env=env)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.stdout, result.stderr)  # some items dead-lettered
    run = json.loads(result.stdout)
    assert run["status"] == "succeeded"
    assert run["items_failed"] == len(UNREADABLE) and run["items_ok"] == len(ids) - len(UNREADABLE)

    # every unreadable answer is a pending dead-letter item with a clear reason
    items = {int(i["item_key"]): i for i in json.loads(procs.run("--json", "dlq", "list").stdout)}
    assert set(items) == set(unreadable)
    for vid, (kind, (_, reason)) in unreadable.items():
        item = items[vid]
        assert item["status"] == "pending" and reason in item["error"], (kind, item)
        assert "\x1b" not in item["error"] and "\x00" not in item["error"]
        assert scalar(store, "SELECT harvest_state FROM videos WHERE id = :v", v=vid) == "failed"
        tries = [b for p, b, _ in fake.requests if p == COMMENT_LIST_PATH and b == {"video_id": vid}]
        assert len(tries) == 3, kind  # retried (HARVESTER_RETRY_ATTEMPTS) before giving up

    def texts(vid):
        return {int(i): t for i, t in query(store, "SELECT id, text FROM comments WHERE video_id = :v", v=vid)}

    assert texts(weird_types) == {base + 1: "12345", base + 2: "", base + 3: "{'nested': '[b]x[/b]'}", base + 4: ""}
    row = query(
        store, "SELECT like_count, reply_count, created_at, parent_comment_id FROM comments WHERE id = :i", i=base + 3
    )[0]
    assert row[0] is None and row[2] is None and row[3] is None
    stored_unicode = texts(unicode_vid)
    assert len(stored_unicode) == len(UNICODE)
    for i, text in enumerate(UNICODE):
        # as received, except what no store can keep (NUL, a lone surrogate): U+FFFD instead
        expected = text.replace("\x00", "\ufffd").replace("\ud83d", "\ufffd")
        assert stored_unicode[base + 10 + i] == expected
    assert len(texts(huge_vid)) == 5001 and max(map(len, texts(huge_vid).values())) == 1_000_000
    assert texts(wrong_page) == {}
    assert texts(big_ids_vid) == {INT64_MAX: "the largest 64-bit id"}
    assert len(texts(ok_vid)) == 150
    # real 19-digit ids of the dataset round-trip exactly (never through a float)
    assert set(texts(ok_vid)) == {int(c["id"]) for c in data.comments_of(ok_vid)}
    notes = " ".join(m for (m,) in query(store, "SELECT message FROM system_logs WHERE event = 'source.note'"))
    assert "without a usable id" in notes

    # what was stored can be extracted and reported
    extracted = procs.run("--json", "extract")
    assert extracted.returncode == 0, extracted.stderr
    report = {r["domain"] for r in json.loads(procs.run("domains", "--format", "json").stdout)}
    assert "glowlab.myshopify.com" in report

    # the API heals: a replay resolves every item and stores their comments
    for vid in unreadable:
        del fake.raw[vid]
    replay = procs.run("--json", "dlq", "retry", "--all", env=env)
    assert replay.returncode == 0, replay.stderr
    assert [r["status"] for r in json.loads(replay.stdout)] == ["succeeded"]
    assert json.loads(procs.run("--json", "dlq", "list", "--status", "pending").stdout) == []
    resolved = json.loads(procs.run("--json", "dlq", "list", "--status", "resolved").stdout)
    assert {int(i["item_key"]) for i in resolved} == set(unreadable)
    for vid in unreadable:
        assert set(texts(vid)) == {int(c["id"]) for c in data.comments_of(vid)}
        assert scalar(store, "SELECT harvest_state FROM videos WHERE id = :v", v=vid) == "done"


def test_garbage_videos_never_crash_discovery(store, procs, fake_api):
    data = dataset(6, 0, seed=52)
    fake = fake_api(data, cls=GarbageTikTok)
    base = 7_300_000_000_000_000_000
    fake.extra_videos = [
        {
            "id": str(base + 1),
            "video_description": "digit-string id #ad",
            "hashtag_names": ["ad"],
            "create_time": "1700000000",
            "region_code": "DE",
            "username": "strings",
        },
        {"id": 9_999_999_999_999_999_999, "video_description": "beyond 64 bits #ad"},
        {
            "id": base + 3,
            "video_description": 12345,
            "hashtag_names": "ad,sponsored",
            "username": ["x"],
            "video_tag": {"type": "Branded", "number": 1},
            "region_code": "NOT-A-REGION-CODE",
            "create_time": 10**30,
        },
        {"video_id": base + 4, "video_description": "the other id key #ad"},
        {
            "id": base + 5,
            "video_description": "#ad with a NUL \x00 and \x1b]0;title\x07 escapes",
            "hashtag_names": ["ad", 5, None, {"x": 1}, "ad\x00"],
        },
        {"id": base + 6, "video_description": "[bold]#ad[/bold] '; DROP TABLE videos; --", "username": "o'brien"},
        {"id": base + 7, "video_tag": "Branded", "hashtag_names": None, "video_description": None},
        None,
        "a string",
        42,
        [],
        {"no": "id"},
    ]
    fake.fail_next("notjson", "video/query")  # an HTML page, then a truncated one: retried
    fake.fail_next("truncated", "video/query")
    env = api_env(fake)

    result = procs.run("--json", "discover", env=env)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["status"] == "succeeded"
    stored = {
        int(i): (d, u, r) for i, d, u, r in query(store, "SELECT id, description, username, region_code FROM videos")
    }
    assert {int(v["id"]) for v in data.promoted} <= set(stored)
    assert {base + 1, base + 3, base + 4, base + 5, base + 6} <= set(stored)
    assert 9_999_999_999_999_999_999 not in stored and base + 7 not in stored  # no id / not promoted
    assert stored[base + 1][1] == "strings"
    assert stored[base + 5][0] == "#ad with a NUL \ufffd and \x1b]0;title\x07 escapes"
    assert stored[base + 6] == ("[bold]#ad[/bold] '; DROP TABLE videos; --", "o'brien", None)
    notes = " ".join(m for (m,) in query(store, "SELECT message FROM system_logs WHERE event = 'source.note'"))
    assert "without a usable id" in notes and "not JSON" in notes

    # an API that answers nothing but HTML: the run fails with one clear line, nothing crashes
    fake.faults["video/query"] = "notjson"
    failed = procs.run("discover", "--force-refresh", env=env)  # every day was scanned: scan again
    assert failed.returncode == 1, failed.stderr
    lines = [line for line in failed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "not JSON" in lines[0] and "Traceback" not in failed.stderr, failed.stderr
    assert scalar(store, "SELECT status FROM job_status WHERE job_type = 'discovery' ORDER BY id DESC") == "failed"
