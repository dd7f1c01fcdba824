"""Quota: the discovery ledger, page-level harvest resume, the queue's comment counts and the
budget split between job types (issue 10).

Only added tables, columns and indexes: SQLite adds a column in place (ALTER TABLE ADD COLUMN),
so no table is copied and no row is touched.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("videos", sa.Column("comment_cursor", sa.BigInteger()))
    op.add_column("videos", sa.Column("comment_count", sa.BigInteger()))
    op.add_column("api_usage", sa.Column("discovery_requests", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("api_usage", sa.Column("harvesting_requests", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "discovery_scans",
        sa.Column("fingerprint", sa.String(32), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("passes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("pages", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("candidates", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("promoted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("new_videos", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("restarts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("cursor", sa.BigInteger()),
        sa.Column("search_id", sa.Text()),
        sa.Column("pass_started_at", sa.DateTime()),
        sa.Column("claimed_by", sa.BigInteger()),
        sa.Column("claim_expires_at", sa.DateTime()),
        sa.Column("completed_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_discovery_scans_day", "discovery_scans", ["day"])


def downgrade() -> None:
    op.drop_index("ix_discovery_scans_day", table_name="discovery_scans")
    op.drop_table("discovery_scans")
    with op.batch_alter_table("api_usage") as batch:
        batch.drop_column("harvesting_requests")
        batch.drop_column("discovery_requests")
    with op.batch_alter_table("videos") as batch:
        batch.drop_column("comment_count")
        batch.drop_column("comment_cursor")
