"""Avro schema validation, identity and Confluent compatibility checks for the hub's schema registry.

Validation uses fastavro's parser; compatibility uses Apache ``avro``'s
:class:`avro.compatibility.ReaderWriterCompatibilityChecker` (the checker Karapace uses). Directions follow
Confluent (STACK_NOTES §3.3):

* ``BACKWARD``: the new schema, as *reader*, can read data written with the previous schema;
* ``FORWARD``: the previous schema, as reader, can read data written with the new schema;
* ``FULL``: both; ``NONE``: no check;
* ``*_TRANSITIVE``: checked against every previous (non-deleted) version instead of only the latest.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import avro.errors
import avro.schema
import fastavro
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

PRIMITIVE_TYPES = frozenset({"null", "boolean", "int", "long", "float", "double", "bytes", "string"})


class CompatibilityLevel(StrEnum):
    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")

    @property
    def checks_backward(self) -> bool:
        return self.value.startswith(("BACKWARD", "FULL"))

    @property
    def checks_forward(self) -> bool:
        return self.value.startswith(("FORWARD", "FULL"))


DEFAULT_LEVEL = CompatibilityLevel.BACKWARD
INVALID_LEVEL_MESSAGE = (
    "Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, "
    "forward_transitive, and full_transitive"
)


def parse_level(value: object) -> CompatibilityLevel:
    """Parse a compatibility level case-insensitively (Confluent accepts ``full`` as well as ``FULL``)."""
    if not isinstance(value, str):
        raise ValueError(INVALID_LEVEL_MESSAGE)
    try:
        return CompatibilityLevel(value.strip().upper())
    except ValueError:
        raise ValueError(INVALID_LEVEL_MESSAGE) from None


class InvalidSchemaError(ValueError):
    """The submitted text is not a valid Avro schema (Confluent error 42201)."""


@dataclass(frozen=True, slots=True)
class ParsedSchema:
    """A validated Avro schema.

    ``text`` is what the registry stores and returns: the submitted JSON without insignificant whitespace,
    keeping key order and every extra attribute (``"pii": true``, ``doc``, defaults …).
    ``identity`` decides whether two submissions are "the same schema": a normalised form (full names,
    sorted keys, ``{"type": "int"}`` == ``"int"``) that ignores formatting but — unlike the Parsing Canonical
    Form — keeps defaults, aliases, docs and custom attributes, as Confluent does (it compares
    ``Schema.toString()``). Using the bare Parsing Canonical Form would hand back an older id whose text lacks
    a newly added ``pii`` flag or a changed default.
    ``canonical`` is the Avro Parsing Canonical Form (for fingerprints / diagnostics).
    """

    text: str
    identity: str
    canonical: str


def _normalise(node: Any) -> Any:
    if isinstance(node, dict):
        if set(node) == {"type"} and node["type"] in PRIMITIVE_TYPES:
            return node["type"]
        return {k: _normalise(v) for k, v in sorted(node.items())}
    if isinstance(node, list):
        return [_normalise(v) for v in node]
    return node


def parse_schema(text: str) -> ParsedSchema:
    """Validate an Avro schema given as JSON text; raise :class:`InvalidSchemaError` if it is not one."""
    try:
        raw = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise InvalidSchemaError(f"Invalid schema: not valid JSON ({exc})") from None
    try:
        parsed = fastavro.parse_schema(raw, _write_hint=False, _force=True)
        canonical = fastavro.schema.to_parsing_canonical_form(raw)
        avro.schema.parse(text)  # the compatibility checker needs Apache avro to accept it too
    except (
        avro.errors.AvroException,
        fastavro.schema.SchemaParseException,
        TypeError,
        ValueError,
        KeyError,
        AttributeError,
    ) as exc:
        raise InvalidSchemaError(f"Invalid schema: {exc}") from None
    return ParsedSchema(
        text=json.dumps(raw, separators=(",", ":"), ensure_ascii=False),
        identity=json.dumps(_normalise(parsed), sort_keys=True, separators=(",", ":"), ensure_ascii=False),
        canonical=canonical,
    )


@dataclass(frozen=True, slots=True)
class CompatibilityResult:
    is_compatible: bool
    messages: list[str] = field(default_factory=list)


def _reader_writer(reader: avro.schema.Schema, writer: avro.schema.Schema, context: str) -> list[str]:
    checker = ReaderWriterCompatibilityChecker()  # type: ignore[no-untyped-call, unused-ignore]
    result = checker.get_compatibility(reader, writer)
    if result.compatibility is not SchemaCompatibilityType.incompatible:
        return []
    kinds = ", ".join(sorted({k.value.upper() for k in result.incompatibilities}))
    locations = ", ".join(sorted(result.locations))
    return [f"{context}: {m} [{kinds} at {locations}]" for m in sorted(result.messages)]


def check_compatibility(
    level: CompatibilityLevel | str,
    new_schema: str,
    previous: Sequence[str],
    versions: Sequence[int] | None = None,
) -> CompatibilityResult:
    """Check ``new_schema`` against ``previous`` schemas (oldest first) under ``level``.

    Non-transitive levels only look at the last of ``previous``. ``versions`` (same length as ``previous``)
    only labels the messages. Raises :class:`InvalidSchemaError` if any schema cannot be parsed.
    """
    level = parse_level(level)
    labels = list(versions) if versions is not None else list(range(1, len(previous) + 1))
    if len(labels) != len(previous):
        raise ValueError("versions must have the same length as previous")
    if level is CompatibilityLevel.NONE or not previous:
        return CompatibilityResult(True)
    pairs = list(zip(labels, previous, strict=True))
    if not level.transitive:
        pairs = pairs[-1:]
    try:
        new = avro.schema.parse(new_schema)
        olds = [(label, avro.schema.parse(text)) for label, text in pairs]
    except (avro.errors.AvroException, TypeError, ValueError) as exc:
        raise InvalidSchemaError(f"Invalid schema: {exc}") from None
    messages: list[str] = []
    for label, old in olds:
        if level.checks_backward:
            messages += _reader_writer(new, old, f"new schema cannot read data written with version {label}")
        if level.checks_forward:
            messages += _reader_writer(old, new, f"version {label} cannot read data of the new schema")
    if messages:
        messages.append(f"compatibility: {level.value}")
    return CompatibilityResult(not messages, messages)
