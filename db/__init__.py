"""Persistence: SQLAlchemy models, engine and session factory, queries, migrations, demo data."""
