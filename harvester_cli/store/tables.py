"""SQLAlchemy Core tables: the one definition `schema.sql` is generated from.

Times are stored as naive UTC datetimes. TikTok ids are 64-bit integers (BIGINT).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

# A BIGINT primary key that SQLite still treats as its rowid alias.
AutoId = BigInteger().with_variant(Integer(), "sqlite")
# A TikTok id (64-bit, given, never generated) as primary key: BIGINT, and INTEGER on SQLite
# so that the id is the rowid. A BIGINT key would be a second index beside the rowid, with
# the rows stored in insertion order: every claim of the next pending comments by id (and
# every foreign-key check) then went through that index to pages all over the table.
TikTokId = BigInteger().with_variant(Integer(), "sqlite")

videos = Table(
    "videos",
    metadata,
    Column("id", TikTokId, primary_key=True, autoincrement=False),
    Column("source", String(16), nullable=False),
    Column("username", Text),
    Column("description", Text),
    Column("hashtags", Text, nullable=False, server_default="[]"),
    Column("region_code", String(8)),
    Column("video_tag", Text),
    Column("created_at", DateTime),
    Column("promoted_reason", Text, nullable=False),
    Column("discovered_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    # the harvest work queue: queued -> in_progress -> done | failed
    Column("harvest_state", String(16), nullable=False, server_default="queued"),
    Column("harvest_attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_by", BigInteger),
    Column("claim_expires_at", DateTime),
    Column("harvested_at", DateTime),
    # comment pages stored so far; with comment_cursor (where the next page starts, NULL: at
    # the first) a stopped harvest resumes where it stopped, written with each page's comments
    Column("comment_pages", Integer, nullable=False, server_default="0"),
    Column("comment_cursor", BigInteger),
    # comments the source reported when the video was last seen by discovery (NULL: unknown);
    # the harvest queue skips 0 and, in `yield` order, takes the most promising first
    Column("comment_count", BigInteger),
    Column("last_error", Text),
    Index("ix_videos_harvest_queue", "harvest_state", "discovered_at"),
    Index("ix_videos_claimed_by", "claimed_by"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", TikTokId, primary_key=True, autoincrement=False),
    Column("video_id", BigInteger, ForeignKey("videos.id", ondelete="CASCADE"), nullable=False),
    Column("parent_comment_id", BigInteger),
    Column("text", Text, nullable=False, server_default=""),
    Column("like_count", BigInteger),
    Column("reply_count", BigInteger),
    Column("created_at", DateTime),
    Column("harvested_at", DateTime, nullable=False),
    # The extraction work queue: extracted_at IS NULL means pending. A batch is claimed by
    # the transaction that extracts it (row locks with SKIP LOCKED on PostgreSQL, the write
    # lock on SQLite), so a crash leaves nothing half-written and nothing claimed.
    Column("extracted_at", DateTime),
    Index("ix_comments_video", "video_id"),
    Index(
        "ix_comments_pending",
        "id",
        sqlite_where=text("extracted_at IS NULL"),
        postgresql_where=text("extracted_at IS NULL"),
    ),
    Index("ix_comments_harvested_at", "harvested_at"),
)

domains = Table(
    "domains",
    metadata,
    Column("domain", String(253), primary_key=True),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("first_extracted_at", DateTime, nullable=False),
)

domain_mentions = Table(
    "domain_mentions",
    metadata,
    Column("comment_id", BigInteger, ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
    Column("domain", String(253), ForeignKey("domains.domain"), primary_key=True),
    Column("video_id", BigInteger, nullable=False),
    Column("written", Text, nullable=False),
    Column("seen_at", DateTime, nullable=False),
    Index("ix_domain_mentions_domain", "domain", "seen_at"),
    Index("ix_domain_mentions_video", "video_id"),
    Index("ix_domain_mentions_seen", "seen_at"),
)

job_status = Table(
    "job_status",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("job_type", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("heartbeat_at", DateTime),
    Column("deadline_at", DateTime),
    Column("host", String(255)),
    Column("pid", Integer),
    Column("slot", Integer),
    Column("token", String(64)),
    Column("lock_ref", Text),
    Column("params", Text),
    Column("items_ok", Integer, nullable=False, server_default="0"),
    Column("items_failed", Integer, nullable=False, server_default="0"),
    Column("duration_seconds", Float),
    Column("error_type", String(64)),
    Column("error", Text),
    Index("ix_job_status_type_started", "job_type", "started_at"),
    Index("ix_job_status_status", "status"),
)

system_logs = Table(
    "system_logs",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("level", String(8), nullable=False),
    Column("job_type", String(16)),
    Column("run_id", BigInteger),
    Column("event", String(64), nullable=False),
    Column("message", Text, nullable=False),
    Column("details", Text),
    Index("ix_system_logs_created", "created_at"),
)

system_config = Table(
    "system_config",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Text, nullable=False),
    Column("description", Text),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(128)),
)

dead_letter_queue = Table(
    "dead_letter_queue",
    metadata,
    Column("id", AutoId, primary_key=True, autoincrement=True),
    Column("job_type", String(16), nullable=False),
    Column("item_key", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("error_type", String(64)),
    Column("error", Text),
    Column("run_id", BigInteger),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("resolved_at", DateTime),
    Index("ix_dlq_status", "status", "created_at"),
    Index(
        "ux_dlq_open_item",
        "job_type",
        "item_key",
        unique=True,
        sqlite_where=text("status = 'pending'"),
        postgresql_where=text("status = 'pending'"),
    ),
)

api_usage = Table(
    "api_usage",
    metadata,
    Column("day", String(10), primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("requests", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime, nullable=False),
    # the share of `requests` each job type reserved (the budget split between them)
    Column("discovery_requests", Integer, nullable=False, server_default="0"),
    Column("harvesting_requests", Integer, nullable=False, server_default="0"),
)

# The discovery ledger: what was scanned of each query (its fingerprint) for each UTC day.
# state: pending (never scanned) -> partial (a scan stopped part way: cursor/search_id say
# where it resumes) -> complete (paged to the end, before the day settled: scanned once more
# after HARVESTER_DISCOVERY_SETTLE_HOURS) -> settled (paged to the end after it settled:
# never queried again). A run claims a day with a lease, so hosts scan different days.
discovery_scans = Table(
    "discovery_scans",
    metadata,
    Column("fingerprint", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("source", String(16), nullable=False),
    Column("query", Text, nullable=False, server_default="{}"),
    Column("state", String(16), nullable=False, server_default="pending"),
    Column("passes", Integer, nullable=False, server_default="0"),
    Column("pages", Integer, nullable=False, server_default="0"),
    Column("candidates", Integer, nullable=False, server_default="0"),
    Column("promoted", Integer, nullable=False, server_default="0"),
    Column("new_videos", Integer, nullable=False, server_default="0"),
    Column("restarts", Integer, nullable=False, server_default="0"),
    Column("cursor", BigInteger),
    Column("search_id", Text),
    Column("pass_started_at", DateTime),
    Column("claimed_by", BigInteger),
    Column("claim_expires_at", DateTime),
    Column("completed_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Index("ix_discovery_scans_day", "day"),
)


# --------------------------------------------------------------------------- results (issue 13)
# Added by migration 0003: only new columns, indexes and tables (no table is rebuilt).

# The link as written, normalised for grouping (harvester_cli/extraction/links.py), written by
# `extract`; NULL on the rows of a store upgraded to 0003 until `links` or `digest` fills them in
# (they fill every NULL row before they report).
domain_mentions.append_column(Column("link", Text))
# `domains` and `links`: per domain, per link, with the video and time of every mention in the
# index itself, so neither report reads the table rows (SQLite scans the index alone)
Index(
    "ix_domain_mentions_link",
    domain_mentions.c.domain,
    domain_mentions.c.link,
    domain_mentions.c.seen_at,
    domain_mentions.c.video_id,
)
# the rows `links` still has to normalise (on an upgraded store: all of them, once)
Index(
    "ix_domain_mentions_link_pending",
    domain_mentions.c.comment_id,
    sqlite_where=text("link IS NULL"),
    postgresql_where=text("link IS NULL"),
)
# `domains --rising` and `--since`: a window of mentions read from the index alone
Index("ix_domain_mentions_window", domain_mentions.c.seen_at, domain_mentions.c.domain, domain_mentions.c.video_id)
# `domains --new` (first seen) and the digest's new domains (first extracted)
Index("ix_domains_first_seen", domains.c.first_seen)
Index("ix_domains_first_extracted", domains.c.first_extracted_at)

# A digest posted to a webhook: one row per window, claimed before the post and marked posted
# after it, so cron running `digest --notify` twice (or on two hosts) posts a window once.
# state: posting (claimed until claim_expires_at) -> posted
digest_posts = Table(
    "digest_posts",
    metadata,
    Column("window_start", DateTime, primary_key=True),
    Column("window_end", DateTime, primary_key=True),
    Column("state", String(16), nullable=False),
    Column("token", String(64), nullable=False),
    Column("claim_expires_at", DateTime),
    Column("posted_at", DateTime),
    Column("summary", Text),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)
