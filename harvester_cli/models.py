"""Plain records passed between sources, services and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Video:
    id: int
    username: str | None = None
    description: str | None = None
    hashtags: tuple[str, ...] = ()
    create_time: int | None = None
    region_code: str | None = None
    video_tag: Any = None
    promoted_reason: str | None = None  # why it counts as promoted; None = not promoted
    comment_count: int | None = None  # as the source reported it (None: unknown)


@dataclass(frozen=True)
class Comment:
    id: int
    video_id: int
    text: str
    create_time: int | None = None
    like_count: int | None = None
    reply_count: int | None = None
    parent_comment_id: int | None = None


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    cursor: Any = None  # what to send back for the next page
    has_more: bool = False


@dataclass(frozen=True)
class ScanQuery:
    """One discovery query the ledger tracks per UTC day (a source's `ledger_queries`)."""

    fingerprint: str  # identifies the query: a settings change gives a new one (a new scan)
    kind: str  # e.g. "research" or "commercial"
    description: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanPage:
    """One answered page of a day's scan, with where the next page starts."""

    videos: list[Video]
    candidates: int  # records the page held (promoted or not)
    cursor: int | None = None
    search_id: str | None = None
    last: bool = False  # the day's results end here
    restarted: bool = False  # the saved search had expired: the day started over with this page


@dataclass
class DiscoveryStats:
    candidates: int = 0
    promoted: int = 0
    skipped_not_promoted: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)
