"""Bitstring Status List v1.0 (W3C Recommendation, 15 May 2025).

https://www.w3.org/TR/vc-bitstring-status-list/

- :class:`Bitstring`: the bit array, MSB-first (§2.1: index 0 is the left-most bit), encoded as
  ``"u"`` + base64url-no-pad(GZIP(bytes)) (§2.2 ``encodedList``; §3.1 Generate, §3.3 Expand).
- :func:`parse_status_entry`: a ``BitstringStatusListEntry`` (§2.1) read into a
  :class:`StatusEntry`; legacy ``StatusList2021Entry`` is read too.
- :func:`status_list_credential`: an UNSIGNED ``BitstringStatusListCredential`` (§2.2).
- :func:`check_status`: the structural part of the Validate algorithm (§3.2): list type, purpose,
  minimum length, index range, the bits. Verifying the list credential's own proof is the caller's
  job (the verify pipeline), as is fetching it.

Errors are :class:`~microcred.errors.StatusError` with a plain reason; the instance's
``problem_type`` is the spec's URL (§3.6 Processing Errors), e.g. ``...#RANGE_ERROR``.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from microcred.errors import MICROCRED, STATUS_LIST, VC_ERRORS, InvalidInputError, StatusError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MALFORMED_VALUE_ERROR",
    "MIN_ENTRIES",
    "RANGE_ERROR",
    "STATUS_LIST_LENGTH_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "UNSUPPORTED_STATUS_TYPE",
    "Bitstring",
    "StatusEntry",
    "StatusMessage",
    "StatusResult",
    "check_status",
    "parse_status_entry",
    "status_list_credential",
]

MIN_ENTRIES: Final = 131_072
"""§3.2 step "minimumNumberOfEntries": 16 KiB of bits, the herd-privacy floor."""

DEFAULT_MAX_BYTES: Final = 16 * 1024 * 1024
"""Cap on the decompressed list (16 MiB = 134 million entries): a gzip bomb is refused."""

STATUS_VERIFICATION_ERROR: Final = STATUS_LIST + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR: Final = STATUS_LIST + "STATUS_LIST_LENGTH_ERROR"
RANGE_ERROR: Final = STATUS_LIST + "RANGE_ERROR"
MALFORMED_VALUE_ERROR: Final = VC_ERRORS + "MALFORMED_VALUE_ERROR"
UNSUPPORTED_STATUS_TYPE: Final = MICROCRED + "UNSUPPORTED_STATUS_TYPE"

BITSTRING_ENTRY: Final = "BitstringStatusListEntry"
BITSTRING_CREDENTIAL: Final = "BitstringStatusListCredential"
BITSTRING_LIST: Final = "BitstringStatusList"
LEGACY_ENTRY: Final = "StatusList2021Entry"
LEGACY_CREDENTIAL: Final = "StatusList2021Credential"
LEGACY_LIST: Final = "StatusList2021"
ONE_EDTECH_REVOCATION_LIST: Final = "1EdTechRevocationList"

# entry type -> (list credential type, list (credentialSubject) type, multibase "u" prefix)
_METHODS: Final[dict[str, tuple[str, str, bool]]] = {
    BITSTRING_ENTRY: (BITSTRING_CREDENTIAL, BITSTRING_LIST, True),
    LEGACY_ENTRY: (LEGACY_CREDENTIAL, LEGACY_LIST, False),
}
# purposes whose set value makes the credential invalid (§2.1 statusPurpose)
_INVALIDATING_PURPOSES: Final = frozenset({"revocation", "suspension"})
_DIGITS = re.compile(r"[0-9]+")
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]+")
_B64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
_B64_ANY = re.compile(r"[A-Za-z0-9_+/-]*={0,2}")


def _error(reason: str, problem_type: str = STATUS_VERIFICATION_ERROR) -> StatusError:
    """A StatusError whose instance ``problem_type`` names the spec's processing error."""
    err = StatusError(reason)
    setattr(err, "problem_type", problem_type)  # noqa: B010 -- instance attr over the ClassVar
    return err


