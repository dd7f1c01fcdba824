"""The files-source pipeline on the bundled sample, the `domains` report, and `scan`."""

import csv
import io
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"


@pytest.fixture
def sample_env():
    return {"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(SAMPLE)}


@pytest.fixture
def harvested(cli, sample_env):
    result = cli("--json", "run", env=sample_env)
    assert result.exit_code == 0, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert [r["job_type"] for r in runs] == ["discovery", "harvesting", "extraction"]
    assert all(r["status"] == "succeeded" for r in runs)
    return runs


def test_sample_pipeline_finds_exactly_the_expected_domains(cli, harvested):
    expected = set(SAMPLE.joinpath("expected_domains.txt").read_text().split())
    found = {d["domain"] for d in json.loads(cli("domains", "--format", "json").stdout)}
    assert found == expected


def test_rerunning_the_pipeline_changes_nothing(cli, harvested, sample_env):
    before = json.loads(cli("domains", "--format", "json").stdout)
    cli("run", env=sample_env)
    cli("discover", "--force-refresh", env=sample_env)
    cli("harvest", env=sample_env)
    cli("extract", env=sample_env)
    assert json.loads(cli("domains", "--format", "json").stdout) == before


def test_domains_formats_and_filters(cli, harvested, store):
    items = json.loads(cli("domains", "--format", "json").stdout)
    for key in ("domain", "mentions", "videos", "first_seen", "last_seen"):
        assert key in items[0]
    assert items == sorted(items, key=lambda d: (-d["mentions"], -d["videos"], d["domain"]))
    assert json.loads(cli("--json", "domains").stdout) == items
    top = json.loads(cli("domains", "--top", "3", "--format", "json").stdout)
    assert top == items[:3]
    rows = list(csv.DictReader(io.StringIO(cli("domains", "--format", "csv").stdout)))
    assert [r["domain"] for r in rows] == [i["domain"] for i in items]
    table = cli("domains", "--top", "5").stdout
    assert items[0]["domain"] in table and "sample comment" in table
    # --since: every mention in the sample is older than an hour... relative to the comments' times
    assert json.loads(cli("domains", "--since", "1m", "--format", "json").stdout) == []
    from sqlalchemy import select

    from harvester_cli.store.tables import domain_mentions

    with store.read() as conn:
        video, domain = conn.execute(select(domain_mentions.c.video_id, domain_mentions.c.domain)).first()
    per_video = json.loads(cli("domains", "--video", str(video), "--format", "json").stdout)
    assert domain in {d["domain"] for d in per_video} and all(d["videos"] == 1 for d in per_video)


@pytest.mark.parametrize("args", [("--format", "xml"), ("--since", "yesterday"), ("--video", "abc"), ("--top", "0")])
def test_domains_bad_arguments_exit_2(cli, args):
    result = cli("domains", *args)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_scan_plain_lines(cli):
    result = cli("scan", input="buy at SHEIN.com!\nnothing here\nmail me@gmail.com or see shop[.]example.co.uk\n")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["shein.com", "", "example.co.uk"]


def test_scan_jsonl_keeps_ids_and_reports_bad_lines(cli):
    lines = [
        json.dumps({"id": 7386111312293610270, "text": "www.temu.com 🔥"}),
        "not json",
        json.dumps({"id": "b", "text": "bit.ly/x and amzn.to/y"}),
        json.dumps({"id": "c"}),
    ]
    result = cli("scan", "--jsonl", input="\n".join(lines) + "\n")
    assert result.exit_code == 2
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [{"id": 7386111312293610270, "domains": ["temu.com"]}, {"id": "b", "domains": ["amzn.to", "bit.ly"]}]
    assert "stdin line 2" in result.stderr and "stdin line 4" in result.stderr


def test_discover_records_why_a_video_is_promoted(cli, harvested, store):
    from sqlalchemy import select

    from harvester_cli.store.tables import videos

    with store.read() as conn:
        reasons = conn.execute(select(videos.c.promoted_reason)).scalars().all()
    assert reasons and all(reasons)
    assert any(r.startswith("video_tag") for r in reasons) and any("#" in r for r in reasons)
