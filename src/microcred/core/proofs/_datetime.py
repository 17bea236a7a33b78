"""XML Schema 1.1 ``dateTime`` values as used by ``created``, ``validFrom``, ``validUntil``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DATETIME = re.compile(
    r"^(?P<year>-?\d{4,})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})(?P<fraction>\.\d+)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?$"
)


def parse_datetime(value: object) -> datetime | None:
    """Parse an ``xsd:dateTime``; ``None`` when invalid. No time zone is read as UTC."""
    if not isinstance(value, str):
        return None
    match = _DATETIME.match(value)
    if match is None:
        return None
    year = int(match["year"])
    hour = int(match["hour"])
    extra = timedelta(0)
    if hour == 24:  # 24:00:00 is the end of the day in XSD
        if match["minute"] != "00" or match["second"] != "00" or match["fraction"]:
            return None
        hour, extra = 0, timedelta(days=1)
    tz_text = match["tz"]
    if tz_text is None or tz_text == "Z":
        tz = UTC
    else:
        sign = 1 if tz_text[0] == "+" else -1
        hours, minutes = int(tz_text[1:3]), int(tz_text[4:6])
        if hours > 14 or minutes > 59:
            return None
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    micro = int((match["fraction"] or ".0")[1:7].ljust(6, "0"))
    try:
        parsed = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            hour,
            int(match["minute"]),
            int(match["second"]),
            micro,
            tzinfo=tz,
        )
    except ValueError:
        return None
    return parsed + extra


def is_datetime(value: object) -> bool:
    """True for a valid ``xsd:dateTime`` string."""
    return parse_datetime(value) is not None
