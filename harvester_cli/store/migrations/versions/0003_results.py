"""Results (issue 13): the normalised link of each mention, the indexes of the reports (`domains`
with --new/--rising/--category, `links`, `digest`) and the digest's posted windows.

Only added columns, indexes and a table: SQLite adds the column in place (ALTER TABLE ADD
COLUMN, NULL for every existing row), so no table is copied and no row is touched. The links of
existing mentions are filled in by the first `harvester links` or `digest`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("domain_mentions", sa.Column("link", sa.Text()))
    op.create_index("ix_domain_mentions_link", "domain_mentions", ["domain", "link", "seen_at", "video_id"])
    op.create_index(
        "ix_domain_mentions_link_pending",
        "domain_mentions",
        ["comment_id"],
        sqlite_where=sa.text("link IS NULL"),
        postgresql_where=sa.text("link IS NULL"),
    )
    op.create_index("ix_domain_mentions_window", "domain_mentions", ["seen_at", "domain", "video_id"])
    op.create_index("ix_domains_first_seen", "domains", ["first_seen"])
    op.create_index("ix_domains_first_extracted", "domains", ["first_extracted_at"])
    op.create_table(
        "digest_posts",
        sa.Column("window_start", sa.DateTime(), primary_key=True),
        sa.Column("window_end", sa.DateTime(), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("claim_expires_at", sa.DateTime()),
        sa.Column("posted_at", sa.DateTime()),
        sa.Column("summary", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("digest_posts")
    op.drop_index("ix_domains_first_extracted", table_name="domains")
    op.drop_index("ix_domains_first_seen", table_name="domains")
    op.drop_index("ix_domain_mentions_window", table_name="domain_mentions")
    op.drop_index("ix_domain_mentions_link_pending", table_name="domain_mentions")
    op.drop_index("ix_domain_mentions_link", table_name="domain_mentions")
    with op.batch_alter_table("domain_mentions") as batch:
        batch.drop_column("link")
