"""Compatibility matrix of the hub's schema registry (Confluent semantics, Apache avro's checker)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api.registry.compatibility import (
    CompatibilityLevel,
    InvalidSchemaError,
    check_compatibility,
    parse_level,
    parse_schema,
)

L = CompatibilityLevel


def record(*fields: dict[str, Any], name: str = "Penduduk") -> str:
    return json.dumps({"type": "record", "name": name, "namespace": "id.bima", "fields": list(fields)})


NIK = {"name": "nik", "type": "string"}
UMUR_INT = {"name": "umur", "type": "int"}
UMUR_LONG = {"name": "umur", "type": "long"}
RT_DEFAULT = {"name": "rt", "type": "string", "default": "000"}
RT_NO_DEFAULT = {"name": "rt", "type": "string"}

BASE = record(NIK, UMUR_INT)
ADD_WITH_DEFAULT = record(NIK, UMUR_INT, RT_DEFAULT)
ADD_WITHOUT_DEFAULT = record(NIK, UMUR_INT, RT_NO_DEFAULT)
REMOVE_FIELD = record(NIK)
WIDEN_INT_TO_LONG = record(NIK, UMUR_LONG)
CHANGE_TYPE = record(NIK, {"name": "umur", "type": "string"})
RENAME_WITH_ALIAS = record(NIK, {"name": "usia", "type": "int", "aliases": ["umur"]})
RENAME_NO_ALIAS = record(NIK, {"name": "usia", "type": "int"})
NULLABLE_WITH_DEFAULT = record(NIK, UMUR_INT, {"name": "rt", "type": ["null", "string"], "default": None})

# (new schema, compatible under BACKWARD, under FORWARD), each checked against BASE as the previous version.
MATRIX = {
    "add field with default": (ADD_WITH_DEFAULT, True, True),
    "add nullable field with default": (NULLABLE_WITH_DEFAULT, True, True),
    "add field without default": (ADD_WITHOUT_DEFAULT, False, True),
    "remove field without default": (REMOVE_FIELD, True, False),
    "widen int to long": (WIDEN_INT_TO_LONG, True, False),
    "change int to string": (CHANGE_TYPE, False, False),
    "rename with alias": (RENAME_WITH_ALIAS, True, False),
    "rename without alias": (RENAME_NO_ALIAS, False, False),
    "identical": (BASE, True, True),
}


@pytest.mark.parametrize("case", sorted(MATRIX))
@pytest.mark.parametrize("level", list(CompatibilityLevel))
def test_matrix_against_one_previous_version(case: str, level: CompatibilityLevel) -> None:
    new, backward_ok, forward_ok = MATRIX[case]
    expected = {
        L.NONE: True,
        L.BACKWARD: backward_ok,
        L.BACKWARD_TRANSITIVE: backward_ok,
        L.FORWARD: forward_ok,
        L.FORWARD_TRANSITIVE: forward_ok,
        L.FULL: backward_ok and forward_ok,
        L.FULL_TRANSITIVE: backward_ok and forward_ok,
    }[level]
    result = check_compatibility(level, new, [BASE])
    assert result.is_compatible is expected, result.messages
    assert bool(result.messages) is not expected


def test_messages_are_human_readable() -> None:
    result = check_compatibility(L.BACKWARD, ADD_WITHOUT_DEFAULT, [BASE], versions=[3])
    assert not result.is_compatible
    assert any(
        "version 3" in m and "rt" in m and "READER_FIELD_MISSING_DEFAULT_VALUE" in m for m in result.messages
    ), result.messages
    assert result.messages[-1] == "compatibility: BACKWARD"

    result = check_compatibility(L.FULL, CHANGE_TYPE, [BASE])
    assert any("cannot read data written with version 1" in m for m in result.messages)
    assert any("version 1 cannot read data of the new schema" in m for m in result.messages)
    assert any("TYPE_MISMATCH" in m for m in result.messages)


def test_transitive_checks_every_previous_version() -> None:
    # v1 has "umur"; v2 drops it; v3 re-adds "umur" as string without default.
    v1, v2 = BASE, REMOVE_FIELD
    v3 = record(NIK, {"name": "umur", "type": "string", "default": ""})
    # BACKWARD: v3 reads v2 data (umur missing → default) — fine against the latest only …
    assert check_compatibility(L.BACKWARD, v3, [v1, v2]).is_compatible
    # … but v3 cannot read v1 data (int → string), which the transitive mode catches.
    transitive = check_compatibility(L.BACKWARD_TRANSITIVE, v3, [v1, v2], versions=[1, 2])
    assert not transitive.is_compatible
    assert any("version 1" in m for m in transitive.messages)
    assert not any("version 2" in m for m in transitive.messages)
    assert not check_compatibility(L.FULL_TRANSITIVE, v3, [v1, v2]).is_compatible
    # FORWARD_TRANSITIVE: v1 cannot read v3's string umur.
    assert check_compatibility(L.FORWARD, v3, [v1, v2]).is_compatible
    assert not check_compatibility(L.FORWARD_TRANSITIVE, v3, [v1, v2]).is_compatible


def test_no_previous_version_is_always_compatible() -> None:
    for level in CompatibilityLevel:
        assert check_compatibility(level, BASE, []).is_compatible


def test_enum_symbols_and_record_name() -> None:
    enum_ab = record({"name": "jk", "type": {"type": "enum", "name": "JK", "symbols": ["L", "P"]}})
    enum_abc = record({"name": "jk", "type": {"type": "enum", "name": "JK", "symbols": ["L", "P", "X"]}})
    assert check_compatibility(L.BACKWARD, enum_abc, [enum_ab]).is_compatible  # new reader knows more symbols
    assert not check_compatibility(L.FORWARD, enum_abc, [enum_ab]).is_compatible
    assert not check_compatibility(L.BACKWARD, record(NIK, UMUR_INT, name="Lain"), [BASE]).is_compatible


def test_levels_parse_case_insensitively() -> None:
    assert parse_level("full_transitive") is L.FULL_TRANSITIVE
    assert check_compatibility("backward", ADD_WITH_DEFAULT, [BASE]).is_compatible
    for bad in ("SIDEWAYS", "", None, 3):
        with pytest.raises(ValueError, match="Invalid compatibility level"):
            parse_level(bad)


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        '{"type": "record", "fields": []}',
        '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}',
        '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "int", "default": "x"}]}',
        '{"type": "enum", "name": "E", "symbols": ["A", "A"]}',
    ],
)
def test_invalid_schemas_are_rejected(bad: str) -> None:
    with pytest.raises(InvalidSchemaError):
        parse_schema(bad)


def test_identity_ignores_formatting_but_keeps_attributes() -> None:
    compact = parse_schema(BASE)
    spaced = parse_schema(json.dumps(json.loads(BASE), indent=4))
    reordered = parse_schema(
        json.dumps(
            {
                "fields": [{"type": "string", "name": "nik"}, {"type": {"type": "int"}, "name": "umur"}],
                "name": "id.bima.Penduduk",
                "type": "record",
            }
        )
    )
    assert compact.identity == spaced.identity == reordered.identity
    assert compact.text == spaced.text == json.dumps(json.loads(BASE), separators=(",", ":"))

    pii = parse_schema(record({**NIK, "pii": True}, UMUR_INT))
    assert pii.canonical == compact.canonical  # the Parsing Canonical Form drops "pii" …
    assert pii.identity != compact.identity  # … the registry's identity keeps it, so its id differs
    assert '"pii":true' in pii.text
    assert (
        parse_schema(ADD_WITH_DEFAULT).identity
        != parse_schema(record(NIK, UMUR_INT, {**RT_DEFAULT, "default": "001"})).identity
    )
