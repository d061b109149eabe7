"""Request checks written as data: a marketplace's documented request fields, checked by one function.

A sandbox refuses what the marketplace refuses. The fields an endpoint takes, which are required, their
types, lengths, ranges and allowed values come from the marketplace's conformance table
(``docs/marketplaces/<code>.md``); writing them here as a ``Schema`` keeps each row next to its source and
leaves the simulator only the marketplace's own wording of a refusal::

    ADD_ITEM = Schema(
        Field("item_name", str, required=True, min_length=1, max_length=120, source="R-add_item"),
        Field("original_price", (int, float), required=True, minimum=0, source="R-add_item"),
        Field("image", dict, required=True, fields=Schema(Field("image_id_list", list, required=True,
                                                                max_length=9, items=Field("", str)))),
    )

    violation = ADD_ITEM.first_violation(body)
    if violation:
        raise ApiError("error_param", f"Wrong parameters, detail: {violation.path} is required.")

``violations`` lists every broken rule in field order (a field's later rules are skipped once one fails);
``Violation.rule`` says which (``required``, ``type``, ``min_length``, ``max_length``, ``minimum``,
``maximum``, ``choices``, ``unknown``), so each marketplace maps it to its own error code and message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EMPTY", "Field", "Schema", "Violation"]

#: what counts as "not given" for a required field: missing, null, or an empty string, list or object
EMPTY = (None, "", [], {})


@dataclass(frozen=True)
class Field:
    """One documented request field. ``kind`` is the JSON type (``int`` never accepts a bool); lengths apply
    to strings and lists, ``minimum``/``maximum`` to numbers; ``items`` checks each element of a list (a
    ``Schema`` for objects) and ``fields`` the members of an object. ``source`` names the conformance table's
    source key for the row (``R-…``, ``S-…``)."""

    name: str
    kind: type | tuple[type, ...] = object
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple = ()
    items: Field | Schema | None = None
    fields: Schema | None = None
    source: str = ""


@dataclass(frozen=True)
class Violation:
    """A rule a request breaks: where (``image.image_id_list[3]``), which rule, and the field's row."""

    path: str
    rule: str
    field: Field
    value: Any = None

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}"


@dataclass(frozen=True, init=False)
class Schema:
    """The fields of one request object. ``allow_unknown`` False refuses members the table does not list."""

    fields: tuple[Field, ...]
    allow_unknown: bool = field(default=True)

    def __init__(self, *fields: Field, allow_unknown: bool = True) -> None:
        object.__setattr__(self, "fields", tuple(fields))
        object.__setattr__(self, "allow_unknown", allow_unknown)

    def violations(self, data: Any, *, path: str = "") -> list[Violation]:
        """Every rule ``data`` (a decoded JSON object) breaks, in the order the fields are listed."""
        if not isinstance(data, Mapping):
            return [Violation(path=path or "$", rule="type", field=Field(path, dict), value=data)]
        found: list[Violation] = []
        for spec in self.fields:
            found.extend(_check(spec, data.get(spec.name), f"{path}.{spec.name}" if path else spec.name,
                                given=spec.name in data))
        if not self.allow_unknown:
            known = {spec.name for spec in self.fields}
            found.extend(Violation(path=f"{path}.{name}" if path else str(name), rule="unknown", field=Field(str(name)),
                                   value=data[name]) for name in data if name not in known)
        return found

    def first_violation(self, data: Any) -> Violation | None:
        """The first rule ``data`` breaks, or None when it keeps them all."""
        found = self.violations(data)
        return found[0] if found else None


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return False  # JSON true is not a number
    return isinstance(value, kinds)


def _check(spec: Field, value: Any, path: str, *, given: bool = True) -> list[Violation]:
    if not given or value in EMPTY:
        return [Violation(path=path, rule="required", field=spec, value=value)] if spec.required else []
    if not _is_kind(value, spec.kind):
        return [Violation(path=path, rule="type", field=spec, value=value)]
    if isinstance(value, str | list):
        if spec.min_length is not None and len(value) < spec.min_length:
            return [Violation(path=path, rule="min_length", field=spec, value=value)]
        if spec.max_length is not None and len(value) > spec.max_length:
            return [Violation(path=path, rule="max_length", field=spec, value=value)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        if spec.minimum is not None and value < spec.minimum:
            return [Violation(path=path, rule="minimum", field=spec, value=value)]
        if spec.maximum is not None and value > spec.maximum:
            return [Violation(path=path, rule="maximum", field=spec, value=value)]
    if spec.choices and value not in spec.choices:
        return [Violation(path=path, rule="choices", field=spec, value=value)]
    found: list[Violation] = []
    if spec.fields is not None:
        found.extend(spec.fields.violations(value, path=path))
    if spec.items is not None and isinstance(value, list):
        for index, element in enumerate(value):
            where = f"{path}[{index}]"
            if isinstance(spec.items, Schema):
                found.extend(spec.items.violations(element, path=where))
            else:
                found.extend(_check(spec.items, element, where))
    return found
