"""The Avro schema catalogue under ``schemas/avro`` and the Confluent wire format."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import avro.schema
import fastavro
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.registry.compatibility import CompatibilityLevel, check_compatibility
from satudata.avro import (
    SCHEMA_ROOT,
    SchemaCatalog,
    WireFormatError,
    catalog,
    decode_body,
    encode_body,
    frame,
    parse,
    unframe,
)
from satudata.penduduk import SCHEMA_NAME

PENDUDUK_NAMES = [
    "satudata.simatik.Operation",
    "satudata.simatik.Penduduk",
    "satudata.simatik.PerubahanPenduduk",
    "satudata.simatik.Source",
]
IMAGES = [
    "Keluarga",
    "Penduduk",
    "Peristiwa",
    "PeristiwaKeluarga",
    "PesertaBantuan",
    "ProgramBantuan",
    "Surat",
]
NAMES = sorted(
    [f"satudata.simatik.{n}" for n in ("Operation", "Source", *IMAGES)]
    + [f"satudata.simatik.Perubahan{n}" for n in IMAGES]
)


def definitions(node: Any) -> list[str]:
    """Full names of the named types a schema defines inline (a bare string is a reference)."""
    if isinstance(node, list):
        return [name for n in node for name in definitions(n)]
    if not isinstance(node, dict):
        return []
    found = []
    if node.get("type") in ("record", "enum", "fixed"):
        found.append(f"{node['namespace']}.{node['name']}" if "namespace" in node else node["name"])
    for field in node.get("fields", []):
        found += definitions(field["type"])
    for key in ("type", "items", "values"):
        if isinstance(node.get(key), (dict, list)):
            found += definitions(node[key])
    return found


# -- the catalogue --


def test_catalogue_holds_every_avsc_file_under_the_schema_root() -> None:
    files = sorted(SCHEMA_ROOT.rglob("*.avsc"))
    assert len(files) == len(NAMES)
    assert catalog().names() == NAMES
    assert catalog() is catalog()


@pytest.mark.parametrize("path", sorted(SCHEMA_ROOT.rglob("*.avsc")), ids=lambda p: p.stem)
def test_namespace_and_name_match_the_file_path(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    folder = path.parent.relative_to(SCHEMA_ROOT).as_posix().replace("/", ".")
    assert (schema["namespace"], schema["name"]) == (folder, path.stem)


def test_catalogue_refuses_a_type_whose_namespace_does_not_match_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "satudata" / "simatik"
    folder.mkdir(parents=True)
    (folder / "Salah.avsc").write_text(
        json.dumps({"type": "enum", "name": "Salah", "namespace": "satudata.lain", "symbols": ["A"]}),
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError, match=r"satudata\.lain\.Salah does not match its path \(satudata\.simatik\.Salah\)"
    ):
        SchemaCatalog(tmp_path)


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_self_contained(name: str) -> None:
    schema = catalog().schema(name)
    defined = definitions(schema)
    assert defined[0] == name
    assert len(defined) == len(set(defined)), "a named type is defined twice"
    # Parsers with no shared state accept it on its own: nothing is left undefined.
    fastavro.parse_schema(json.loads(json.dumps(schema)), named_schemas={})
    parsed = avro.schema.parse(json.dumps(schema))
    assert isinstance(parsed, avro.schema.NamedSchema) and parsed.fullname == name


def test_references_between_files_are_inlined_once_then_named() -> None:
    schema = catalog().schema(SCHEMA_NAME)
    fields = {f["name"]: f["type"] for f in schema["fields"]}
    assert fields["op"]["type"] == "enum" and fields["op"]["symbols"] == [
        "create",
        "update",
        "delete",
        "snapshot",
    ]
    assert fields["before"][0] == "null" and fields["before"][1]["name"] == "Penduduk"
    assert fields["after"] == ["null", "satudata.simatik.Penduduk"]
    assert fields["source"]["name"] == "Source"
    assert sorted(definitions(schema)) == PENDUDUK_NAMES
    raw = json.loads(
        (SCHEMA_ROOT / "satudata" / "simatik" / "PerubahanPenduduk.avsc").read_text(encoding="utf-8")
    )
    with pytest.raises(fastavro.schema.UnknownType):
        fastavro.parse_schema(raw, named_schemas={})  # the file alone is not enough


def test_short_references_resolve_in_the_enclosing_namespace(tmp_path: Path) -> None:
    folder = tmp_path / "uji"
    folder.mkdir()
    (folder / "Warna.avsc").write_text(
        json.dumps({"type": "enum", "name": "Warna", "namespace": "uji", "symbols": ["MERAH", "PUTIH"]}),
        encoding="utf-8",
    )
    (folder / "Bendera.avsc").write_text(
        json.dumps(
            {
                "type": "record",
                "name": "Bendera",
                "namespace": "uji",
                "fields": [
                    {"name": "atas", "type": "Warna"},
                    {"name": "bawah", "type": "Warna"},
                    {"name": "lain", "type": {"type": "array", "items": "uji.Warna"}},
                ],
            }
        ),
        encoding="utf-8",
    )
    cat = SchemaCatalog(tmp_path)
    assert cat.names() == ["uji.Bendera", "uji.Warna"]
    fields = cat.schema("uji.Bendera")["fields"]
    assert fields[0]["type"]["symbols"] == ["MERAH", "PUTIH"]
    assert fields[1]["type"] == "uji.Warna"
    assert fields[2]["type"] == {"type": "array", "items": "uji.Warna"}
    record = {"atas": "MERAH", "bawah": "PUTIH", "lain": ["PUTIH"]}
    assert decode_body(encode_body(cat.parsed("uji.Bendera"), record), cat.parsed("uji.Bendera")) == record


# -- Confluent wire format --


def test_frame_is_magic_zero_then_big_endian_schema_id_then_body() -> None:
    assert frame(1, b"abc") == b"\x00\x00\x00\x00\x01abc"
    assert frame(0x01020304, b"") == b"\x00\x01\x02\x03\x04"
    assert frame(2**32 - 1, b"\xff") == b"\x00\xff\xff\xff\xff\xff"


@given(st.integers(min_value=0, max_value=2**32 - 1), st.binary(max_size=64))
def test_frame_unframe_round_trip(schema_id: int, body: bytes) -> None:
    data = frame(schema_id, body)
    assert len(data) == 5 + len(body)
    assert unframe(data) == (schema_id, body)


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x00\x00\x00\x01"])
def test_unframe_rejects_input_shorter_than_the_header(data: bytes) -> None:
    with pytest.raises(WireFormatError, match=f"terlalu pendek \\({len(data)} byte\\)"):
        unframe(data)


@pytest.mark.parametrize("data", [b"\x01\x00\x00\x00\x01body", b'{"op": "create"}', b"\xff\x00\x00\x00\x01"])
def test_unframe_rejects_a_wrong_magic_byte(data: bytes) -> None:
    with pytest.raises(WireFormatError, match="bukan 0"):
        unframe(data)
    assert issubclass(WireFormatError, ValueError)


def test_header_only_is_an_empty_body() -> None:
    assert unframe(b"\x00\x00\x00\x00\x07") == (7, b"")


# -- body encoding --


def envelope() -> dict[str, Any]:
    wita = dt.timezone(dt.timedelta(hours=8))
    return {
        "event_id": "ev-1",
        "op": "create",
        "before": None,
        "after": {
            "id": 123,
            "nik": "5272014101900001",
            "nama": "SITI AMINAH",
            "no_kk": "5272010101150001",
            "id_kk": 45,
            "kode_kelurahan": "5272011001",
            "dusun": "LINGKUNGAN KARARA",
            "rw": "001",
            "rt": "002",
            "alamat_sekarang": "JL. SULTAN HASANUDDIN NO. 7",
            "sex": 2,
            "tempatlahir": "BIMA",
            "tanggallahir": dt.date(1990, 1, 1),
            "agama_id": 1,
            "pendidikan_kk_id": None,
            "pekerjaan_id": 88,
            "status_kawin": 2,
            "kk_level": 3,
            "warganegara_id": 1,
            "golongan_darah_id": None,
            "cacat_id": 7,
            "status_dasar": 1,
            "pendidikan_sedang_id": 18,
            "status": 1,
            "sakit_menahun_id": 14,
            "cara_kb_id": 2,
            "hamil": 2,
            "id_asuransi": 2,
            "bpjs_ketenagakerjaan": None,
            "akta_lahir": "5272-LU-01011990-0001",
            "akta_perkawinan": None,
            "ktp_el": 2,
            "status_rekam": 8,
            "suku": "MBOJO",
        },
        "source": {
            "system": "SIMATIK",
            "kode_kelurahan": "5272011001",
            "record_id": 123,
            "version": 4,
            "ts_ms": dt.datetime(2026, 7, 1, 9, 15, 0, 123000, tzinfo=wita),
        },
        "ingest_ts_ms": dt.datetime(2026, 7, 1, 1, 15, 1, 500000, tzinfo=dt.UTC),
        "berlaku": dt.date(2026, 6, 30),
    }


def test_envelope_body_round_trip() -> None:
    schema = catalog().parsed(SCHEMA_NAME)
    env = envelope()
    body = encode_body(schema, env)
    assert body.startswith(
        b"\x08ev-1\x00\x00\x02"
    )  # "ev-1" (zigzag length 4), op index 0, before null, after
    decoded = decode_body(body, schema)
    assert decoded == env
    assert decoded["source"]["ts_ms"].tzinfo is not None
    assert decoded["source"]["ts_ms"].utcoffset() == dt.timedelta(0)


def test_delete_envelope_round_trip_through_the_wire_format() -> None:
    schema = catalog().parsed(SCHEMA_NAME)
    env = envelope() | {"op": "delete", "after": None}
    schema_id, body = unframe(frame(42, encode_body(schema, env)))
    assert schema_id == 42
    assert decode_body(body, schema) == env


def test_defaults_fill_omitted_optional_fields() -> None:
    schema = catalog().parsed(SCHEMA_NAME)
    env = envelope()
    minimal = {k: env["after"][k] for k in ("id", "nik", "nama", "kode_kelurahan")}
    decoded = decode_body(encode_body(schema, env | {"after": minimal}), schema)
    assert decoded["after"]["status_dasar"] == 1
    assert decoded["after"]["sex"] is None and decoded["after"]["tanggallahir"] is None


def test_a_record_that_does_not_fit_the_schema_is_refused() -> None:
    schema = catalog().parsed(SCHEMA_NAME)
    with pytest.raises(ValueError):
        encode_body(schema, envelope() | {"op": "upsert"})


def test_parse_accepts_json_text() -> None:
    parsed = parse(json.dumps(catalog().schema("satudata.simatik.Source")))
    source = envelope()["source"]
    assert decode_body(encode_body(parsed, source), parsed) == source


# -- schema evolution: the resident envelope stays BACKWARD compatible with the first slice --

SKEMA_LAMA = Path(__file__).parent / "data" / "PerubahanPenduduk-1089420.json"  # catalogue output at 1089420


PENDUDUK_V1: list[dict[str, Any]] = json.loads(SKEMA_LAMA.read_text(encoding="utf-8"))["fields"][2]["type"][
    1
]["fields"]


def test_resident_envelope_is_backward_compatible_with_the_first_registered_version() -> None:
    lama = SKEMA_LAMA.read_text(encoding="utf-8")
    baru = json.dumps(catalog().schema(SCHEMA_NAME))
    assert check_compatibility(CompatibilityLevel.BACKWARD, baru, [lama]).is_compatible
    # Only optional fields were added, so old readers can read new data too.
    assert check_compatibility(CompatibilityLevel.FULL, baru, [lama]).is_compatible
    # The checker is not vacuous: dropping a default breaks it.
    rusak = catalog().schema(SCHEMA_NAME)
    rusak["fields"] = [{k: v for k, v in f.items() if k != "default"} for f in rusak["fields"]]
    assert not check_compatibility(CompatibilityLevel.BACKWARD, json.dumps(rusak), [lama]).is_compatible


def test_data_of_the_first_version_reads_with_the_new_schema() -> None:
    lama = parse(SKEMA_LAMA.read_text(encoding="utf-8"))
    env = envelope()
    env_lama = {k: v for k, v in env.items() if k != "berlaku"}
    env_lama["after"] = {k: v for k, v in env["after"].items() if k in {f["name"] for f in PENDUDUK_V1}}
    decoded = decode_body(encode_body(lama, env_lama), lama, catalog().parsed(SCHEMA_NAME))
    assert decoded["berlaku"] is None
    assert decoded["after"]["suku"] is None and decoded["after"]["hamil"] is None
    assert decoded["after"]["nama"] == "SITI AMINAH"


@pytest.mark.parametrize("image", IMAGES)
def test_every_envelope_has_the_same_shape_and_an_optional_berlaku(image: str) -> None:
    schema = catalog().schema(f"satudata.simatik.Perubahan{image}")
    fields = {f["name"]: f for f in schema["fields"]}
    assert list(fields) == ["event_id", "op", "before", "after", "source", "ingest_ts_ms", "berlaku"]
    assert fields["berlaku"]["type"] == ["null", {"type": "int", "logicalType": "date"}]
    assert fields["berlaku"]["default"] is None
    assert fields["after"]["type"] == ["null", f"satudata.simatik.{image}"]
    gambar = catalog().schema(f"satudata.simatik.{image}")
    assert [f["name"] for f in gambar["fields"]][:1] == ["id"]
    assert "kode_kelurahan" in {f["name"] for f in gambar["fields"]}


def test_personal_and_health_fields_of_residents_are_marked_pii() -> None:
    fields = {f["name"]: f for f in catalog().schema("satudata.simatik.Penduduk")["fields"]}
    for name in (
        "bpjs_ketenagakerjaan",
        "akta_lahir",
        "akta_perkawinan",
        "sakit_menahun_id",
        "cara_kb_id",
        "hamil",
    ):
        assert fields[name].get("pii") is True, name
        assert fields[name]["type"][0] == "null" and fields[name]["default"] is None
    for name in ("pendidikan_sedang_id", "status", "id_asuransi", "ktp_el", "status_rekam", "suku"):
        assert "pii" not in fields[name], name
