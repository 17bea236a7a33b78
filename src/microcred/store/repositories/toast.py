"""PostgreSQL TOAST compression of the large values bulk issuance writes (signed credentials,
bulk job reports): lz4 instead of the default pglz, for the current transaction only.

lz4 (PostgreSQL >= 14, when the server is built with it) costs a fraction of pglz's CPU to
compress and to read back, and gives up as fast on data that does not compress (the packed rows
of a bulk job). Values already stored keep their compression; a server with lz4 reads both.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

# SET LOCAL default_toast_compression = lz4 when the server has it; otherwise no row, nothing
# set, no error to abort the transaction. One round trip.
_LZ4_TOAST = text(
    "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings"
    " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def prefer_lz4(connection: Connection) -> None:
    """Compress the values this transaction stores with lz4 (PostgreSQL; no-op elsewhere)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_LZ4_TOAST)
