"""A PNG baked by microcred is unbaked by independent Node code and verified by the JS stack.

OB 3.0 §5.3: ``tests/interop/node/unbake.mjs`` reads the ``openbadgecredential`` iTXt chunk with
plain Buffer code (checking every CRC-32) and verifies the text with the reference stack.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interop import interop_support as mc
from interop.peer import JsPeer
from microcred.core.formats.baking import bake_png

pytestmark = pytest.mark.interop

PNG = Path(__file__).resolve().parents[1] / "vectors" / "baking" / "badge.png"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "vc-jwt"])
def test_js_peer_verifies_a_credential_microcred_baked(js_peer: JsPeer, suite: str) -> None:
    signed = mc.sign(mc.unsigned(*mc.example("en")), suite=suite)
    text = signed if isinstance(signed, str) else json.dumps(signed, ensure_ascii=False)
    verdict = js_peer.verify_baked(bake_png(PNG.read_bytes(), text), now=mc.CHECK_AT_ISO)
    assert verdict["verified"] is True, verdict.get("errors")
    unbaked = verdict["unbaked"]
    assert (unbaked["compressed"], unbaked["position"]) == (False, 1)  # right after IHDR
    assert (unbaked["languageTag"], unbaked["translatedKeyword"]) == ("", "")
    assert unbaked["length"] == len(text)


def test_js_peer_rejects_a_tampered_baked_credential(js_peer: JsPeer) -> None:
    signed = mc.sign(mc.unsigned(*mc.example("en")))
    assert isinstance(signed, dict)
    tampered = json.dumps({**signed, "validFrom": "2020-01-01T00:00:00Z"})
    verdict = js_peer.verify_baked(bake_png(PNG.read_bytes(), tampered), now=mc.CHECK_AT_ISO)
    assert verdict["verified"] is False
