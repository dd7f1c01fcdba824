"""The digest (`harvester digest`): what harvester found in the last window — the new domains, the
rising ones and the most mentioned links — as data, and as one Slack-compatible webhook message
posted once per window.

The window. `--since 1d` is the last *completed* window of that length, aligned to the UTC clock:
for a day, yesterday 00:00 to today 00:00 UTC; for a week, Monday to Monday; for 6h, 00-06, 06-12,
... (windows are counted from Monday 1970-01-05 00:00 UTC). So every run in the same period
reports, and posts, the same window, and consecutive windows neither overlap nor leave gaps.

What falls in it. The digest goes by when harvester *found* things, not when the comments were
written (discovery only sees a day's videos once the day has ended, so most comments arrive a
day or more after they were written; a digest by writing time would miss them for good):
- new domains: first extracted in the window (`domains.first_extracted_at`): every domain is
  new in exactly one digest;
- rising: mentions in the comments harvested in the window against the window before
  (`comments.harvested_at`), at least `min_mentions`, by growth;
- links: the links of the comments harvested in the window, by mentions.
Comments harvested in the window but not yet extracted would be missing: while there are any,
`--notify` waits (for at most EXTRACTION_GRACE after the window's end, then posts, saying how
many were still pending).
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import uuid
from collections.abc import Callable
from typing import Any

from harvester_cli.redact import scrub
from harvester_cli.services import links as links_service
from harvester_cli.services.reports import MIN_MENTIONS, growth, with_categories
from harvester_cli.store import digests as digests_store
from harvester_cli.store import domains as domains_store
from harvester_cli.store import links as links_store
from harvester_cli.store import logs
from harvester_cli.store.base import Store, iso_utc

#: windows are counted from this Monday, 00:00 UTC
ORIGIN = dt.datetime(1970, 1, 5)
#: how long after a window's end --notify waits for `extract` to catch up with its comments
EXTRACTION_GRACE = dt.timedelta(hours=2)
#: how long a run's claim on a window holds before another run may post it (the claiming run died)
CLAIM_LEASE = dt.timedelta(minutes=15)
TOP = 10
SAMPLE_CHARS = 200


def window(now: dt.datetime, length: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
    """The last completed window of `length` before `now`: (start, end)."""
    seconds = int(length.total_seconds())
    elapsed = int((now - ORIGIN).total_seconds())
    end = ORIGIN + dt.timedelta(seconds=elapsed - elapsed % seconds)
    return end - length, end


def _describe(length: dt.timedelta) -> str:
    seconds = int(length.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def build(
    store: Store,
    *,
    length: dt.timedelta,
    top: int = TOP,
    min_mentions: int = MIN_MENTIONS,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The digest of the last completed window of `length`."""
    now = now or store.now()
    start, end = window(now, length)
    pending = links_store.harvested_pending(store, before=end)
    links_service.normalise(store)
    new = with_categories(domains_store.found(store, start=start, end=end, top=top))
    # one pass over the mentions of the comments harvested in the window, and their domains'
    # counts in the window before from the indexes alone
    counts = links_store.harvested_counts(store, start=start, end=end)
    before = links_store.harvested_domain_counts(store, start=start - length, end=start)
    rising = _rising(store, counts, before, start=start, end=end, top=top, min_mentions=min_mentions)
    links = _links(counts, top=top)
    texts = links_store.comment_texts(store, [r["latest"] for r in links if r["latest"] is not None])
    return {
        "window": {"start": iso_utc(start), "end": iso_utc(end), "length": _describe(length)},
        "ready": pending == 0 or now >= end + EXTRACTION_GRACE,
        "pending_comments": pending,
        "new_domains": [
            {
                "domain": r["domain"],
                "category": r["category"],
                "mentions": r["mentions"],
                "videos": r["videos"],
                "first_seen": iso_utc(r["first_seen"]),
                "last_seen": iso_utc(r["last_seen"]),
                "first_extracted_at": iso_utc(r["first_extracted_at"]),
            }
            for r in new
        ],
        "rising": [
            {
                "domain": r["domain"],
                "category": r["category"],
                "mentions": r["mentions"],
                "previous": r["previous"],
                "growth": r["growth"],
                "videos": r["videos"],
                "first_seen": iso_utc(r["first_seen"]),
                "last_seen": iso_utc(r["last_seen"]),
            }
            for r in rising
        ],
        "links": [
            {
                "link": r["link"],
                "domain": r["domain"],
                "category": r["category"],
                "mentions": r["mentions"],
                "videos": r["videos"],
                "first_seen": iso_utc(r["first_seen"]),
                "last_seen": iso_utc(r["last_seen"]),
                "sample": _sample(texts.get(r["latest"])),
            }
            for r in links
        ],
    }


