"""Adapter: the issuer service's storage on SQLite (default) or PostgreSQL, SQLAlchemy 2 + Alembic.

- :func:`~microcred.store.engine.make_engine`, :func:`~microcred.store.engine.upgrade`,
  :func:`~microcred.store.engine.check_revision`: engines and schema migrations;
- :class:`~microcred.store.unit_of_work.SqlUnitOfWork`: the service's ``UnitOfWork`` port;
- :class:`~microcred.store.cipher.AesGcmCipher`,
  :func:`~microcred.store.cipher.load_or_create_master_key`: the ``KeyCipher`` port.
"""

from microcred.store.cipher import AesGcmCipher, load_or_create_master_key
from microcred.store.engine import check_revision, make_engine, upgrade
from microcred.store.unit_of_work import SqlUnitOfWork

__all__ = [
    "AesGcmCipher",
    "SqlUnitOfWork",
    "check_revision",
    "load_or_create_master_key",
    "make_engine",
    "upgrade",
]
