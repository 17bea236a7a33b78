"""Alembic environment: migrations run only through :func:`microcred.store.engine.upgrade`,
which hands over an open connection (no ``alembic.ini``, no offline mode)."""

from __future__ import annotations

from alembic import context

from microcred.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with microcred.store.engine.upgrade(url)")

context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
