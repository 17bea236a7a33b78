"""Credential status: Bitstring Status List v1.0 (W3C REC 2025), see :mod:`.bitstring`."""

from microcred.core.status.bitstring import (
    MIN_ENTRIES,
    Bitstring,
    StatusEntry,
    StatusMessage,
    StatusResult,
    check_status,
    parse_status_entry,
    status_list_credential,
)

__all__ = [
    "MIN_ENTRIES",
    "Bitstring",
    "StatusEntry",
    "StatusMessage",
    "StatusResult",
    "check_status",
    "parse_status_entry",
    "status_list_credential",
]
