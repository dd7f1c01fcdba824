"""Issue 11, part 6: the files source refuses a half-written dataset, and part 3 for its lines.

Real `harvester` processes on SQLite and PostgreSQL: comments.jsonl missing (videos.jsonl
copied first) or still growing while it is read is a one-line error with exit 2 that leaves
the harvest queue as it was, never "every video done with 0 comments"; with
HARVESTER_FILES_COMPLETE_MARKER the dataset is read only once its marker is there. A line
nested too deeply or holding a lone surrogate is one bad line, not the end of the import.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time

import pytest
from sqlalchemy import text

from tests.conftest import harvester_cmd

N_VIDEOS = 4
PER_VIDEO = 150  # two pages


def _video(i: int) -> dict:
    return {
        "id": 7_300_000_000_000_000_000 + i,
        "username": f"shop{i}",
        "description": f"lamp #ad {i}",
        "hashtags": ["ad"],
        "create_time": 1_700_000_000 + i,
    }


def _comment(vid: int, j: int, text: str | None = None) -> dict:
    return {
        "id": vid * 1000 % (2**62) + j + 1,
        "video_id": vid,
        "create_time": 1_700_000_100,
        "text": text if text is not None else f"comment {j} on shop{vid % 100}.com",
    }


def _lines(records) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def dataset(tmp_path):
    directory = tmp_path / "incoming"
    directory.mkdir()
    videos = [_video(i) for i in range(N_VIDEOS)]
    comments = [_comment(v["id"], j) for v in videos for j in range(PER_VIDEO)]
    return directory, videos, comments


@pytest.fixture
def h(run_proc, dataset):
    directory = dataset[0]

    def run(*args, env=None, timeout=120):
        return run_proc(
            *args,
            env={"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(directory), **(env or {})},
            timeout=timeout,
        )

    return run


def _rows(db_url: str, sql: str) -> list[tuple]:
    from harvester_cli.store.base import Store

    store = Store.open(db_url)
    try:
        with store.read() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    finally:
        store.dispose()


def _states(db_url) -> dict[str, int]:
    return dict(_rows(db_url, "SELECT harvest_state, count(*) FROM videos GROUP BY harvest_state"))


def _one_error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_missing_comments_file_is_refused_and_the_queue_kept(db_url, h, dataset):
    directory, videos, comments = dataset
    (directory / "videos.jsonl").write_text(_lines(videos))  # the copy has done videos.jsonl only

    assert h("discover").returncode == 0
    refused = h("harvest")
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    line = _one_error_line(refused)
    assert "comments.jsonl not found" in line and "incomplete" in line
    assert _states(db_url) == {"queued": N_VIDEOS}  # nothing done with 0 comments, nothing claimed
    assert _rows(db_url, "SELECT max(harvest_attempts) FROM videos") == [(0,)]

    (directory / "comments.jsonl").write_text(_lines(comments))  # the copy ends
    done = h("harvest")
    assert done.returncode == 0, done.stderr
    assert _states(db_url) == {"done": N_VIDEOS}
    assert _rows(db_url, "SELECT count(*) FROM comments") == [(N_VIDEOS * PER_VIDEO,)]


def test_a_comments_file_still_growing_is_refused(db_url, h, proc_env, dataset):
    directory, videos, comments = dataset
    (directory / "videos.jsonl").write_text(_lines(videos))
    assert h("discover").returncode == 0
    path = directory / "comments.jsonl"
    # a large first part, then the copy goes on appending while harvest reads
    filler = [_comment(7_100_000_000_000_000_000 + k, 0) for k in range(40_000)]
    path.write_text(_lines(filler) + _lines(comments[: len(comments) // 2]))
    stop = threading.Event()

    def copy_goes_on():
        rest = comments[len(comments) // 2 :]
        with path.open("a") as fh:
            while not stop.is_set():
                for record in rest[:5]:
                    fh.write(json.dumps(record) + "\n")
                fh.flush()
                time.sleep(0.002)

    writer = threading.Thread(target=copy_goes_on, daemon=True)
    writer.start()
    try:
        env = dict(proc_env, HARVESTER_SOURCE="files", HARVESTER_FILES_DIR=str(directory))
        refused = subprocess.run(harvester_cmd() + ["harvest"], env=env, capture_output=True, text=True, timeout=120)
    finally:
        stop.set()
        writer.join()
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    line = _one_error_line(refused)
    assert "comments.jsonl changed while it was read" in line and "still being written" in line
    assert _states(db_url) == {"queued": N_VIDEOS}
    assert _rows(db_url, "SELECT count(*) FROM comments") == [(0,)]


def test_the_complete_marker_gates_the_dataset(db_url, h, dataset):
    directory, videos, comments = dataset
    (directory / "videos.jsonl").write_text(_lines(videos))
    (directory / "comments.jsonl").write_text(_lines(comments))
    marker = {"HARVESTER_FILES_COMPLETE_MARKER": "_SUCCESS"}

    for command in ("discover", "harvest"):
        refused = h(command, env=marker)
        assert refused.returncode == 2
        assert "_SUCCESS not found" in _one_error_line(refused)
    assert _rows(db_url, "SELECT count(*) FROM videos") == [(0,)]

    (directory / "_SUCCESS").write_text("")
    old = time.time() - 60
    os.utime(directory / "_SUCCESS", (old, old))  # a marker from the previous copy
    stale = h("discover", env=marker)
    assert stale.returncode == 2 and "newer than" in _one_error_line(stale)

    (directory / "_SUCCESS").touch()
    assert h("discover", env=marker).returncode == 0
    assert h("harvest", env=marker).returncode == 0
    assert _states(db_url) == {"done": N_VIDEOS}


def test_hostile_lines_are_skipped_and_the_import_goes_on(db_url, h, dataset):
    directory, videos, comments = dataset
    nested = "[" * 100_000 + "]" * 100_000
    (directory / "videos.jsonl").write_text(
        _lines(videos[:2]) + '{"id": 1, "hashtags": ' + nested + "}\n" + _lines(videos[2:])
    )
    vid = videos[0]["id"]
    (directory / "comments.jsonl").write_text(
        _lines(comments[:10])
        + nested
        + "\n"
        + json.dumps(_comment(vid, 999, "a lone \ud800 surrogate on shein.com"), ensure_ascii=True)
        + "\n"
        + _lines(comments[10:])
    )

    found = h("--json", "discover")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["promoted"] == N_VIDEOS
    run = h("--json", "harvest")
    assert run.returncode == 0, run.stderr
    assert _states(db_url) == {"done": N_VIDEOS}
    assert _rows(db_url, "SELECT count(*) FROM comments") == [(N_VIDEOS * PER_VIDEO + 1,)]
    stored = _rows(db_url, f"SELECT text FROM comments WHERE id = {_comment(vid, 999)['id']}")
    assert stored == [("a lone \ufffd surrogate on shein.com",)]
    notes = " ".join(m for (m,) in _rows(db_url, "SELECT message FROM system_logs WHERE event = 'source.note'"))
    assert "nested deeper" in notes and "videos.jsonl:3" in notes and "comments.jsonl:11" in notes
