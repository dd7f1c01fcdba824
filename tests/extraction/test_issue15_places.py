"""Issue 15: city and country sites whose name is also a place word (and often a gTLD:
`.berlin`, `.paris`, `.madrid`) were read as run-on sentences and dropped."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from harvester_cli.extraction import extract_domains
from harvester_cli.extraction.words import COMMON_WORDS, PLACE_TLDS

SITES = {
    "berlin.de": "berlin.de",
    "hamburg.de": "hamburg.de",
    "köln.de": "köln.de",
    "paris.fr": "paris.fr",
    "madrid.es": "madrid.es",
    "münchen.de": "münchen.de",
    "xn--mnchen-3ya.de": "münchen.de",
    "zalando.de": "zalando.de",
    "wien.at": "wien.at",
    "Berlin.de": "berlin.de",
    "BERLIN.DE": "berlin.de",
    "berlin dot de": "berlin.de",
    "berlin[.]de": "berlin.de",
    "canada.ca": "canada.ca",
    "barcelona.cat": "barcelona.cat",
}

PROSE = [
    "great video.thanks",
    "ok.so",
    "envío a todo México.no hay",
    "war letzte Woche in Berlin.So schön dort",
    "me encanta Madrid.Es precioso",
    "viví un año en Paris.es increíble",
    "I love.it",
]


@pytest.mark.parametrize("written", sorted(SITES))
def test_place_under_its_country_tld_is_a_site(written: str) -> None:
    assert extract_domains(f"alle Infos auf {written} nachlesen") == [SITES[written]]
    assert extract_domains(written) == [SITES[written]]


@pytest.mark.parametrize("text", PROSE)
def test_run_ons_stay_prose(text: str) -> None:
    assert extract_domains(text) == []


def test_every_place_is_a_common_word() -> None:
    # PLACE_TLDS only lifts the run-on rule for places that the rule knows as words.
    assert set(PLACE_TLDS) <= COMMON_WORDS


def test_scan_finds_city_sites() -> None:
    from harvester_cli.app import app

    lines = [
        "berlin.de",
        "hamburg.de",
        "köln.de",
        "paris.fr",
        "madrid.es",
        "münchen.de",
        "xn--mnchen-3ya.de",
        "great video.thanks",
        "ok.so",
    ]
    result = CliRunner().invoke(app, ["scan"], input="\n".join(lines) + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "berlin.de",
        "hamburg.de",
        "köln.de",
        "paris.fr",
        "madrid.es",
        "münchen.de",
        "münchen.de",
        "",
        "",
    ]