def _rising(
    store: Store, counts, before: dict[str, int], *, start, end, top: int, min_mentions: int
) -> list[dict[str, Any]]:
    """Domains with at least `min_mentions` mentions in the window, more than in the one before,
    by growth (as `domains --rising`, over harvest time)."""
    per_domain: dict[str, list[int]] = {}
    for domain, _link, current, *_ in counts:
        sums = per_domain.setdefault(domain, [0, before.get(domain, 0)])
        sums[0] += current
    rows: list[dict[str, Any]] = [
        {"domain": d, "mentions": cur, "previous": prev}
        for d, (cur, prev) in per_domain.items()
        if cur >= min_mentions and cur > prev
    ]
    rows.sort(key=lambda r: (-r["mentions"] / max(r["previous"], 1), -r["mentions"], r["domain"]))
    rows = rows[:top]
    names = [r["domain"] for r in rows]
    videos = links_store.harvested_videos(store, names, start=start, end=end)
    seen = domains_store.seen(store, names)
    for r in rows:
        r["growth"] = growth(r["mentions"], r["previous"])
        r["videos"] = videos.get(r["domain"], 0)
        r["first_seen"], r["last_seen"] = seen.get(r["domain"], (None, None))
    return with_categories(rows)


def _links(counts, *, top: int) -> list[dict[str, Any]]:
    """The links mentioned most in the window, then in the most videos, then by link."""
    rows = [
        {
            "domain": d,
            "link": link,
            "mentions": n,
            "videos": videos,
            "first_seen": first,
            "last_seen": last,
            "latest": latest,
        }
        for d, link, n, videos, first, last, latest in counts
        if link is not None
    ]
    rows.sort(key=lambda r: (-r["mentions"], -r["videos"], r["link"]))
    return with_categories(rows[:top])


def _sample(text: str | None) -> str | None:
    if text is None:
        return None
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 3] + "..."


def is_empty(digest: dict[str, Any]) -> bool:
    return not (digest["new_domains"] or digest["rising"] or digest["links"])


# --------------------------------------------------------------------------- the message

# C0/C1 controls, bidi overrides and line separators: shown escaped, never sent as they are
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029\ud800-\udfff]")


def _mrkdwn(text: Any) -> str:
    """Untrusted text for a Slack message: controls escaped, Slack's control characters (&, <, >)
    escaped so nothing becomes a mention or a link, inside a code span (no formatting, no unfurl)."""
    value = _UNSAFE.sub(
        lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}", str(text)
    )
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
    return f"`{value}`"


def _minute(iso: str) -> str:
    """2026-12-02T00:00:00Z -> 2026-12-02 00:00"""
    return iso.replace("T", " ")[:16]


def _category(row: dict[str, Any]) -> str:
    return f" ({row['category']})" if row.get("category") else ""


