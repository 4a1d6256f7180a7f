"""A safe YAML loader whose mappings and sequences remember their line numbers."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key."""

    line: int | None = None
    key_lines: dict


class LineList(list):
    """A sequence that remembers its line."""

    line: int | None = None


class Loader(yaml.SafeLoader):
    """A safe loader whose mappings and sequences carry line numbers."""


def construct_map(loader, node):
    """Build a LineDict (YAML 1.1 boolean keys become "true"/"false")."""
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):  # YAML 1.1 reads ``true:``/``false:`` keys as booleans
            key = "true" if key else "false"
        data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)


def construct_seq(loader, node):
    """Build a LineList."""
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)


Loader.add_constructor("tag:yaml.org,2002:map", construct_map)
Loader.add_constructor("tag:yaml.org,2002:seq", construct_seq)
