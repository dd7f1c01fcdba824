"""A shop ccTLD that is also a word of a sentence's language is still a site when a sentence
goes on after it (found by the fake API's comments after the ten-language work)."""

import pytest

from harvester_cli.extraction import extract_domains


@pytest.mark.parametrize(
    "text, expected",
    [
        ("lo compré en douglas.de y llegó en 3 días", {"douglas.de"}),
        ("lo compré en bücher.de y llegó en 3 días", {"bücher.de"}),
        ("lo compré en xn--mller-kva.de y llegó en 3 días", {"müller.de"}),
        ("lo compré en douglas dot de y llegó en 3 días", {"douglas.de"}),
        ("lo compré en douglas . de y llegó en 3 días", {"douglas.de"}),
        ("saw it on bücher.de but zalando.de had it cheaper lol", {"bücher.de", "zalando.de"}),
    ],
)
def test_a_shop_cctld_followed_by_more_sentence_is_a_site(text, expected):
    assert set(extract_domains(text)) == expected
