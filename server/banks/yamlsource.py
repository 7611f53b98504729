"""Read YAML while remembering the line each value came from.

Pydantic reports errors by field path; trainers need a line number.  We walk
PyYAML's node tree once and record the 1-based line of every mapping key and
sequence item, keyed by its path in the constructed data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from quizkiosk.banks.problems import FieldPath


class YamlSourceError(Exception):
    """The text is not valid YAML, or repeats a key."""

    def __init__(self, message: str, line: int | None, path: FieldPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


@dataclass
class YamlDocument:
    data: object
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


class BankYamlLoader(yaml.SafeLoader):
    """SafeLoader reading only true/false as booleans (as YAML 1.2 does).

    Under YAML 1.1 an English option "Yes" or "No" would silently become a
    boolean; in a question bank it is text.
    """


BankYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
BankYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def parse_yaml(text: str) -> YamlDocument:
    loader = BankYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(data=None)
        data = loader.construct_document(node)
        lines: dict[FieldPath, int] = {(): node.start_mark.line + 1}
        _record_lines(loader, node, (), lines)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or str(error)
        raise YamlSourceError(f"bad YAML: {problem}", line) from error
    except yaml.YAMLError as error:
        raise YamlSourceError(f"bad YAML: {error}", None) from error
    finally:
        loader.dispose()
    return YamlDocument(data=data, lines=lines)


def _record_lines(
    loader: BankYamlLoader, node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[object] = set()
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key_part = key if isinstance(key, str) else str(key)
            child = (*path, key_part)
            if key_part in seen:
                raise YamlSourceError(
                    f"duplicate key '{key_part}'", key_node.start_mark.line + 1, child
                )
            seen.add(key_part)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(loader, value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _record_lines(loader, item, child, lines)
