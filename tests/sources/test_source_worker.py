import pytest

from harvester_cli import errors
from harvester_cli.sources.worker import WORKER_REASON, WorkerSource
from tests.fakes.tiktok_server import is_promoted, make_dataset
from tests.fakes.worker_server import FakeWorker


def _source(fake, make_settings, make_deps, key="worker-key", **env):
    return WorkerSource(make_deps(make_settings(WORKER_WEBHOOK_URL=fake.base_url, WORKER_API_KEY=key, **env)))


@pytest.fixture
def worker(worker_fake, make_settings, make_deps):
    source = _source(worker_fake, make_settings, make_deps)
    yield source
    source.close()


def _queries(fake, path="/videos"):
    return [body for p, body, _s in fake.requests if p == path]


@pytest.mark.parametrize("missing", ["WORKER_WEBHOOK_URL", "WORKER_API_KEY"])
def test_missing_settings_name_the_variable(missing, make_settings, make_deps):
    env = {"WORKER_WEBHOOK_URL": "http://127.0.0.1:9", "WORKER_API_KEY": "k"}
    del env[missing]
    with pytest.raises(errors.ConfigError, match=missing):
        WorkerSource(make_deps(make_settings(**env)))


def test_wrong_key_is_permanent_and_not_retried(worker_fake, make_settings, make_deps):
    source = _source(worker_fake, make_settings, make_deps, key="nope")
    with pytest.raises(errors.PermanentSourceError, match="WORKER_API_KEY") as info:
        list(source.discover())
    assert worker_fake.count() == 1
    assert "nope" not in str(info.value)


def test_discovery_pages_through_videos(worker, worker_fake, dataset, recorder):
    videos, _ = dataset
    found = list(worker.discover())
    assert [v.id for v in found] == [v["id"] for v in videos]
    by_id = {v["id"]: v for v in videos}
    assert all(bool(v.promoted_reason) == is_promoted(by_id[v.id]) for v in found)
    queries = _queries(worker_fake)
    assert len(queries) == 3 and all(q["limit"] == "100" for q in queries)
    assert "cursor" not in queries[0] and queries[1]["cursor"]
    assert recorder.spent == 3


def test_worker_verdict_counts_as_promoted(make_settings, make_deps):
    videos = [
        {
            "id": 7386111312293610270 + i,
            "username": "u",
            "description": "just a lamp",
            "hashtags": ["lamp"],
            "create_time": 1700000000,
            "promoted": flag,
        }
        for i, flag in enumerate([True, False])
    ]
    videos.append(
        {
            "id": 7386111312293610272,
            "username": "u",
            "description": "#ad new lamp",
            "hashtags": [],
            "create_time": 1700000000,
            "promoted": False,
        }
    )
    with FakeWorker(videos, []) as fake:
        found = {v.id: v.promoted_reason for v in _source(fake, make_settings, make_deps).discover()}
    assert found == {
        7386111312293610270: WORKER_REASON,
        7386111312293610271: None,
        7386111312293610272: "disclosure #ad in description",
    }


def test_video_ids_are_kept_and_paging_stops_when_all_found(worker, worker_fake, dataset, recorder):
    videos, _ = dataset
    wanted = [videos[5]["id"], str(videos[30]["id"])]
    found = list(worker.discover(video_ids=wanted + [7386111312293610270]))
    assert sorted(v.id for v in found) == sorted([videos[5]["id"], videos[30]["id"]])
    assert worker_fake.count("/videos") == 3  # one id is unknown: all pages read
    assert recorder.noted("7386111312293610270")
    worker_fake.reset_log()
    assert [v.id for v in worker.discover(video_ids=[videos[5]["id"]])] == [videos[5]["id"]]
    assert worker_fake.count("/videos") == 1


def test_limit_caps_promoted(worker, worker_fake):
    found = list(worker.discover(limit=3))
    assert sum(1 for v in found if v.promoted_reason) == 3
    assert worker_fake.count("/videos") == 1


def test_comment_paging(worker, worker_fake, dataset):
    videos, comments = dataset
    big = videos[-1]
    page1 = worker.fetch_comments(big["id"])
    page2 = worker.fetch_comments(big["id"], page1.cursor)
    page3 = worker.fetch_comments(big["id"], page2.cursor)
    assert [(len(p.comments), p.cursor, p.has_more) for p in (page1, page2, page3)] == [
        (100, 100, True),
        (100, 200, True),
        (50, None, False),
    ]
    assert [c.id for p in (page1, page2, page3) for c in p.comments] == [
        c["id"] for c in comments if c["video_id"] == big["id"]
    ]
    queries = _queries(worker_fake, f"/videos/{big['id']}/comments")
    assert [q.get("cursor") for q in queries] == [None, "100", "200"]
    assert all(q["limit"] == "100" for q in queries)


def test_unknown_video_has_no_comments(worker):
    page = worker.fetch_comments(7386111312293610270)
    assert page.comments == [] and not page.has_more


def test_ids_stay_exact(make_settings, make_deps):
    videos, comments = make_dataset(2, 3, seed=11)
    with FakeWorker(videos, comments) as fake:
        source = _source(fake, make_settings, make_deps)
        found = list(source.discover())
        page = source.fetch_comments(found[0].id)
    assert [v.id for v in found] == [v["id"] for v in videos]
    assert all(v.id > 2**53 for v in found)
    assert [c.id for c in page.comments] == [c["id"] for c in comments if c["video_id"] == videos[0]["id"]]


@pytest.mark.parametrize("fault", ["500", "503", "truncated", "notjson", "429", "disconnect"])
def test_transient_faults_are_retried(fault, worker, worker_fake, dataset, recorder):
    worker_fake.fail_next(fault)
    page = worker.fetch_comments(dataset[0][0]["id"])
    assert len(page.comments) == 3
    assert worker_fake.count() == 2 and recorder.spent == 2
    assert recorder.noted("retrying")


def test_empty_video_page_with_a_cursor_continues(worker, worker_fake, dataset):
    worker_fake.schedule_fault(2, "empty_page")
    assert len(list(worker.discover())) == len(dataset[0])


def test_budget_spent_stops_before_sending(worker, worker_fake, recorder):
    recorder.budget = 1
    with pytest.raises(errors.QuotaExhausted):
        list(worker.discover())
    assert worker_fake.count() == 1
