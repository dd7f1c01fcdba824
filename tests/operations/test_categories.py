"""Issue 13, domain categories: the bundled file (every entry checked against the bundled Public
Suffix List), `domains` showing the category and `--category` on `domains` and `links`."""

import json
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from harvester_cli.extraction import is_registrable_domain, registrable_domain
from harvester_cli.extraction.categories import CATEGORIES, category_of, load, parse
from harvester_cli.extraction.psl import default_list, icann_list

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample"


def entries():
    text = resources.files("harvester_cli").joinpath("data", "categories.csv").read_text(encoding="utf-8")
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#") and line != "domain,category":
            name, category = line.split(",")
            out.append((number, name, category))
    return out


def test_every_entry_is_a_registrable_domain_or_a_private_suffix_under_the_bundled_psl():
    psl, icann = default_list(), icann_list()
    bad = []
    for number, name, category in entries():
        assert category in CATEGORIES, (number, name, category)
        if name.startswith("*."):
            suffix = name[2:]
            # a suffix of the private section: its registrable domains are the hosted sites
            if not (psl.is_suffix(suffix) and not icann.is_suffix(suffix)):
                bad.append((number, name))
        elif not is_registrable_domain(name) or registrable_domain(name) != name:
            bad.append((number, name))
    assert bad == []


def test_a_few_hundred_entries_in_every_category_and_each_listed_once():
    rows = entries()
    assert len(rows) >= 300
    names = Counter(name for _, name, _ in rows)
    assert [n for n, k in names.items() if k > 1] == []
    per_category = Counter(category for _, _, category in rows)
    assert set(per_category) == set(CATEGORIES)
    assert all(per_category[c] >= 5 for c in CATEGORIES)
    table = load()
    assert len(table.exact) + len(table.suffixes) == len(rows)


@pytest.mark.parametrize(
    "domain,category",
    [
        ("linktr.ee", "link_in_bio"),
        ("amzn.to", "shortener"),
        ("bit.ly", "shortener"),
        ("amazon.com", "marketplace"),
        ("glowlab.myshopify.com", "store_platform"),
        ("cozyknits.myshopify.com", "store_platform"),
        ("myshopify.com", "store_platform"),
        ("mercadolivre.com.br", "marketplace"),
        ("shopee.co.id", "marketplace"),
        ("instagram.com", "social"),
        ("paypal.me", "payment"),
        ("apkpure.com", "app_store"),
        ("sephora.com", None),
        ("example.com", None),
        ("com", None),
        ("", None),
    ],
)
def test_category_of(domain, category):
    assert category_of(domain) == category


def test_the_file_is_package_data():
    assert '"harvester_cli" = ["data/*.csv"]' in (ROOT / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    "text,message",
    [
        ("amazon.com,shop\n", "csv:1:"),
        ("domain,category\n# x\nbit.ly\n", "csv:3:"),
        ("bit.ly,shortener\nBIT.LY,shortener\n", "listed twice"),
    ],
)
def test_a_bad_line_is_named(text, message):
    with pytest.raises(ValueError, match=message):
        parse(text)


@pytest.fixture
def harvested(cli):
    result = cli("run", env={"HARVESTER_SOURCE": "files", "HARVESTER_FILES_DIR": str(SAMPLE)})
    assert result.exit_code == 0, result.stderr


def test_sample_domains_carry_their_category(cli, harvested):
    items = {d["domain"]: d for d in json.loads(cli("domains", "--format", "json").stdout)}
    assert items["linktr.ee"]["category"] == "link_in_bio"
    assert items["amzn.to"]["category"] == items["bit.ly"]["category"] == "shortener"
    assert items["amazon.com"]["category"] == "marketplace"
    assert items["glowlab.myshopify.com"]["category"] == "store_platform"
    assert items["sephora.com"]["category"] is None
    csv_lines = cli("domains", "--format", "csv").stdout.splitlines()
    assert csv_lines[0] == "domain,mentions,videos,first_seen,last_seen,category"
    assert any(line.startswith("linktr.ee,") and line.endswith(",link_in_bio") for line in csv_lines)
    table = cli("domains").stdout
    assert "category" in table and "link_in_bio" in table and "store_platform" in table


def test_category_filters_domains_and_links(cli, harvested):
    shops = json.loads(cli("domains", "--category", "store_platform", "--format", "json").stdout)
    assert sorted(d["domain"] for d in shops) == ["cozyknits.myshopify.com", "glowlab.myshopify.com"]
    short = json.loads(cli("--json", "domains", "--category", "shortener").stdout)
    assert sorted(d["domain"] for d in short) == ["amzn.to", "bit.ly"]
    top = json.loads(cli("domains", "--category", "marketplace", "--top", "2", "--format", "json").stdout)
    assert len(top) == 2 and all(d["category"] == "marketplace" for d in top)
    bio = json.loads(cli("links", "--category", "link_in_bio", "--format", "json").stdout)
    assert sorted(i["link"] for i in bio) == ["linktr.ee/glowwithmaya?src=instagram.com", "linktr.ee/homewithnina"]
    assert json.loads(cli("domains", "--category", "app_store", "--format", "json").stdout) == []


@pytest.mark.parametrize("command", ["domains", "links"])
def test_unknown_category_is_bad_input(cli, command):
    result = cli(command, "--category", "shops")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "shortener" in result.stderr
