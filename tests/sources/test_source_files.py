import json

import pytest

from harvester_cli import errors
from harvester_cli.sources.files import FilesSource

BIG = 7386111312293610270


def _write(path, lines):
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines), encoding="utf-8"
    )


def _video(vid, **extra):
    base = {"id": vid, "username": "maya", "description": "lamp review", "hashtags": ["fyp"], "create_time": 1700000000}
    base.update(extra)
    return base


def _comment(cid, vid, text="nice", **extra):
    return {"id": cid, "video_id": vid, "text": text, "create_time": 1700000100, **extra}


@pytest.fixture
def files_dir(tmp_path):
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


@pytest.fixture
def open_files(files_dir, make_settings, make_deps):
    def build():
        return FilesSource(make_deps(make_settings(HARVESTER_FILES_DIR=str(files_dir))))

    return build


def test_unset_dir_is_a_config_error(make_settings, make_deps):
    with pytest.raises(errors.ConfigError, match="HARVESTER_FILES_DIR is not set"):
        FilesSource(make_deps(make_settings()))


def test_missing_or_not_a_directory(tmp_path, make_settings, make_deps):
    missing = tmp_path / "nowhere"
    with pytest.raises(errors.ConfigError, match="does not exist") as info:
        FilesSource(make_deps(make_settings(HARVESTER_FILES_DIR=str(missing))))
    assert str(missing) in str(info.value)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(errors.ConfigError, match="is not a directory"):
        FilesSource(make_deps(make_settings(HARVESTER_FILES_DIR=str(a_file))))


def test_directory_without_videos_jsonl(files_dir, open_files):
    with pytest.raises(errors.ConfigError, match="videos.jsonl") as info:
        open_files()
    assert str(files_dir) in str(info.value)


def test_videos_are_streamed_with_promoted_rule(files_dir, open_files, recorder):
    _write(
        files_dir / "videos.jsonl",
        [
            _video(BIG, hashtags=["ad", "fyp"]),
            _video(str(BIG + 1)),
            _video(BIG + 2, video_tag={"type": "Branded", "number": 7}, region_code="DE"),
            _video(BIG + 3, description="honest review #Werbung"),
        ],
    )
    found = list(open_files().discover())
    assert [v.id for v in found] == [BIG, BIG + 1, BIG + 2, BIG + 3]
    assert [v.promoted_reason for v in found] == [
        "hashtag #ad",
        None,
        "video_tag 7: creator earns commission",
        "disclosure #werbung in description",
    ]
    assert found[2].region_code == "DE" and found[0].username == "maya"
    assert recorder.spent == 0 and recorder.notes == []


def test_malformed_lines_are_reported_and_skipped(files_dir, open_files, recorder):
    path = files_dir / "videos.jsonl"
    _write(
        path,
        [
            _video(BIG),
            "{not json",
            {"username": "no id"},
            _video(1.5),
            _video("abc"),
            _video(True),
            _video(BIG + 1, hashtags="ad"),
            "",
            "[1, 2]",
            _video(BIG + 2, create_time="yesterday"),
            _video(BIG + 3),
        ],
    )
    found = list(open_files().discover())
    assert [v.id for v in found] == [BIG, BIG + 3]
    reported = sorted(int(n.split(":")[1]) for n in recorder.notes)
    assert reported == [2, 3, 4, 5, 6, 7, 9, 10]
    assert all(n.startswith(f"{path}:") for n in recorder.notes)
    assert any("missing id" in n for n in recorder.notes)
    assert any("not valid JSON" in n for n in recorder.notes)


def test_too_many_bad_lines_are_summarised(files_dir, open_files, recorder):
    _write(files_dir / "videos.jsonl", ["garbage"] * 50 + [_video(BIG)])
    source = open_files()
    source.max_notes = 5
    assert [v.id for v in source.discover()] == [BIG]
    assert len(recorder.notes) == 6 and "45 more" in recorder.notes[-1]