def message(digest: dict[str, Any], host: str | None = None) -> dict[str, Any]:
    """The Slack-compatible payload: `text` for people, the digest's data beside it for machines."""
    host = host or socket.gethostname()
    w = digest["window"]
    lines = [f"harvester digest on {host}: {_minute(w['start'])} to {_minute(w['end'])} UTC ({w['length']})"]
    if digest["new_domains"]:
        lines.append(f"*New domains* ({len(digest['new_domains'])})")
        lines += [
            f"• {_mrkdwn(r['domain'])}{_category(r)}: {r['mentions']} mentions, {r['videos']} videos"
            for r in digest["new_domains"]
        ]
    if digest["rising"]:
        lines.append(f"*Rising* ({len(digest['rising'])})")
        lines += [
            f"• {_mrkdwn(r['domain'])}{_category(r)}: {r['mentions']} mentions against {r['previous']} "
            f"the {w['length']} before ({r['growth']:g}x)"
            for r in digest["rising"]
        ]
    if digest["links"]:
        lines.append(f"*Most mentioned links* ({len(digest['links'])})")
        lines += [
            f"• {_mrkdwn(r['link'])}{_category(r)}: {r['mentions']} mentions, {r['videos']} videos"
            for r in digest["links"]
        ]
    if digest["pending_comments"]:
        lines.append(
            f"({digest['pending_comments']} comments harvested before the window's end were not extracted yet)"
        )
    return {
        "text": "\n".join(lines),
        "unfurl_links": False,
        "unfurl_media": False,
        "digest": True,
        "host": host,
        "window": w,
        "new_domains": digest["new_domains"],
        "rising": digest["rising"],
        "links": digest["links"],
    }


def redacted(value: Any, secrets: list[str]) -> Any:
    """Every string of a payload through the redaction layer."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {k: redacted(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redacted(v, secrets) for v in value]
    return value


# --------------------------------------------------------------------------- posting once


def _start_end(digest: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    w = digest["window"]
    return (
        dt.datetime.fromisoformat(w["start"].removesuffix("Z")),
        dt.datetime.fromisoformat(w["end"].removesuffix("Z")),
    )


def notify(
    store: Store,
    digest: dict[str, Any],
    post: Callable[[dict[str, Any]], None],
    *,
    secrets: list[str],
    host: str | None = None,
) -> dict[str, Any]:
    """Post the digest's window once: {"sent": bool, "reason": why not, ...}.

    Not posted (and said so): a window posted before, one another run is posting, a window
    whose comments `extract` has not caught up with yet, or one with nothing in it. A failed
    post gives the window back (the next run tries again) and raises.
    """
    start, end = _start_end(digest)
    done = digests_store.get(store, start, end)
    if done is not None and done["state"] == "posted":
        return {"sent": False, "reason": "already posted", "posted_at": iso_utc(done["posted_at"])}
    if not digest["ready"]:
        return {
            "sent": False,
            "reason": f"waiting for extract: {digest['pending_comments']} comments harvested "
            f"before {digest['window']['end']} are not extracted yet (posts by "
            f"{iso_utc(end + EXTRACTION_GRACE)} at the latest)",
        }
    if is_empty(digest):
        return {"sent": False, "reason": "nothing to post: no new domain, no rising domain and no link in the window"}
    token = uuid.uuid4().hex
    state, row = digests_store.claim(store, start, end, token, CLAIM_LEASE)
    if state == "posted":
        return {"sent": False, "reason": "already posted", "posted_at": iso_utc(row["posted_at"])}
    if state == "busy":
        return {
            "sent": False,
            "reason": f"another run is posting it (claimed until {iso_utc(row['claim_expires_at'])})",
        }
    try:
        post(redacted(message(digest, host), secrets))
    except BaseException:
        digests_store.release(store, start, end, token)
        raise
    summary = {
        "new_domains": len(digest["new_domains"]),
        "rising": len(digest["rising"]),
        "links": len(digest["links"]),
    }
    digests_store.mark_posted(store, start, end, token, summary)
    logs.write(
        store,
        "digest.posted",
        f"digest of {digest['window']['start']} to {digest['window']['end']} posted: {summary}",
        details=summary,
    )
    return {"sent": True, **summary}
