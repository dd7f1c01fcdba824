"""Why a video counts as promoted: a branded video_tag, or an ad disclosure in its text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

BRANDED_TAG_NUMBERS = {1: "paid partnership", 7: "creator earns commission"}

DISCLOSURE_TAGS = (
    "ad",
    "ads",
    "advertisement",
    "sponsored",
    "sponsoredpost",
    "paidpartnership",
    "paidpromotion",
    "anzeige",
    "werbung",
    "publicidad",
    "publi",
    "publicidade",
    "patrocinado",
    "parceriapaga",
    "iklan",
    "sponsorisé",
    "pubblicità",
    "adv",
)
_DISCLOSURE_SET = frozenset(DISCLOSURE_TAGS)
_HASHTAG = re.compile(r"#([\w\u00C0-\u024F]+)", re.UNICODE)
_PHRASES = re.compile(
    r"\b(paid partnership|sponsored by|in partnership with|bezahlte partnerschaft|"
    r"colaboraci[oó]n pagada|parceria paga|kerja sama berbayar)\b",
    re.I,
)


def _tag_number(video_tag: Any) -> int | None:
    items = video_tag if isinstance(video_tag, list) else [video_tag]
    for item in items:
        if not isinstance(item, dict):
            continue
        raw_number: Any = item.get("number", item.get("video_tag_number"))
        kind = str(item.get("type", item.get("video_tag_type", ""))).lower()
        try:
            number = int(raw_number)
        except (TypeError, ValueError):
            continue
        if number in BRANDED_TAG_NUMBERS and kind in ("", "branded", "brand"):
            return number
    return None


def promoted_reason(video_tag: Any, description: str | None, hashtags: Iterable[str]) -> str | None:
    """A short reason ('video_tag 1: paid partnership', 'hashtag #ad', ...) or None."""
    number = _tag_number(video_tag)
    if number is not None:
        return f"video_tag {number}: {BRANDED_TAG_NUMBERS[number]}"
    for tag in hashtags or ():
        name = str(tag).lstrip("#").lower()
        if name in _DISCLOSURE_SET:
            return f"hashtag #{name}"
    text = description or ""
    for match in _HASHTAG.finditer(text):
        if match.group(1).lower() in _DISCLOSURE_SET:
            return f"disclosure #{match.group(1).lower()} in description"
    phrase = _PHRASES.search(text)
    if phrase:
        return f"disclosure {phrase.group(0).lower()!r} in description"
    return None


def hashtag_names(value: Any) -> tuple[str, ...]:
    """An API's list of hashtags (names or numbers, with or without "#") as names; anything but
    a list reads as none, and entries of other types are skipped."""
    if not isinstance(value, list):
        return ()
    return tuple(str(t).lstrip("#") for t in value if isinstance(t, (str, int)))
