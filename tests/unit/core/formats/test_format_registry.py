"""The ``Format`` plug-in protocol and its registry."""

from __future__ import annotations

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, example_award

from microcred.core.formats import Format, FormatRegistry, default_registry
from microcred.core.formats.ob3 import OB3


def test_default_registry_detects_ob3_and_builds() -> None:
    registry = default_registry()
    assert registry.names() == ("ob3",)
    assert isinstance(OB3, Format)
    fmt = registry.get("ob3")
    document = fmt.build(
        example_award(*EXAMPLE_PAIRS[1]), issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s"
    )
    assert registry.detect(document) is fmt
    assert fmt.eu_elements(document).complete
    assert registry.detect({"@context": ["https://w3id.org/openbadges/v2"]}) is None


def test_registry_refuses_duplicates_and_names_known_formats() -> None:
    registry = FormatRegistry((OB3,))
    with pytest.raises(ValueError, match="already registered"):
        registry.register(OB3)
    with pytest.raises(KeyError, match="known: ob3"):
        registry.get("elm")
    assert default_registry() is not default_registry()  # no shared global state