class Bitstring:
    """A mutable bit array, MSB-first: bit ``i`` is ``(byte[i // 8] >> (7 - i % 8)) & 1``."""

    __slots__ = ("_data",)

    def __init__(self, length: int = MIN_ENTRIES) -> None:
        if isinstance(length, bool) or not isinstance(length, int) or length <= 0 or length % 8:
            raise InvalidInputError(
                f"bitstring length must be a positive multiple of 8 bits, got {length!r}"
            )
        self._data = bytearray(length // 8)

    @classmethod
    def from_bytes(cls, data: bytes) -> Bitstring:
        """The bitstring whose bytes are ``data`` (MSB-first), copied."""
        if not data:
            raise InvalidInputError("a bitstring needs at least one byte")
        bits = cls(len(data) * 8)
        bits._data[:] = data
        return bits

    def __len__(self) -> int:
        return len(self._data) * 8

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Bitstring) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Bitstring(length={len(self)}, set={sum(1 for _ in self.set_indices())})"

    def to_bytes(self) -> bytes:
        return bytes(self._data)

    def _check_range(self, index: int, size: int) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise InvalidInputError(f"bit index must be an int, got {index!r}")
        if index < 0 or index + size > len(self):
            raise _error(
                f"bit position {index} (+{size}) is outside the list of {len(self)} bits",
                RANGE_ERROR,
            )

    def get(self, i: int) -> int:
        """The bit at position ``i`` (0 or 1); RANGE_ERROR outside the list."""
        self._check_range(i, 1)
        return (self._data[i >> 3] >> (7 - (i & 7))) & 1

    def set(self, i: int, value: bool) -> None:
        """Set (``True``) or clear (``False``) the bit at position ``i``."""
        self._check_range(i, 1)
        mask = 1 << (7 - (i & 7))
        if value:
            self._data[i >> 3] |= mask
        else:
            self._data[i >> 3] &= ~mask & 0xFF

    def get_value(self, index: int, *, status_size: int = 1) -> int:
        """The ``status_size``-bit value of entry ``index`` (bits at ``index * status_size``, MSB
        first), as in §3.2 for ``statusSize`` > 1."""
        start = index * status_size
        self._check_range(start, status_size)
        value = 0
        for pos in range(start, start + status_size):
            value = (value << 1) | ((self._data[pos >> 3] >> (7 - (pos & 7))) & 1)
        return value

    def set_value(self, index: int, value: int, *, status_size: int = 1) -> None:
        """Store ``value`` (0 .. 2**status_size - 1) in entry ``index``."""
        if not 0 <= value < (1 << status_size):
            raise InvalidInputError(f"value {value} does not fit in {status_size} bit(s)")
        start = index * status_size
        self._check_range(start, status_size)
        for offset in range(status_size):
            self.set(start + offset, bool((value >> (status_size - 1 - offset)) & 1))

    def set_indices(self) -> Iterator[int]:
        """Positions of the bits that are 1, ascending."""
        for byte_index, byte in enumerate(self._data):
            if byte:
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        yield byte_index * 8 + bit

    def encode(self) -> str:
        """``"u"`` + base64url-no-pad(GZIP(bytes)) (§2.2 encodedList). Deterministic (mtime 0)."""
        packed = gzip.compress(bytes(self._data), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(
        cls, encoded: str, *, max_bytes: int = DEFAULT_MAX_BYTES, legacy: bool = False
    ) -> Bitstring:
        """Expand an ``encodedList`` (§3.3): strip the multibase ``u``, base64url-decode, gunzip.

        ``legacy=True`` reads StatusList2021 lists: no multibase prefix, base64url or base64.
        Raises StatusError (MALFORMED_VALUE_ERROR) on bad text or gzip, and when the list would
        inflate beyond ``max_bytes``.
        """
        if not isinstance(encoded, str) or not encoded:
            raise _error("encodedList must be a non-empty string", MALFORMED_VALUE_ERROR)
        if legacy:
            body, pattern = encoded, _B64_ANY
            if encoded.startswith("u") and _B64URL.fullmatch(encoded[1:]):
                # some StatusList2021 issuers already used the multibase prefix; a bare
                # base64 gzip stream always starts with "H4sI", never with "u"
                body = encoded[1:]
        elif encoded[0] != "u":
            raise _error(
                f"encodedList must be multibase base64url (prefix 'u'), got prefix {encoded[0]!r}",
                MALFORMED_VALUE_ERROR,
            )
        else:
            body, pattern = encoded[1:], _B64URL
        if not pattern.fullmatch(body):
            raise _error("encodedList is not valid base64url text", MALFORMED_VALUE_ERROR)
        body = body.rstrip("=").replace("+", "-").replace("/", "_")
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise _error(
                f"encodedList is not valid base64url: {exc}", MALFORMED_VALUE_ERROR
            ) from exc
        return cls.from_bytes(_gunzip(packed, max_bytes=max_bytes))


def _gunzip(packed: bytes, *, max_bytes: int) -> bytes:
    """One GZIP member, inflated to at most ``max_bytes`` (a bomb stops at the cap)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip header and CRC required
    try:
        raw = inflater.decompress(packed, max_bytes + 1)
    except zlib.error as exc:
        raise _error(f"encodedList is not valid GZIP data: {exc}", MALFORMED_VALUE_ERROR) from exc
    if len(raw) > max_bytes:
        raise _error(
            f"encodedList inflates to more than {max_bytes} bytes; refused",
            MALFORMED_VALUE_ERROR,
        )
    if not inflater.eof:
        raise _error("encodedList is truncated GZIP data", MALFORMED_VALUE_ERROR)
    if inflater.unused_data:
        raise _error("encodedList has data after the GZIP stream", MALFORMED_VALUE_ERROR)
    if not raw:
        raise _error("encodedList holds an empty bitstring", STATUS_LIST_LENGTH_ERROR)
    return raw


@dataclass(frozen=True)
class StatusMessage:
    """One ``statusMessage`` item (§2.1): a status value and what it means."""

    status: int
    message: str


@dataclass(frozen=True)
class StatusEntry:
    """A ``credentialStatus`` entry of type BitstringStatusListEntry (or StatusList2021Entry)."""

    id: str | None
    type: str
    status_purpose: str
    status_list_index: int
    status_list_credential: str
    status_size: int = 1
    status_messages: tuple[StatusMessage, ...] = ()


def _malformed(reason: str) -> StatusError:
    return _error(reason, MALFORMED_VALUE_ERROR)


def _entry_type(obj: Mapping[str, Any]) -> str:
    raw = obj.get("type")
    types = [raw] if isinstance(raw, str) else raw
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise _malformed("credentialStatus.type must be a string")
    if ONE_EDTECH_REVOCATION_LIST in types:
        raise _error(
            "credentialStatus type 1EdTechRevocationList is not supported; "
            "use BitstringStatusListEntry",
            UNSUPPORTED_STATUS_TYPE,
        )
    known: list[str] = [t for t in types if t in _METHODS]
    if len(known) != 1:
        raise _error(
            f"credentialStatus type {raw!r} is not supported "
            f"(supported: {', '.join(sorted(_METHODS))})",
            UNSUPPORTED_STATUS_TYPE,
        )
    return known[0]


def _parse_messages(raw: Any, status_size: int) -> tuple[StatusMessage, ...]:
    if raw is None:
        if status_size > 1:
            raise _malformed("statusMessage is required when statusSize is greater than 1")
        return ()
    if not isinstance(raw, list):
        raise _malformed("statusMessage must be an array")
    messages: list[StatusMessage] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise _malformed("each statusMessage item must be an object")
        status, message = item.get("status"), item.get("message")
        if not isinstance(status, str) or not _HEX_STATUS.fullmatch(status):
            raise _malformed(
                f"statusMessage status must be a hex string like '0x1', got {status!r}"
            )
        if not isinstance(message, str):
            raise _malformed("statusMessage message must be a string")
        messages.append(StatusMessage(int(status, 16), message))
    if len(messages) != 1 << status_size:
        raise _malformed(
            f"statusMessage must have {1 << status_size} items for statusSize {status_size}, "
            f"got {len(messages)}"
        )
    return tuple(messages)


def parse_status_entry(obj: Mapping[str, Any]) -> StatusEntry:
    """Read one ``credentialStatus`` object (§2.1). StatusError with a plain reason if malformed.

    ``statusListIndex`` must be a string of base-10 digits (a JSON number is refused).
    ``1EdTechRevocationList`` and other types raise StatusError (UNSUPPORTED_STATUS_TYPE).
    """
    if not isinstance(obj, Mapping):
        raise _malformed("credentialStatus must be an object")
    entry_type = _entry_type(obj)
    purpose = obj.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise _malformed("statusPurpose must be a non-empty string")
    index = obj.get("statusListIndex")
    if not isinstance(index, str):
        raise _malformed(
            f"statusListIndex must be a string of base-10 digits, got {type(index).__name__}"
        )
    if not _DIGITS.fullmatch(index) or len(index) > 20:
        raise _malformed(f"statusListIndex must be a base-10 integer string, got {index!r}")
    list_url = obj.get("statusListCredential")
    if not isinstance(list_url, str) or ":" not in list_url:
        raise _malformed("statusListCredential must be a URL")
    entry_id = obj.get("id")
    if entry_id is not None and not isinstance(entry_id, str):
        raise _malformed("credentialStatus.id must be a string")
    if entry_id == list_url:
        raise _malformed("credentialStatus.id must not be the statusListCredential URL")
    size = obj.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 32:
        raise _malformed(f"statusSize must be an integer from 1 to 32, got {size!r}")
    return StatusEntry(
        id=entry_id,
        type=entry_type,
        status_purpose=purpose,
        status_list_index=int(index),
        status_list_credential=list_url,
        status_size=size,
        status_messages=_parse_messages(obj.get("statusMessage"), size),
    )


def status_list_credential(
    *,
    list_id: str,
    issuer: str,
    purpose: str,
    bitstring: Bitstring,
    valid_from: str,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An UNSIGNED BitstringStatusListCredential (§2.2) publishing ``bitstring`` at ``list_id``.

    The caller signs it with the same securing mechanism as the credentials it serves.
    """
    if len(bitstring) < MIN_ENTRIES:
        raise InvalidInputError(
            f"a status list needs at least {MIN_ENTRIES} bits (herd privacy), got {len(bitstring)}"
        )
    for name, value in (("list_id", list_id), ("issuer", issuer), ("purpose", purpose)):
        if not isinstance(value, str) or not value:
            raise InvalidInputError(f"{name} must be a non-empty string")
    if ttl_ms is not None and (isinstance(ttl_ms, bool) or ttl_ms < 0):
        raise InvalidInputError(f"ttl_ms must be a non-negative integer, got {ttl_ms!r}")
    subject: dict[str, Any] = {
        "id": f"{list_id}#list",
        "type": BITSTRING_LIST,
        "statusPurpose": purpose,
        "encodedList": bitstring.encode(),
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_id,
        "type": ["VerifiableCredential", BITSTRING_CREDENTIAL],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


@dataclass(frozen=True)
class StatusResult:
    """The outcome of §3.2 for one entry.

    ``value`` is the status read from the list; ``valid`` is False only when a ``revocation`` or
    ``suspension`` entry has a non-zero value (other purposes, e.g. ``message`` or ``refresh``,
    inform but never invalidate); ``message`` comes from ``statusMessage`` when given.
    """

    purpose: str
    index: int
    value: int
    valid: bool
    message: str | None


def _as_strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _parse_time(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise _error(f"status list credential {name} must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise _error(f"status list credential {name} is not a date-time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise _error(f"status list credential {name} has no time zone: {value!r}")
    return parsed


def _check_validity_period(list_credential: Mapping[str, Any], now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    for name, legacy in (("validFrom", "issuanceDate"), ("validUntil", "expirationDate")):
        raw = list_credential.get(name, list_credential.get(legacy))
        if raw is None:
            continue
        when = _parse_time(raw, name)
        if name == "validFrom" and now < when:
            raise _error(f"status list credential is not valid before {raw}")
        if name == "validUntil" and now > when:
            raise _error(f"status list credential expired at {raw}")


def _list_subject(list_credential: Mapping[str, Any], list_type: str) -> Mapping[str, Any]:
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping):
        raise _error("status list credential must have exactly one credentialSubject object")
    if list_type not in _as_strings(subject.get("type")):
        raise _error(f"status list credentialSubject.type must be {list_type}")
    return subject


def check_status(
    entry: StatusEntry,
    list_credential: Mapping[str, Any],
    *,
    min_entries: int = MIN_ENTRIES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
    issuer: str | None = None,
) -> StatusResult:
    """Validate ``entry`` against its (already fetched, already proof-checked) list (§3.2).

    Checks: the list credential's type and id, the purpose (STATUS_VERIFICATION_ERROR), the list
    length against ``min_entries`` (STATUS_LIST_LENGTH_ERROR), the index (RANGE_ERROR), then
    reads the value. With ``now`` (timezone-aware) the list's validFrom/validUntil are checked;
    with ``issuer`` (the credential's issuer id) the list must have the same issuer, as the
    reference implementation requires by default.
    """
    if not isinstance(list_credential, Mapping):
        raise _error("status list credential must be a JSON object")
    credential_type, list_type, multibase = _METHODS[entry.type]
    if credential_type not in _as_strings(list_credential.get("type")):
        raise _error(f"the status list credential's type must include {credential_type}")
    list_id = list_credential.get("id")
    if list_id is not None and list_id != entry.status_list_credential:
        raise _error(
            f"status list credential id {list_id!r} is not the entry's statusListCredential "
            f"{entry.status_list_credential!r}"
        )
    if issuer is not None:
        list_issuer = list_credential.get("issuer")
        if isinstance(list_issuer, Mapping):
            list_issuer = list_issuer.get("id")
        if list_issuer != issuer:
            raise _error(f"status list issuer {list_issuer!r} is not the credential's {issuer!r}")
    if now is not None:
        _check_validity_period(list_credential, now)
    subject = _list_subject(list_credential, list_type)
    purposes = _as_strings(subject.get("statusPurpose"))
    if entry.status_purpose not in purposes:
        raise _error(
            f"status purpose {entry.status_purpose!r} is not a purpose of the list "
            f"({', '.join(purposes) or 'none'})"
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise _malformed("the status list's encodedList must be a string")
    bits = Bitstring.decode(encoded, max_bytes=max_bytes, legacy=not multibase)
    entries = len(bits) // entry.status_size
    if entries < min_entries:
        raise _error(
            f"status list has {entries} entries, fewer than the minimum {min_entries}",
            STATUS_LIST_LENGTH_ERROR,
        )
    if entry.status_list_index >= entries:
        raise _error(
            f"statusListIndex {entry.status_list_index} is outside the list of {entries} entries",
            RANGE_ERROR,
        )
    value = bits.get_value(entry.status_list_index, status_size=entry.status_size)
    message = next((m.message for m in entry.status_messages if m.status == value), None)
    valid = not (value and entry.status_purpose in _INVALIDATING_PURPOSES)
    return StatusResult(
        purpose=entry.status_purpose,
        index=entry.status_list_index,
        value=value,
        valid=valid,
        message=message,
    )
