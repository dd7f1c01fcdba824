"""The store: SQLAlchemy Core tables, engine setup and the queries jobs run."""
