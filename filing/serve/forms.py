"""The deal form, generated from the deal's JSON Schema: one input per field, named by the same path the findings use
(``token.tranches[1].coupon_rate``), so each finding can be shown beside the field it points at.

Why edit the round-trip YAML tree rather than the model: the deal file stays the user's, with its comments and
order, and only the fields changed in the form are touched. Objects and list items the deal does not have yet are
not offered (a new tranche is added in the YAML); every scalar field of the objects it has is, present or not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from filing.packet.environment import Lang, load_glossary, make_environment

_SEGMENT = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@dataclass
class Field:
    path: str
    label_en: str
    label_zh: str
    kind: str
    """group, list (of scalars, comma-separated), select, number or text."""
    value: str = ""
    options: tuple[str, ...] = ()
    help: str = ""
    required: bool = False
    children: list[Field] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def leaves(self) -> list[Field]:
        return [self] if self.kind != "group" else [leaf for child in self.children for leaf in child.leaves()]

    def every(self) -> list[Field]:
        return [self, *(f for child in self.children for f in child.every())]


@cache
def _glossary() -> Mapping[str, Lang]:
    return load_glossary(make_environment())


ACRONYMS = frozenset({"uscc", "lei", "isin", "hhi", "dscr"})
NOT_FIELD_WORDS = frozenset({"title"})
"""Glossary entries whose document sense is not the deal field's (``title`` is a checklist column there)."""


def label(key: str, parent: str = "") -> tuple[str, str]:
    """English and Chinese label of a field: the glossary's words for ``<parent>_<name>`` or ``<name>`` (without a
    ``_zh``/``_en`` suffix), else the name in words; the suffix says which language the field holds."""
    words = _glossary()["en"].words, _glossary()["zh"].words
    base, _, lang = key.rpartition("_") if key.endswith(("_zh", "_en")) else (key, "", "")
    plain = base.upper() if base in ACRONYMS else base.replace("_", " ").capitalize()
    found = next((k for k in (f"{parent}_{base}", base) if k in words[0] and k not in NOT_FIELD_WORDS), None)
    en, zh = (words[0][found], words[1][found]) if found else (plain, "")
    suffix = {"zh": (" (Chinese)", "（中文）"), "en": (" (English)", "（英文）")}.get(lang, ("", ""))
    return en + suffix[0], (zh + suffix[1]) if zh else ""


def fields(schema: dict[str, Any], tree: Any) -> list[Field]:
    """The form of a deal: a group per object the deal has, an input per scalar field of each."""
    return _object(schema, schema, tree, "")


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` and unwrap ``anyOf [X, null]`` / single ``allOf``, keeping the outer description."""
    while True:
        if "$ref" in node:
            node = {**root["$defs"][node["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}
        elif "allOf" in node and len(node["allOf"]) == 1:
            node = {**node["allOf"][0], **{k: v for k, v in node.items() if k != "allOf"}}
        elif "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            if len(options) != 1:
                return {k: v for k, v in node.items() if k != "anyOf"} | {"type": "string"}
            node = {**options[0], **{k: v for k, v in node.items() if k != "anyOf"}}
        else:
            return node


def _object(root: dict[str, Any], node: dict[str, Any], data: Any, prefix: str) -> list[Field]:
    found = []
    required = set(node.get("required", ()))
    for key, sub in node.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        value = data.get(key) if isinstance(data, Mapping) else None
        made = _field(root, _resolve(root, sub), value, path, key, key in required)
        if made is not None:
            found.append(made)
    return found


def _field(root: dict[str, Any], node: dict[str, Any], value: Any, path: str, key: str,
           required: bool) -> Field | None:
    en, zh = label(key, re.sub(r"\[\d+\]$", "", path.rpartition(".")[0]).rpartition(".")[2])
    common = {"label_en": en, "label_zh": zh, "help": node.get("description", ""), "required": required}
    if node.get("type") == "object" or "properties" in node:
        if not isinstance(value, Mapping) or "properties" not in node:
            return None
        return Field(path, kind="group", children=_object(root, node, value, path), **common)
    if node.get("type") == "array":
        items = _resolve(root, node.get("items", {}))
        if items.get("type") == "object" or "properties" in items:
            if not isinstance(value, list) or not value:
                return None
            children = [Field(f"{path}[{i}]", f"{en} {i + 1}", f"{zh} {i + 1}" if zh else "", "group",
                              children=_object(root, items, item, f"{path}[{i}]")) for i, item in enumerate(value)]
            return Field(path, kind="group", children=children, **common)
        return Field(path, kind="list", value=", ".join(_text(v) for v in value or []), **common)
    if "enum" in node or "const" in node:
        options = tuple(str(o) for o in node.get("enum", [node.get("const")]))
        return Field(path, kind="select", value=_text(value), options=("", *options), **common)
    if node.get("type") == "boolean":
        return Field(path, kind="select", value=_text(value), options=("", "true", "false"), **common)
    kind = "number" if node.get("type") in ("number", "integer") else "text"
    return Field(path, kind=kind, value=_text(value), **common)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply(form_fields: list[Field], submitted: Mapping[str, str], tree: CommentedMap) -> list[str]:
    """Write every submitted value that differs from the form's into the tree; the paths changed."""
    changed = []
    for leaf in (leaf for top in form_fields for leaf in top.leaves()):
        given = submitted.get(leaf.path)
        if given is None or given.strip() == leaf.value:
            continue
        set_path(tree, leaf.path, _value(leaf, given.strip()))
        changed.append(leaf.path)
    return changed


def _value(leaf: Field, text: str) -> Any:
    """The YAML value of a form entry: None clears the field; numbers stay exact (an int, or the text as written)."""
    if text == "":
        return None
    if leaf.kind == "list":
        return CommentedSeq(part.strip() for part in re.split(r"[,\n]", text) if part.strip())
    if leaf.options == ("", "true", "false"):
        return text == "true"
    if leaf.kind == "number" and re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def set_path(tree: CommentedMap, path: str, value: Any) -> None:
    """Set (or, for None, remove) the value at a finding-style path; missing mappings on the way are created."""
    parts = [int(index) if index else name for index, name in _SEGMENT.findall(path)]
    node: Any = tree
    for part in parts[:-1]:
        if isinstance(part, str) and not isinstance(node.get(part), (dict, list)):
            node[part] = CommentedMap()
        node = node[part]
    last = parts[-1]
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    node[last] = value


def attach(form_fields: list[Field], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each finding on the field (or group) its path names, or on the nearest enclosing one; the findings that
    fit no field are returned, to be shown above the form."""
    by_path = {f.path: f for top in form_fields for f in top.every()}
    loose = []
    for finding in findings:
        path = finding.get("path") or ""
        while path and path not in by_path:
            path = re.sub(r"(\.[^.\[\]]*|\[[^\]]*\])$", "", path) if re.search(r"[.\[]", path) else ""
        if path:
            by_path[path].findings.append(finding)
        else:
            loose.append(finding)
    return loose
