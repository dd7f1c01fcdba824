"""The links people post (`harvester links`): each mention's link as written, normalised for
grouping (harvester_cli/extraction/links.py), per link with mentions, videos, first and last
seen, the domain's category and a sample comment.

`extract` stores each mention's link (`find_linked_mentions`). `normalise` fills in
`domain_mentions.link` for the mentions that have none (those of a store upgraded to schema
0003), in batches of one short transaction each; the reports call it first, so they always see
every mention, and on a store without such rows it reads one index entry and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from harvester_cli import errors
from harvester_cli.extraction import registrable_domain
from harvester_cli.extraction.links import normalise_link
from harvester_cli.services.reports import category_filter, with_categories
from harvester_cli.store import links as links_store
from harvester_cli.store.base import Store

BATCH = 5000


def normalise(store: Store, *, batch: int = BATCH, stop: threading.Event | None = None) -> int:
    """Give every mention without a link its normalised link; returns how many were written."""
    written = 0
    seen: dict[tuple[str, str], str] = {}  # most mentions repeat a form ("amazon.com", "bit.ly/x")
    while stop is None or not stop.is_set():
        rows = links_store.pending(store, limit=batch)
        if not rows:
            break
        if len(seen) > 100_000:
            seen.clear()
        links = []
        for c, d, w in rows:
            link = seen.get((w, d))
            if link is None:
                link = seen[(w, d)] = normalise_link(w, d)
            links.append((c, d, link))
        done = links_store.save_links(store, links)
        written += done
        if len(rows) < batch or done == 0:  # the last batch, or another process wrote these rows first
            break
    return written


def domain_option(value: str | None) -> str | None:
    """`--domain`: a host name or registrable domain, any case, as the registrable domain."""
    if value is None:
        return None
    text = value.strip()
    found = registrable_domain(text)
    if found is None:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise errors.BadInput(
            f"--domain {shown!r} is not a domain name under a public suffix; "
            "give one as `harvester domains` lists them, e.g. amazon.com"
        )
    return found


def links(
    store: Store,
    *,
    since: dt.datetime | None,
    top: int | None,
    video_id: int | None = None,
    domain: str | None = None,
    category: str | None = None,
    samples: bool = False,
) -> list[dict[str, Any]]:
    """Links by mentions in the window (of that video, that domain, that category)."""
    only = category_filter(category)
    normalise(store)
    rows = with_categories(links_store.report(store, since=since, top=top, video_id=video_id, domain=domain, only=only))
    if samples:
        found = links_store.samples(store, [(r["domain"], r["link"]) for r in rows], since=since, video_id=video_id)
        for row in rows:
            row["sample"] = found.get((row["domain"], row["link"]))
    return rows
