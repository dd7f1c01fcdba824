"""Issue 15: `domains --video ID` reports that video's mentions only (counts, first and last
seen, sample comment), also when another video mentions the same domain."""

import datetime as dt
import json

import pytest

T0 = 1795000000  # a Unix time; the comments below are hours apart from it
VIDEO_A, VIDEO_B = 7710000000000000001, 7710000000000000002


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(T0 + seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def two_videos(cli, tmp_path):
    data = tmp_path / "files"
    data.mkdir()
    videos = [
        {"id": v, "username": "u", "description": "new in #ad", "hashtags": ["ad"], "create_time": T0}
        for v in (VIDEO_A, VIDEO_B)
    ]
    comments = [  # (id, video, hours after T0, text): video B's are both older and newer than A's
        (7720000000000000001, VIDEO_B, 1, "first on shared.com via video b"),
        (7720000000000000002, VIDEO_A, 3, "video a says shared.com"),
        (7720000000000000003, VIDEO_A, 5, "video a again: shared.com"),
        (7720000000000000004, VIDEO_B, 9, "video b later: shared.com and only-b.com"),
        (7720000000000000005, VIDEO_B, 10, "video b: shared.com once more"),
    ]
    (data / "videos.jsonl").write_text("".join(json.dumps(v) + "\n" for v in videos))
    (data / "comments.jsonl").write_text(
        "".join(
            json.dumps({"id": cid, "video_id": vid, "text": text, "create_time": T0 + hours * 3600}) + "\n"
            for cid, vid, hours, text in comments
        )
    )
    env = {"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(data)}
    result = cli("run", env=env)
    assert result.exit_code == 0, result.stderr


def test_video_report_uses_that_videos_mentions_only(cli, two_videos):
    overall = {d["domain"]: d for d in json.loads(cli("domains", "--format", "json").stdout)}
    assert overall["shared.com"] == {
        "domain": "shared.com",
        "mentions": 5,
        "videos": 2,
        "first_seen": _iso(3600),
        "last_seen": _iso(10 * 3600),
        "category": None,
    }
    per_video = json.loads(cli("domains", "--video", str(VIDEO_A), "--format", "json").stdout)
    assert per_video == [
        {
            "domain": "shared.com",
            "mentions": 2,
            "videos": 1,
            "first_seen": _iso(3 * 3600),
            "last_seen": _iso(5 * 3600),
            "category": None,
        }
    ]
    per_b = {d["domain"]: d for d in json.loads(cli("--json", "domains", "--video", str(VIDEO_B)).stdout)}
    assert set(per_b) == {"shared.com", "only-b.com"}
    assert (per_b["shared.com"]["mentions"], per_b["shared.com"]["first_seen"], per_b["shared.com"]["last_seen"]) == (
        3,
        _iso(3600),
        _iso(10 * 3600),
    )


def test_video_report_with_since_counts_the_window_and_keeps_the_videos_own_dates(cli, two_videos):
    # --since is relative to now and the comments are from late 2026: a window of ten years holds them all
    items = json.loads(cli("domains", "--video", str(VIDEO_A), "--since", "520w", "--format", "json").stdout)
    assert [(i["domain"], i["mentions"], i["first_seen"], i["last_seen"]) for i in items] == [
        ("shared.com", 2, _iso(3 * 3600), _iso(5 * 3600))
    ]


def test_video_table_and_csv_show_that_videos_sample_and_dates(cli, two_videos):
    table = cli("domains", "--video", str(VIDEO_A)).stdout
    assert "video a again: shared.com" in table
    assert "video b" not in table and "only-b.com" not in table
    assert f"of video {VIDEO_A}" in table
    assert _iso(3 * 3600) in table and _iso(10 * 3600) not in table and _iso(3600) not in table
    csv_text = cli("domains", "--video", str(VIDEO_A), "--format", "csv").stdout
    assert csv_text.splitlines()[1] == f"shared.com,2,1,{_iso(3 * 3600)},{_iso(5 * 3600)},"  # no category


def test_unknown_video_gives_an_empty_report(cli, two_videos):
    assert json.loads(cli("domains", "--video", "42", "--format", "json").stdout) == []
