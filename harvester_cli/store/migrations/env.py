"""Alembic environment: migrations run on the connection `harvester init` hands over.

The connection is already inside the transaction (and, on PostgreSQL, holds the schema lock),
so the whole upgrade commits or rolls back as one.
"""

from alembic import context

from harvester_cli.store.schema import VERSION_TABLE
from harvester_cli.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
