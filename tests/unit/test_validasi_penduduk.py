"""Validation of resident changes: the API-side :func:`periksa_perubahan` and the stream-side
:func:`periksa_envelope`."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.simulator.populasi import KOLOM_CITRA
from satudata.avro import catalog, decode_body, encode_body
from satudata.penduduk import (
    EVENT_NAMESPACE,
    SCHEMA_NAME,
    TANGGAL_LAHIR_MIN,
    WITA,
    Alasan,
    PerubahanValid,
    jenis_nik,
    periksa_envelope,
    periksa_perubahan,
)
from satudata.wilayah import ReferensiWilayah, referensi_kota_bima

# 10:00 WITA on 1 July 2026; the change happened at 09:00 WITA the same day.
SEKARANG = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
TS = "2026-07-01T09:00:00+08:00"
REF = referensi_kota_bima()


def perubahan(**over: Any) -> dict[str, Any]:
    """A valid change; ``data={...}`` is merged into the image, ``data=None`` drops it."""
    citra = {
        "nik": "5272014101900001",
        "nama": "SITI AMINAH",
        "no_kk": "5272010101150001",
        "id_kk": 12,
        "kode_kelurahan": "5272011001",
        "rw": "001",
        "sex": 2,
        "tanggallahir": "1990-01-01",
        "agama_id": 1,
        "status_kawin": 2,
        "status_dasar": 1,
    }
    extra = over.pop("data", {})
    raw: dict[str, Any] = {
        "op": "create",
        "kode_kelurahan": "5272011001",
        "id": 7,
        "version": 3,
        "ts": TS,
        "data": None if extra is None else citra | extra,
    }
    return raw | over


def periksa(raw: Any, sekarang: dt.datetime = SEKARANG) -> PerubahanValid | list[Alasan]:
    return periksa_perubahan(raw, REF, sekarang=sekarang)


def diterima(raw: Any) -> PerubahanValid:
    hasil = periksa(raw)
    assert isinstance(hasil, PerubahanValid), hasil
    return hasil


def ditolak(raw: Any) -> list[tuple[str, str | None]]:
    hasil = periksa(raw)
    assert isinstance(hasil, list), hasil
    assert all(a.pesan for a in hasil)
    return [(a.kode, a.kolom) for a in hasil]


# -- rejections at the API edge --

TIDAK_DITERIMA: list[tuple[str, str | None, Any]] = [
    ("bukan-objek", None, ["bukan", "objek"]),
    ("bukan-objek", None, "teks"),
    ("bukan-objek", None, None),
    ("op-tidak-valid", "op", perubahan(op="upsert")),
    ("op-tidak-valid", "op", perubahan(op=None)),
    ("kode-kelurahan-tidak-dikenal", "kode_kelurahan", perubahan(kode_kelurahan="5272019999")),
    ("kode-kelurahan-tidak-dikenal", "kode_kelurahan", perubahan(kode_kelurahan="527201")),  # a kecamatan
    ("kode-kelurahan-tidak-dikenal", "kode_kelurahan", perubahan(kode_kelurahan=None)),
    ("id-tidak-valid", "id", perubahan(id=0)),
    ("id-tidak-valid", "id", perubahan(id="7")),
    ("id-tidak-valid", "id", perubahan(id=True)),
    ("id-tidak-valid", "id", perubahan(id=7.0)),
    ("id-tidak-valid", "id", perubahan(id=2**63)),  # does not fit an Avro long
    ("versi-tidak-valid", "version", perubahan(version=-1)),
    ("versi-tidak-valid", "version", perubahan(version=None)),
    ("versi-tidak-valid", "version", perubahan(version=2**63)),
    ("waktu-tidak-valid", "ts", perubahan(ts="kemarin")),
    ("waktu-tidak-valid", "ts", perubahan(ts=1782867600000)),
    ("waktu-tidak-valid", "ts", perubahan(ts="2026-07-01T09:00:00")),  # no time zone
    ("waktu-tidak-valid", "ts", perubahan(ts="2026-07-02T09:00:00+08:00")),  # tomorrow
    ("waktu-tidak-valid", "ts", perubahan(ts="1999-12-31T23:59:59+00:00")),
    ("data-wajib", "data", perubahan(data=None)),
    ("data-wajib", "data", perubahan(op="update", data=None)),
    ("data-wajib", "data", perubahan(op="snapshot", data=None) | {"data": ["bukan", "objek"]}),
    ("event-id-tidak-valid", "event_id", perubahan(event_id="")),
    ("event-id-tidak-valid", "event_id", perubahan(event_id="x" * 65)),
    ("event-id-tidak-valid", "event_id", perubahan(event_id=123)),
    ("nik-tidak-valid", "nik", perubahan(data={"nik": "52720141019000"})),
    ("nik-tidak-valid", "nik", perubahan(data={"nik": "ABCDEFGHIJKLMNOP"})),
    ("nik-tidak-valid", "nik", perubahan(data={"nik": None})),
    ("nik-tidak-valid", "nik", perubahan(data={"nik": "00"})),
    ("nama-kosong", "nama", perubahan(data={"nama": "  "})),
    ("nama-kosong", "nama", perubahan(data={"nama": None})),
    ("no-kk-tidak-valid", "no_kk", perubahan(data={"no_kk": "123"})),
    ("no-kk-tidak-valid", "no_kk", perubahan(data={"no_kk": 1.5})),
    ("kode-kelurahan-tidak-dikenal", "kode_kelurahan", perubahan(data={"kode_kelurahan": "5272019999"})),
    ("kode-di-luar-daftar", "sex", perubahan(data={"sex": 3})),
    ("kode-di-luar-daftar", "sex", perubahan(data={"sex": "laki-laki"})),
    ("kode-di-luar-daftar", "sex", perubahan(data={"sex": True})),
    ("kode-di-luar-daftar", "sex", perubahan(data={"sex": 1.0})),
    ("kode-di-luar-daftar", "agama_id", perubahan(data={"agama_id": 8})),
    ("kode-di-luar-daftar", "agama_id", perubahan(data={"agama_id": "--1"})),
    ("kode-di-luar-daftar", "agama_id", perubahan(data={"agama_id": "²"})),
    ("kode-di-luar-daftar", "pekerjaan_id", perubahan(data={"pekerjaan_id": 90})),
    ("kode-di-luar-daftar", "status_kawin", perubahan(data={"status_kawin": "-1"})),
    ("kode-di-luar-daftar", "status_dasar", perubahan(data={"status_dasar": 5})),
    ("tanggal-lahir-tidak-wajar", "tanggallahir", perubahan(data={"tanggallahir": "1899-12-31"})),
    ("tanggal-lahir-tidak-wajar", "tanggallahir", perubahan(data={"tanggallahir": "2026-07-02"})),
    ("tanggal-lahir-tidak-wajar", "tanggallahir", perubahan(data={"tanggallahir": "31-12-1990"})),
    ("tanggal-lahir-tidak-wajar", "tanggallahir", perubahan(data={"tanggallahir": 19900101})),
    ("tipe-tidak-valid", "rw", perubahan(data={"rw": 1.5})),
    ("tipe-tidak-valid", "dusun", perubahan(data={"dusun": ["KARARA"]})),
    ("tipe-tidak-valid", "tempatlahir", perubahan(data={"tempatlahir": True})),
    ("tipe-tidak-valid", "id_kk", perubahan(data={"id_kk": "dua belas"})),
    ("tipe-tidak-valid", "id_kk", perubahan(data={"id_kk": 2**63})),
]


@pytest.mark.parametrize(
    ("kode", "kolom", "raw"), TIDAK_DITERIMA, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(TIDAK_DITERIMA)]
)
def test_each_bad_field_is_rejected_with_its_own_reason(kode: str, kolom: str | None, raw: Any) -> None:
    assert ditolak(raw) == [(kode, kolom)]


def test_every_envelope_problem_is_reported_at_once() -> None:
    raw = perubahan(op="upsert", id=0, version=0, ts="2026-07-01T09:00:00", event_id="")
    assert [k for k, _ in ditolak(raw)] == [
        "op-tidak-valid",
        "id-tidak-valid",
        "versi-tidak-valid",
        "waktu-tidak-valid",
        "event-id-tidak-valid",
    ]


def test_every_image_problem_is_reported_at_once() -> None:
    raw = perubahan(data={"nik": "1", "nama": "", "sex": 9, "agama_id": 0, "tanggallahir": "1800-01-01"})
    assert ditolak(raw) == [
        ("nik-tidak-valid", "nik"),
        ("nama-kosong", "nama"),
        ("kode-di-luar-daftar", "sex"),
        ("kode-di-luar-daftar", "agama_id"),
        ("tanggal-lahir-tidak-wajar", "tanggallahir"),
    ]


def test_image_is_only_checked_once_the_envelope_is_valid() -> None:
    assert ditolak(perubahan(id=-1, data={"sex": 9})) == [("id-tidak-valid", "id")]


# -- time checks --


def test_a_ts_without_time_zone_is_rejected_even_if_otherwise_valid() -> None:
    assert ditolak(perubahan(ts="2026-07-01T09:00:00.000")) == [("waktu-tidak-valid", "ts")]
    assert diterima(perubahan(ts="2026-07-01T01:00:00Z")).envelope["source"]["ts_ms"] == dt.datetime(
        2026, 7, 1, 1, tzinfo=dt.UTC
    )


def test_future_ts_tolerates_five_minutes_of_clock_skew() -> None:
    def ts(delta: dt.timedelta) -> str:
        return (SEKARANG + delta).isoformat()

    assert isinstance(periksa(perubahan(ts=ts(dt.timedelta(minutes=5)))), PerubahanValid)
    assert ditolak(perubahan(ts=ts(dt.timedelta(minutes=5, milliseconds=1)))) == [("waktu-tidak-valid", "ts")]
    assert ditolak(perubahan(ts=ts(dt.timedelta(days=365)))) == [("waktu-tidak-valid", "ts")]


def test_birth_date_is_judged_in_wita_against_the_earlier_of_ts_and_now() -> None:
    # 23:30 UTC on 30 June is already 1 July in WITA: a baby born on 1 July is fine.
    pagi_wita = "2026-06-30T23:30:00+00:00"
    assert isinstance(periksa(perubahan(ts=pagi_wita, data={"tanggallahir": "2026-07-01"})), PerubahanValid)
    # An event of yesterday cannot describe a baby born today.
    kemarin = "2026-06-30T09:00:00+08:00"
    assert ditolak(perubahan(ts=kemarin, data={"tanggallahir": "2026-07-01"})) == [
        ("tanggal-lahir-tidak-wajar", "tanggallahir")
    ]
    assert isinstance(
        periksa(perubahan(data={"tanggallahir": TANGGAL_LAHIR_MIN.isoformat()})), PerubahanValid
    )


# -- acceptance --


def test_a_valid_change_becomes_a_keyed_avro_envelope() -> None:
    hasil = diterima(perubahan(sistem="SIMATIK-RABA", event_id="ev-1"))
    env = hasil.envelope
    assert hasil.key == "5272011001:7"
    assert (env["event_id"], env["op"], env["before"], env["ingest_ts_ms"]) == (
        "ev-1",
        "create",
        None,
        SEKARANG,
    )
    assert env["source"] == {
        "system": "SIMATIK-RABA",
        "kode_kelurahan": "5272011001",
        "record_id": 7,
        "version": 3,
        "ts_ms": dt.datetime(2026, 7, 1, 9, tzinfo=WITA),
    }
    after = env["after"]
    assert (after["id"], after["nik"], after["id_kk"], after["rw"], after["dusun"]) == (
        7,
        "5272014101900001",
        12,
        "001",
        None,
    )
    assert after["tanggallahir"] == dt.date(1990, 1, 1)
    schema = catalog().parsed(SCHEMA_NAME)
    assert decode_body(encode_body(schema, env), schema)["after"]["nama"] == "SITI AMINAH"


@pytest.mark.parametrize(("nik", "jenis"), [("0", "nol"), ("0527201100100001", "sementara")])
def test_nik_zero_and_temporary_nik_are_accepted(nik: str, jenis: str) -> None:
    assert jenis_nik(nik) == jenis
    assert diterima(perubahan(data={"nik": nik})).envelope["after"]["nik"] == nik


def test_codes_sent_as_text_become_integers() -> None:
    after = diterima(
        perubahan(data={"sex": "1", "agama_id": " 4 ", "status_dasar": "2", "id_kk": "12"})
    ).envelope["after"]
    assert (after["sex"], after["agama_id"], after["status_dasar"], after["id_kk"]) == (1, 4, 2, 12)


def test_numbers_in_text_fields_become_text() -> None:
    after = diterima(perubahan(data={"nik": 5272014101900001, "rt": 3, "nama": 7})).envelope["after"]
    assert (after["nik"], after["rt"], after["nama"]) == ("5272014101900001", "3", "7")


def test_none_codes_are_belum_mengisi_and_missing_status_dasar_means_hidup() -> None:
    data = {"sex": None, "agama_id": None, "tanggallahir": None, "status_dasar": None, "no_kk": None}
    after = diterima(perubahan(data=data)).envelope["after"]
    assert (after["sex"], after["agama_id"], after["tanggallahir"], after["no_kk"]) == (
        None,
        None,
        None,
        None,
    )
    assert after["status_dasar"] == 1


def test_dotted_kelurahan_codes_are_stored_undotted() -> None:
    hasil = diterima(perubahan(kode_kelurahan="52.72.05.1010", data={"kode_kelurahan": "52.72.05.1010"}))
    assert hasil.key == "5272051010:7"
    assert (
        hasil.envelope["source"]["kode_kelurahan"]
        == hasil.envelope["after"]["kode_kelurahan"]
        == "5272051010"
    )


def test_image_without_kelurahan_takes_the_record_one() -> None:
    data = perubahan()["data"]
    del data["kode_kelurahan"]
    assert diterima(perubahan(data=None) | {"data": data}).envelope["after"]["kode_kelurahan"] == "5272011001"


def test_delete_needs_no_image_and_event_ids_are_derived_when_missing() -> None:
    env = diterima(perubahan(op="delete", data=None)).envelope
    assert env["after"] is None
    assert env["event_id"] == str(uuid.uuid5(EVENT_NAMESPACE, "5272011001:7:3:delete"))
    assert diterima(perubahan(op="delete", data=None)).envelope["event_id"] == env["event_id"]
    assert diterima(perubahan(op="update")).envelope["event_id"] != env["event_id"]


def test_source_system_defaults_to_simatik_and_is_cut_to_64_characters() -> None:
    assert diterima(perubahan()).envelope["source"]["system"] == "SIMATIK"
    assert diterima(perubahan(sistem="S" * 100)).envelope["source"]["system"] == "S" * 64


# -- whatever is accepted can be published --

nilai_json = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["0", "1", "2", "--1", "²", " 3 ", "1990-01-01", "5272011001", "0527201100100001"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(KOLOM_CITRA), nilai_json, max_size=len(KOLOM_CITRA)))
def test_every_accepted_change_encodes_as_avro(ubah: dict[str, Any]) -> None:
    """Never an exception: a record is either rejected with reasons or its envelope fits the schema."""
    hasil = periksa(perubahan(data=ubah))
    if isinstance(hasil, list):
        assert hasil and all(a.kode and a.pesan for a in hasil)
        return
    schema = catalog().parsed(SCHEMA_NAME)
    assert decode_body(encode_body(schema, hasil.envelope), schema)["source"]["record_id"] == 7


# -- the stream-side check --


def envelope(**over: Any) -> dict[str, Any]:
    """The decoded Avro form of a valid change (what the stream sees)."""
    schema = catalog().parsed(SCHEMA_NAME)
    env: dict[str, Any] = decode_body(encode_body(schema, diterima(perubahan(**over)).envelope), schema)
    return env


def test_envelope_of_a_valid_change_passes() -> None:
    assert periksa_envelope(envelope(), REF) == []
    assert periksa_envelope(envelope(op="delete", data=None), REF) == []


def test_envelope_reasons() -> None:
    ref: ReferensiWilayah = REF
    env = envelope()
    env["source"]["kode_kelurahan"] = "5272019999"
    env["source"]["version"] = 0
    assert [(a.kode, a.kolom) for a in periksa_envelope(env, ref)] == [
        ("kode-kelurahan-tidak-dikenal", "source.kode_kelurahan"),
        ("versi-tidak-valid", "source.version"),
    ]
    tanpa_citra = envelope() | {"after": None}
    assert [(a.kode, a.kolom) for a in periksa_envelope(tanpa_citra, ref)] == [("data-wajib", "after")]
    citra_buruk = envelope()
    citra_buruk["after"] |= {"sex": 7, "nik": "123", "kode_kelurahan": "5272019999"}
    assert [(a.kode, a.kolom) for a in periksa_envelope(citra_buruk, ref)] == [
        ("nik-tidak-valid", "nik"),
        ("kode-kelurahan-tidak-dikenal", "kode_kelurahan"),
        ("kode-di-luar-daftar", "sex"),
    ]


def test_image_of_another_kelurahan_is_refused_at_the_edge_and_in_the_stream() -> None:
    raw = perubahan(data={"kode_kelurahan": "52.72.02.1004"})
    assert ditolak(raw) == [("kode-kelurahan-tidak-cocok", "data.kode_kelurahan")]
    env = envelope()
    env["after"]["kode_kelurahan"] = "5272021004"
    assert [(a.kode, a.kolom) for a in periksa_envelope(env, REF)] == [
        ("kode-kelurahan-tidak-cocok", "data.kode_kelurahan")
    ]


def test_envelope_birth_dates_are_judged_against_the_events_own_time_in_wita() -> None:
    env = envelope(ts="2026-06-30T16:30:00+00:00")  # 00:30 WITA on 1 July
    assert env["source"]["ts_ms"].tzinfo is not None
    env["after"]["tanggallahir"] = dt.date(2026, 7, 1)
    assert periksa_envelope(env, REF) == []  # deterministic: no "now" involved
    env["after"]["tanggallahir"] = dt.date(2026, 7, 2)
    assert [a.kode for a in periksa_envelope(env, REF)] == ["tanggal-lahir-tidak-wajar"]