def test_video_ids_and_limit(files_dir, open_files):
    _write(files_dir / "videos.jsonl", [_video(BIG + i, hashtags=["ad"] if i % 2 else []) for i in range(10)])
    source = open_files()
    assert [v.id for v in source.discover(video_ids=[BIG + 3, str(BIG + 4)])] == [BIG + 3, BIG + 4]
    limited = list(source.discover(limit=2))
    assert [v.id for v in limited] == [BIG + i for i in range(4)]
    assert sum(1 for v in limited if v.promoted_reason) == 2


def test_comments_in_file_order_pages_of_100(files_dir, open_files, recorder):
    _write(files_dir / "videos.jsonl", [_video(BIG), _video(BIG + 1)])
    lines = []
    for i in range(250):
        lines.append(_comment(BIG + 1000 + i, BIG, text=f"c{i}"))
        if i % 10 == 0:
            lines.append(_comment(BIG + 5000 + i, str(BIG + 1), text=""))
    _write(files_dir / "comments.jsonl", lines)
    source = open_files()
    page1 = source.fetch_comments(BIG)
    page2 = source.fetch_comments(BIG, page1.cursor)
    page3 = source.fetch_comments(BIG, page2.cursor)
    assert [(len(p.comments), p.cursor, p.has_more) for p in (page1, page2, page3)] == [
        (100, 100, True),
        (100, 200, True),
        (50, None, False),
    ]
    texts = [c.text for p in (page1, page2, page3) for c in p.comments]
    assert texts == [f"c{i}" for i in range(250)]
    assert page1.comments[0].id == BIG + 1000 and page1.comments[0].video_id == BIG
    other = source.fetch_comments(BIG + 1)
    assert len(other.comments) == 25 and not other.has_more and other.comments[0].text == ""
    assert source.fetch_comments(BIG + 99).comments == []
    assert recorder.notes == []


def test_malformed_comment_lines_are_reported_once(files_dir, open_files, recorder):
    _write(files_dir / "videos.jsonl", [_video(BIG)])
    path = files_dir / "comments.jsonl"
    _write(
        path,
        [
            _comment(BIG + 1, BIG, like_count=3, reply_count=1, parent_comment_id=BIG),
            {"id": BIG + 2, "text": "no video"},
            _comment(BIG + 3, BIG, text=5),
            "\x00\x01",
            _comment(BIG + 4, BIG, like_count="many"),
            _comment(str(BIG + 5), str(BIG)),
        ],
    )
    source = open_files()
    page = source.fetch_comments(BIG)
    source.fetch_comments(BIG)
    assert [c.id for c in page.comments] == [BIG + 1, BIG + 5]
    assert page.comments[0].like_count == 3 and page.comments[0].parent_comment_id == BIG
    assert sorted(int(n.split(":")[1]) for n in recorder.notes) == [2, 3, 4, 5]
    assert all(n.startswith(f"{path}:") for n in recorder.notes)


def test_missing_comments_file_is_refused_not_read_as_no_comments(files_dir, open_files, recorder):
    # issue 11: a dataset still being copied must not finish every video with 0 comments
    _write(files_dir / "videos.jsonl", [_video(BIG)])
    with pytest.raises(errors.ConfigError, match="comments.jsonl not found"):
        open_files().fetch_comments(BIG)
    (files_dir / "comments.jsonl").write_text("", encoding="utf-8")  # a dataset without comments
    page = open_files().fetch_comments(BIG)
    assert page.comments == [] and not page.has_more


def test_utf8_bom_and_crlf_are_tolerated(files_dir, open_files, recorder):
    (files_dir / "videos.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps(_video(BIG)).encode() + b"\r\n")
    (files_dir / "comments.jsonl").write_bytes(
        b"\xef\xbb\xbf" + json.dumps(_comment(BIG + 1, BIG, text="got it on shein.com \U0001f60d")).encode() + b"\r\n"
    )
    source = open_files()
    assert [v.id for v in source.discover()] == [BIG]
    assert source.fetch_comments(BIG).comments[0].text.endswith("\U0001f60d")
    assert recorder.notes == []
