"""The errors a use case raises on purpose, each with its RFC 9457 problem type.

The API maps them to HTTP: :class:`Unauthenticated` 401, :class:`PermissionDenied` 403,
:class:`NotFound` 404, :class:`Conflict` 409. Input errors stay the core's
:class:`~microcred.errors.InvalidInputError` family (400/422).
"""

from __future__ import annotations

from microcred.errors import MICROCRED, MicrocredError


class ServiceError(MicrocredError):
    """Base of the issuer service's own errors."""

    problem_type = MICROCRED + "SERVICE_ERROR"


class Unauthenticated(ServiceError):  # noqa: N818 -- named after the HTTP status it maps to
    """No valid credentials: an unknown, malformed or revoked API key."""

    problem_type = MICROCRED + "UNAUTHENTICATED"


class PermissionDenied(ServiceError):  # noqa: N818
    """The principal may not do this: another organisation, or a role too low."""

    problem_type = MICROCRED + "PERMISSION_DENIED"


class NotFound(ServiceError):  # noqa: N818
    """No such thing, or not one the principal's organisation may see."""

    problem_type = MICROCRED + "NOT_FOUND"


class Conflict(ServiceError):  # noqa: N818
    """The request clashes with the current state (a taken slug, an unpublished version...)."""

    problem_type = MICROCRED + "CONFLICT"
