"""LinkedIn "Add to profile" links (issue 4, "LinkedIn 'Add to profile' link pre-filled").

LinkedIn's *Add to Profile for Certifications* (LinkedIn developer documentation, "Add To Profile
for Certifications"; also used by the ``linkedin-certification`` npm package) opens the member's
"Add license or certification" form pre-filled from the query of
``https://www.linkedin.com/profile/add``: ``startTask=CERTIFICATION_NAME``, ``name`` (the
certification), ``organizationId`` (a LinkedIn company id) or ``organizationName``,
``issueYear`` / ``issueMonth``, ``expirationYear`` / ``expirationMonth`` (months 1-12),
``certUrl`` (where the credential can be seen) and ``certId`` (its identifier). Nothing is sent
to LinkedIn by microcred: the learner follows the link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import quote, urlencode

from microcred.errors import InvalidInputError

ADD_TO_PROFILE: Final = "https://www.linkedin.com/profile/add"


def add_to_profile_url(
    *,
    name: str,
    organisation_name: str | None = None,
    organisation_id: str | None = None,
    issued: datetime | None = None,
    expires: datetime | None = None,
    cert_url: str | None = None,
    cert_id: str | None = None,
) -> str:
    """The pre-filled "Add to profile" URL; every value percent-encoded (RFC 3986 §2.1, spaces as
    ``%20``). ``organisation_id`` (LinkedIn's numeric company id) wins over the name."""
    title = " ".join(name.split()) if isinstance(name, str) else ""
    if not title:
        raise InvalidInputError("name: the certification needs a name")
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", title)]
    if organisation_id:
        params.append(("organizationId", organisation_id))
    elif organisation_name and organisation_name.strip():
        params.append(("organizationName", " ".join(organisation_name.split())))
    if issued is not None:
        params += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if expires is not None:
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    if cert_url:
        params.append(("certUrl", cert_url))
    if cert_id:
        params.append(("certId", cert_id))
    return f"{ADD_TO_PROFILE}?{urlencode(params, quote_via=quote, safe='')}"
