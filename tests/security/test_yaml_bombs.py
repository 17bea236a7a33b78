"""YAML written by people (catalogue descriptions, pathway rules) cannot expand: anchors and
aliases ("billion laughs"), duplicate keys, absurd nesting and oversized texts are refused
quickly with an error that names the problem, in the core readers and through the pages."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest
from security_support import browser, csrf
from web_support import WebEnv, add_staff, sign_in_staff

from microcred.core.model.description import load_description
from microcred.core.stacking.rules import MAX_RULES_BYTES, parse_rules
from microcred.errors import MicrocredError


def billion_laughs(levels: int = 9) -> str:
    """``a`` is 'lol'; each next anchor is ten aliases of the one before: 10**9 leaves."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        here, before = chr(97 + level), chr(96 + level)
        lines.append(f"{here}: &{here} [{', '.join([f'*{before}'] * 10)}]")
    return "\n".join(lines) + "\n"


def rules_bomb() -> str:
    return billion_laughs() + "rules:\n  all_of: *j\n"


READERS: dict[str, Callable[[str], object]] = {
    "catalogue description": load_description,
    "pathway rules": parse_rules,
}


def refused(read: Callable[[str], object], text: str) -> str:
    """The error ``read`` raises for ``text``: within 2 s, then (a second run, traced) within
    30 MB at peak."""
    started = time.perf_counter()
    with pytest.raises(MicrocredError) as caught:
        read(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.1f} s"
    tracemalloc.start()
    try:
        with pytest.raises(MicrocredError):
            read(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, f"{peak / 1e6:.0f} MB"
    return str(caught.value)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_billion_laughs_yaml_is_refused_quickly(reader: str) -> None:
    text = rules_bomb() if reader == "pathway rules" else billion_laughs()
    message = refused(READERS[reader], text)
    assert "aliases (*name) are not allowed" in message and "line 2" in message


@pytest.mark.parametrize("reader", sorted(READERS))
def test_duplicate_keys_and_deep_nesting_are_refused(reader: str) -> None:
    assert "appears twice" in refused(READERS[reader], "rules: {}\nrules: {}\n")
    message = refused(READERS[reader], "[" * 100_000 + "]" * 100_000)
    assert "nested more than 64 levels deep" in message
    assert "nested more than" in refused(READERS[reader], "a:\n" + "- " * 5_000 + "x\n")


def test_an_oversized_rules_file_is_refused_before_parsing() -> None:
    text = "rules:\n  all_of:\n" + "    - achievement: {id: urn:x}\n" * 20_000
    assert len(text) > MAX_RULES_BYTES
    assert "larger than" in refused(parse_rules, text)


def test_yaml_tags_cannot_build_python_objects() -> None:
    message = refused(parse_rules, "rules: !!python/object/apply:os.system ['true']\n")
    assert "not YAML or JSON" in message


def test_the_pathway_page_answers_a_rules_bomb_with_the_problem(web: WebEnv) -> None:
    web.provider("University of Galway")
    add_staff(web, "owner", "owner@galway.ie")
    assert sign_in_staff(web, "owner@galway.ie").status_code == 303
    client = browser(web)
    form = client.get("/dashboard/pathways/new")
    assert form.status_code == 200
    started = time.perf_counter()
    answer = client.post(
        "/dashboard/pathways/new",
        data={"csrf_token": csrf(form), "slug": "bomb", "rules": rules_bomb()},
    )
    assert time.perf_counter() - started < 2.0
    assert answer.status_code == 422, answer.status_code
    assert "aliases (*name) are not allowed" in answer.text
