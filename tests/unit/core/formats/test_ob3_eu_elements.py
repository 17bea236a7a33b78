"""Reading the Annex I elements back from other issuers' OB 3.0 credentials, and hostile input."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

import pytest
from ob3_test_support import CREDENTIAL_ID, EXAMPLE_PAIRS, ISSUER, VECTORS, example_award

from microcred.core.formats.completeness import ANNEX_I_MANDATORY
from microcred.core.formats.ob3 import build_credential, eu_elements, read_award
from microcred.errors import DocumentParseError

PEER = json.loads((VECTORS / "js-peer-ob3-unsigned.json").read_text(encoding="utf-8"))


def test_js_peer_credential_lacks_the_extension_only_elements() -> None:
    found = eu_elements(PEER)
    assert found.present == (
        "identification of the learner",
        "title of the micro-credential",
        "awarding body(ies)",
        "date of issuing",
    )
    assert found.missing == (
        "country(ies)/region(s) of the issuer",
        "learning outcomes",
        "notional workload",
        "level",
        "type of assessment",
        "form of participation",
        "type of quality assurance",
    )
    assert found.values["identification of the learner"] == {"id": "did:example:learner123"}
    assert found.values["awarding body(ies)"] == [
        {
            "id": "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw",
            "name": "Peer Test Academy",
        }
    ]
    assert not found.complete


def test_native_ob3_fields_are_used_when_extensions_are_absent() -> None:
    document = copy.deepcopy(PEER)
    document["issuer"]["address"] = {"type": ["Address"], "addressCountryCode": "NL"}
    achievement = document["credentialSubject"]["achievement"]
    achievement["creditsAvailable"] = 2.5
    achievement["alignment"] = [
        {"type": ["Alignment"], "targetType": "ext:EQF", "targetName": "EQF 5",
         "targetUrl": "https://example.org/eqf", "targetCode": "5"},
        {"type": ["Alignment"], "targetName": "develop digital content",
         "targetUrl": "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"},
        {"type": ["Alignment"], "targetType": "ext:QualityAssurance",
         "targetName": "NVAO accredited", "targetUrl": "https://www.nvao.net"},
    ]  # fmt: skip
    values = eu_elements(document).values
    assert values["country(ies)/region(s) of the issuer"] == {"countries": ["NL"]}
    assert values["notional workload"] == {"credits": "2.5"}
    assert values["level"] == {"eqf": "http://data.europa.eu/snb/eqf/5"}
    assert values["learning outcomes"] == [
        {"text": "develop digital content",
         "url": "http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a"}
    ]  # fmt: skip
    assert values["type of quality assurance"] == [{"type": "https://www.nvao.net"}]


def test_vcdm_1_1_issuance_date_is_the_date_of_issuing() -> None:
    document = {k: v for k, v in PEER.items() if k != "validFrom"}
    document["issuanceDate"] = "2023-05-01T00:00:00Z"
    assert eu_elements(document).values["date of issuing"] == "2023-05-01T00:00:00Z"


def test_read_award_refuses_a_credential_without_the_extension() -> None:
    with pytest.raises(DocumentParseError, match=r"not a microcred Open Badges 3\.0 credential"):
        read_award(PEER)


def _mutations(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _mutations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _mutations(item, (*path, index))
    return paths


_HOSTILE = (None, 1, -1.5, True, "x", [], {}, [None, 7, "a"], {"@value": []}, float("nan"))


def _replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    clone = copy.deepcopy(document)
    node = clone
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return clone


def test_wrong_types_everywhere_never_raise() -> None:
    document = build_credential(
        example_award(*EXAMPLE_PAIRS[0]), issuer=ISSUER, credential_id=CREDENTIAL_ID, salt="s"
    )
    for path in _mutations(document):
        for value in _HOSTILE:
            hostile = _replaced(document, path, value)
            found = eu_elements(hostile)
            assert not set(found.missing) & set(found.present)
            assert set(found.missing) <= set(ANNEX_I_MANDATORY)
            json.dumps(found.values, allow_nan=True)
            with contextlib.suppress(DocumentParseError):
                read_award(hostile)


@pytest.mark.parametrize(
    "document",
    [None, [], "credential", 42, {"credentialSubject": []},
     {"credentialSubject": {"achievement": 1}},
     {"@context": {"a": 1}, "credentialSubject": [{"achievement": {"learningOutcome": {"x": 1}}}]}],
)  # fmt: skip
def test_non_credentials_have_every_element_missing(document: Any) -> None:
    found = eu_elements(document)
    assert found.present == ()
    assert len(found.missing) == 11


def test_deeply_nested_input_does_not_raise() -> None:
    deep: Any = {}
    for _ in range(5000):
        deep = {"credentialSubject": deep, "issuer": [deep]}
    assert len(eu_elements(deep).missing) == 11
