"""YAML read from people (catalogue descriptions, stacking rules) without its hazards.

YAML 1.2 anchors and aliases (``&a`` / ``*a``) let a few hundred bytes stand for an exponential
tree ("billion laughs"): whatever walks the loaded data afterwards (validation, JSON output)
pays for the expansion. :class:`StrictSafeLoader` is PyYAML's safe loader (no Python objects)
that refuses aliases, duplicate keys (YAML 1.2 §3.2.1.1: the keys of a mapping are unique) and
absurd nesting; the callers cap the text's size before loading.
"""

from __future__ import annotations

from typing import Any, Final

import yaml

__all__ = ["MAX_DEPTH", "StrictSafeLoader", "load_strict", "yaml_problem"]


MAX_DEPTH: Final = 64
"""The deepest nesting of sequences and mappings read (PyYAML's recursion is slow to fail)."""


class StrictSafeLoader(yaml.SafeLoader):
    """Safe YAML loader that refuses anchors/aliases, duplicate keys and nesting deeper than
    :data:`MAX_DEPTH`."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed", mark)
        if self._depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.MarkedYAMLError(
                    None, None, f"the key {key!r} appears twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_strict(text: str | bytes) -> Any:
    """The data of one YAML document read with :class:`StrictSafeLoader`; raises
    ``yaml.YAMLError`` (or ``RecursionError`` for absurd nesting), see :func:`yaml_problem`."""
    return yaml.load(text, Loader=StrictSafeLoader)


def yaml_problem(exc: yaml.YAMLError | RecursionError) -> str:
    """What is wrong, in one phrase: ``invalid YAML at line 3, column 5: <problem>``."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return f"invalid YAML{where}: {exc.problem}"
    if isinstance(exc, RecursionError):
        return "invalid YAML: nested too deeply"
    return f"invalid YAML: {exc}"
