"""Avro schemas from ``schemas/avro/`` and the Confluent wire format (magic 0, 4-byte big-endian id, body).

Each ``.avsc`` file holds one named type whose namespace matches its folder; references between files are
resolved here, so every top-level record can be registered as one self-contained schema.
"""

from __future__ import annotations

import copy
import io
import json
import struct
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import fastavro

from satudata.settings import PROJECT_ROOT

SCHEMA_ROOT = PROJECT_ROOT / "schemas" / "avro"
MAGIC = 0
_HEADER = struct.Struct(">bI")

PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


class WireFormatError(ValueError):
    """Bytes that are not a Confluent-framed Avro message."""


def frame(schema_id: int, body: bytes) -> bytes:
    if not 0 <= schema_id <= 0xFFFFFFFF:
        raise WireFormatError(f"skema id {schema_id} di luar 0…2³²−1")
    return _HEADER.pack(MAGIC, schema_id) + body


def unframe(data: bytes) -> tuple[int, bytes]:
    if len(data) < _HEADER.size:
        raise WireFormatError(f"pesan terlalu pendek ({len(data)} byte) untuk format Confluent")
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise WireFormatError(f"magic byte {magic} bukan 0 (bukan format Confluent)")
    return schema_id, data[_HEADER.size :]


def _full_name(name: str, namespace: str | None) -> str:
    return name if "." in name or not namespace else f"{namespace}.{name}"


class SchemaCatalog:
    """All named types under a schema root, indexed by full name."""

    def __init__(self, root: Path = SCHEMA_ROOT) -> None:
        self.root = root
        self._types: dict[str, dict[str, Any]] = {}
        for path in sorted(root.rglob("*.avsc")):
            schema = json.loads(path.read_text(encoding="utf-8"))
            full = _full_name(schema["name"], schema.get("namespace"))
            expected = path.relative_to(root).with_suffix("").as_posix().replace("/", ".")
            if full != expected:
                raise ValueError(f"{path}: type {full} does not match its path ({expected})")
            self._types[full] = schema

    def names(self) -> list[str]:
        return sorted(self._types)

    def schema(self, full_name: str) -> dict[str, Any]:
        """Self-contained schema: each named type defined inline at first use, referenced by name after."""
        inlined: dict[str, Any] = _inline(self._types[full_name], self._types, set(), None)
        return copy.deepcopy(inlined)  # callers may modify it; the catalogue's types stay intact

    def parsed(self, full_name: str) -> Any:
        return parse(self.schema(full_name))


def _inline(node: Any, types: Mapping[str, dict[str, Any]], seen: set[str], namespace: str | None) -> Any:
    if isinstance(node, str):
        if node in PRIMITIVES:
            return node
        full = _full_name(node, namespace)
        if full in seen or full not in types:
            return full
        return _inline(types[full], types, seen, namespace)
    if isinstance(node, list):
        return [_inline(n, types, seen, namespace) for n in node]
    if isinstance(node, dict):
        kind = node.get("type")
        if kind in ("record", "enum", "fixed"):
            ns = node.get("namespace", namespace)
            full = _full_name(node["name"], ns)
            seen.add(full)
            out = dict(node)
            if kind == "record":
                out["fields"] = [{**f, "type": _inline(f["type"], types, seen, ns)} for f in node["fields"]]
            return out
        if kind == "array":
            return {**node, "items": _inline(node["items"], types, seen, namespace)}
        if kind == "map":
            return {**node, "values": _inline(node["values"], types, seen, namespace)}
        if isinstance(kind, (dict, list)) or (isinstance(kind, str) and kind not in PRIMITIVES):
            return {**node, "type": _inline(kind, types, seen, namespace)}
        return node
    return node


def parse(schema: dict[str, Any] | str) -> Any:
    raw = json.loads(schema) if isinstance(schema, str) else schema
    return fastavro.parse_schema(raw, _write_hint=False)


@cache
def catalog() -> SchemaCatalog:
    return SchemaCatalog()


def encode_body(parsed_schema: Any, record: Mapping[str, Any]) -> bytes:
    buf = io.BytesIO()
    fastavro.schemaless_writer(buf, parsed_schema, record)
    return buf.getvalue()


def decode_body(body: bytes, writer_schema: Any, reader_schema: Any | None = None) -> Any:
    return fastavro.schemaless_reader(io.BytesIO(body), writer_schema, reader_schema)
