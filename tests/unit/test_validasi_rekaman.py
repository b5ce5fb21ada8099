"""Validation of every record type (docs/rekaman.md): the edge check :func:`satudata.jenis.periksa_perubahan`,
the stream-side :func:`satudata.jenis.periksa_envelope`, and the Avro envelopes they produce."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.avro import catalog, decode_body, encode_body, frame, unframe
from satudata.jenis import JENIS, JenisRekaman, periksa_envelope, periksa_perubahan
from satudata.perubahan import WITA, Alasan, PerubahanValid, tanggal_berlaku
from satudata.wilayah import referensi_kota_bima
from tests.contoh_rekaman import perubahan

# 10:00 WITA on 1 July 2026; the sample changes were recorded at 09:00 WITA the same day.
SEKARANG = dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC)
REF = referensi_kota_bima()


def periksa(nama: str, raw: Any) -> PerubahanValid | list[Alasan]:
    return periksa_perubahan(JENIS[nama], raw, REF, sekarang=SEKARANG)


def diterima(nama: str, raw: Any) -> PerubahanValid:
    hasil = periksa(nama, raw)
    assert isinstance(hasil, PerubahanValid), hasil
    return hasil


def ditolak(nama: str, raw: Any) -> list[tuple[str, str | None]]:
    hasil = periksa(nama, raw)
    assert isinstance(hasil, list), hasil
    assert all(a.pesan for a in hasil)
    return [(a.kode, a.kolom) for a in hasil]


def dekode(jenis: JenisRekaman, env: dict[str, Any]) -> dict[str, Any]:
    """Through the wire: encode, frame, unframe, decode (what the stream sees)."""
    schema = catalog().parsed(jenis.schema_name)
    schema_id, body = unframe(frame(17, encode_body(schema, env)))
    assert schema_id == 17
    hasil: dict[str, Any] = decode_body(body, schema)
    return hasil


# -- the registry of record types --


def test_every_record_type_of_the_contract_is_registered() -> None:
    assert list(JENIS) == [
        "penduduk",
        "keluarga",
        "peristiwa",
        "peristiwa-keluarga",
        "bantuan-program",
        "bantuan-peserta",
        "surat",
    ]
    for nama, jenis in JENIS.items():
        assert jenis.nama == nama and jenis.topik == f"{nama}.v1"
        assert jenis.schema_name in catalog().names()
        assert jenis.tabel and jenis.label


# -- acceptance: the right envelope, through Avro --


@pytest.mark.parametrize("nama", list(JENIS))
def test_a_valid_change_becomes_a_keyed_avro_envelope(nama: str) -> None:
    hasil = diterima(nama, perubahan(nama, sistem="SIMATIK-RABA", event_id="ev-1", berlaku="2026-06-28"))
    env = hasil.envelope
    assert hasil.key == "5272011001:7"
    assert list(env) == ["event_id", "op", "before", "after", "source", "ingest_ts_ms", "berlaku"]
    assert (env["event_id"], env["op"], env["before"], env["ingest_ts_ms"], env["berlaku"]) == (
        "ev-1",
        "create",
        None,
        SEKARANG,
        dt.date(2026, 6, 28),
    )
    assert env["source"] == {
        "system": "SIMATIK-RABA",
        "kode_kelurahan": "5272011001",
        "record_id": 7,
        "version": 3,
        "ts_ms": dt.datetime(2026, 7, 1, 9, tzinfo=WITA),
    }
    assert (env["after"]["id"], env["after"]["kode_kelurahan"]) == (7, "5272011001")
    decoded = dekode(JENIS[nama], env)
    assert decoded["berlaku"] == dt.date(2026, 6, 28) and decoded["after"] == env["after"]
    assert periksa_envelope(JENIS[nama], decoded, REF) == []


@pytest.mark.parametrize("nama", list(JENIS))
def test_delete_needs_no_image_and_berlaku_defaults_to_none(nama: str) -> None:
    env = diterima(nama, perubahan(nama, op="delete", data=None)).envelope
    assert env["after"] is None and env["berlaku"] is None
    decoded = dekode(JENIS[nama], env)
    assert decoded["berlaku"] is None and tanggal_berlaku(decoded) == dt.date(2026, 7, 1)
    assert periksa_envelope(JENIS[nama], decoded, REF) == []


def test_images_are_normalised_to_the_avro_shape() -> None:
    def after(nama: str) -> dict[str, Any]:
        citra: dict[str, Any] = diterima(nama, perubahan(nama)).envelope["after"]
        return citra

    p = after("penduduk")
    assert (p["cara_kb_id"], p["bpjs_ketenagakerjaan"], p["suku"], p["akta_perkawinan"]) == (
        2,
        "12345678901",
        "MBOJO",
        None,
    )
    k = after("keluarga")
    assert (k["kode_kelurahan"], k["rt"], k["status_dasar"], k["tgl_daftar"]) == (
        "5272011001",
        "2",
        1,
        dt.date(2015, 1, 1),
    )
    assert after("peristiwa")["kode_kelurahan_tujuan"] == "5272021004"
    assert after("peristiwa-keluarga")["id_pend"] == 7
    assert after("bantuan-program")["asaldana"] == "Pusat"
    assert after("bantuan-peserta")["peserta"] == "5272014101900001"
    assert after("surat")["tte"] is True


# -- rejections --

TIDAK_DITERIMA: list[tuple[str, str, str | None, dict[str, Any]]] = [
    ("penduduk", "kode-di-luar-daftar", "pendidikan_sedang_id", {"pendidikan_sedang_id": 19}),
    ("penduduk", "kode-di-luar-daftar", "status", {"status": 3}),
    ("penduduk", "kode-di-luar-daftar", "sakit_menahun_id", {"sakit_menahun_id": 15}),
    ("penduduk", "kode-di-luar-daftar", "cara_kb_id", {"cara_kb_id": 8}),
    ("penduduk", "kode-di-luar-daftar", "hamil", {"hamil": 3}),
    ("penduduk", "kode-di-luar-daftar", "id_asuransi", {"id_asuransi": 5}),
    ("penduduk", "kode-di-luar-daftar", "ktp_el", {"ktp_el": 4}),
    ("penduduk", "kode-di-luar-daftar", "status_rekam", {"status_rekam": 9}),
    ("penduduk", "tipe-tidak-valid", "akta_lahir", {"akta_lahir": 1.5}),
    ("penduduk", "tipe-tidak-valid", "suku", {"suku": ["MBOJO"]}),
    ("keluarga", "no-kk-tidak-valid", "no_kk", {"no_kk": "123"}),
    ("keluarga", "no-kk-tidak-valid", "no_kk", {"no_kk": None}),
    ("keluarga", "id-tidak-valid", "nik_kepala", {"nik_kepala": 0}),
    ("keluarga", "id-tidak-valid", "nik_kepala", {"nik_kepala": "5272014101900001X"}),
    ("keluarga", "kode-kelurahan-tidak-dikenal", "kode_kelurahan", {"kode_kelurahan": "5272019999"}),
    ("keluarga", "tipe-tidak-valid", "alamat", {"alamat": ["JL"]}),
    ("keluarga", "kode-di-luar-daftar", "kelas_sosial", {"kelas_sosial": 6}),
    ("keluarga", "kode-di-luar-daftar", "status_dasar", {"status_dasar": 5}),
    ("keluarga", "kode-di-luar-daftar", "jenis_kelamin_kepala", {"jenis_kelamin_kepala": "L"}),
    ("keluarga", "tanggal-tidak-wajar", "tgl_daftar", {"tgl_daftar": "1899-12-31"}),
    ("keluarga", "tanggal-tidak-wajar", "tgl_daftar", {"tgl_daftar": "2026-07-02"}),
    ("keluarga", "tanggal-tidak-wajar", "tgl_daftar", {"tgl_daftar": "01-01-2015"}),
    ("peristiwa", "id-tidak-valid", "id_pend", {"id_pend": None}),
    ("peristiwa", "id-tidak-valid", "id_pend", {"id_pend": 2**63}),
    ("peristiwa", "kode-di-luar-daftar", "kode_peristiwa", {"kode_peristiwa": None}),
    ("peristiwa", "kode-di-luar-daftar", "kode_peristiwa", {"kode_peristiwa": 7}),
    ("peristiwa", "kode-di-luar-daftar", "ref_pindah", {"ref_pindah": 5}),
    ("peristiwa", "kode-di-luar-daftar", "sebab", {"sebab": 7}),
    ("peristiwa", "kode-di-luar-daftar", "penolong_mati", {"penolong_mati": 5}),
    ("peristiwa", "kode-di-luar-daftar", "jenis_kelamin", {"jenis_kelamin": 3}),
    ("peristiwa", "kode-di-luar-daftar", "warganegara_id", {"warganegara_id": 4}),
    ("peristiwa", "tanggal-tidak-wajar", "tgl_peristiwa", {"tgl_peristiwa": "2026-07-02"}),
    ("peristiwa", "tanggal-tidak-wajar", "tgl_lapor", {"tgl_lapor": "kemarin"}),
    ("peristiwa", "urutan-tanggal-tidak-valid", "tgl_lapor", {"tgl_lapor": "2026-06-27"}),
    (
        "peristiwa",
        "kode-kelurahan-tidak-dikenal",
        "kode_kelurahan_tujuan",
        {"kode_kelurahan_tujuan": "5272019999"},
    ),
    ("peristiwa", "kode-kelurahan-tidak-dikenal", "kode_kelurahan_tujuan", {"kode_kelurahan_tujuan": "BIMA"}),
    ("peristiwa-keluarga", "id-tidak-valid", "id_kk", {"id_kk": None}),
    ("peristiwa-keluarga", "id-tidak-valid", "id_pend", {"id_pend": 0}),
    ("peristiwa-keluarga", "kode-di-luar-daftar", "id_peristiwa", {"id_peristiwa": 7}),
    ("peristiwa-keluarga", "kode-di-luar-daftar", "id_peristiwa", {"id_peristiwa": None}),
    ("peristiwa-keluarga", "kode-di-luar-daftar", "jenis_kelamin_kepala", {"jenis_kelamin_kepala": 0}),
    ("peristiwa-keluarga", "tanggal-tidak-wajar", "tgl_lapor", {"tgl_lapor": "2026-07-05"}),
    ("peristiwa-keluarga", "urutan-tanggal-tidak-valid", "tgl_lapor", {"tgl_lapor": "2026-06-01"}),
    ("bantuan-program", "nama-kosong", "nama", {"nama": " "}),
    ("bantuan-program", "nama-kosong", "nama", {"nama": None}),
    ("bantuan-program", "kode-di-luar-daftar", "sasaran", {"sasaran": None}),
    ("bantuan-program", "kode-di-luar-daftar", "sasaran", {"sasaran": 5}),
    ("bantuan-program", "kode-di-luar-daftar", "asaldana", {"asaldana": "APBN"}),
    ("bantuan-program", "kode-di-luar-daftar", "asaldana", {"asaldana": 1}),
    ("bantuan-program", "kode-di-luar-daftar", "status", {"status": 2}),
    ("bantuan-program", "tanggal-tidak-wajar", "sdate", {"sdate": "1899-01-01"}),
    ("bantuan-program", "tanggal-tidak-wajar", "edate", {"edate": "besok"}),
    ("bantuan-program", "urutan-tanggal-tidak-valid", "edate", {"edate": "2025-12-31"}),
    ("bantuan-peserta", "id-tidak-valid", "program_id", {"program_id": None}),
    ("bantuan-peserta", "id-tidak-valid", "id_penduduk", {"id_penduduk": -1}),
    ("bantuan-peserta", "id-tidak-valid", "id_keluarga", {"id_keluarga": "x"}),
    ("bantuan-peserta", "kode-di-luar-daftar", "sasaran", {"sasaran": 9}),
    ("bantuan-peserta", "kode-di-luar-daftar", "jenis_kelamin", {"jenis_kelamin": 3}),
    ("bantuan-peserta", "peserta-tidak-valid", "peserta", {"peserta": "123"}),
    ("bantuan-peserta", "peserta-tidak-valid", "peserta", {"sasaran": 2, "peserta": "KK-01"}),
    ("bantuan-peserta", "peserta-tidak-valid", "peserta", {"sasaran": 3, "peserta": " "}),
    ("bantuan-peserta", "peserta-tidak-valid", "peserta", {"sasaran": 4, "peserta": "x" * 101}),
    ("bantuan-peserta", "peserta-tidak-valid", "peserta", {"sasaran": None, "peserta": None}),
    ("bantuan-peserta", "tipe-tidak-valid", "no_id_kartu", {"no_id_kartu": [1]}),
    ("surat", "id-tidak-valid", "id_format_surat", {"id_format_surat": 0}),
    ("surat", "id-tidak-valid", "id_pend", {"id_pend": "tujuh"}),
    ("surat", "tipe-tidak-valid", "kode_surat", {"kode_surat": 1.5}),
    ("surat", "tipe-tidak-valid", "nama_surat", {"nama_surat": {}}),
    ("surat", "tipe-tidak-valid", "tte", {"tte": "ya"}),
    ("surat", "tipe-tidak-valid", "tte", {"tte": 2}),
    ("surat", "tanggal-tidak-wajar", "tanggal", {"tanggal": "2026-07-02"}),
    ("surat", "kode-di-luar-daftar", "status", {"status": 2}),
    ("surat", "kode-di-luar-daftar", "kecamatan", {"kecamatan": 0}),
]


@pytest.mark.parametrize(
    ("nama", "kode", "kolom", "data"),
    TIDAK_DITERIMA,
    ids=[f"{n}-{k}-{i}" for i, (n, k, _, _) in enumerate(TIDAK_DITERIMA)],
)
def test_each_bad_image_field_is_rejected_with_its_own_reason(
    nama: str, kode: str, kolom: str | None, data: dict[str, Any]
) -> None:
    assert ditolak(nama, perubahan(nama, data=data)) == [(kode, kolom)]


@pytest.mark.parametrize("nama", list(JENIS))
def test_image_of_another_kelurahan_is_refused_at_the_edge_and_in_the_stream(nama: str) -> None:
    assert ditolak(nama, perubahan(nama, data={"kode_kelurahan": "52.72.02.1004"})) == [
        ("kode-kelurahan-tidak-cocok", "data.kode_kelurahan")
    ]
    env = dekode(JENIS[nama], diterima(nama, perubahan(nama)).envelope)
    env["after"]["kode_kelurahan"] = "5272021004"
    assert [(a.kode, a.kolom) for a in periksa_envelope(JENIS[nama], env, REF)] == [
        ("kode-kelurahan-tidak-cocok", "data.kode_kelurahan")
    ]


ENVELOPE_BURUK: list[tuple[str, str | None, dict[str, Any]]] = [
    ("op-tidak-valid", "op", {"op": "upsert"}),
    ("kode-kelurahan-tidak-dikenal", "kode_kelurahan", {"kode_kelurahan": "5272019999"}),
    ("id-tidak-valid", "id", {"id": 0}),
    ("versi-tidak-valid", "version", {"version": None}),
    ("waktu-tidak-valid", "ts", {"ts": "2026-07-01T09:00:00"}),
    ("berlaku-tidak-valid", "berlaku", {"berlaku": "2026-07-02"}),  # after the WITA date of ts
    ("berlaku-tidak-valid", "berlaku", {"berlaku": "1899-12-31"}),
    ("berlaku-tidak-valid", "berlaku", {"berlaku": "30-06-2026"}),
    ("berlaku-tidak-valid", "berlaku", {"berlaku": 20260630}),
    ("berlaku-tidak-valid", "berlaku", {"berlaku": "2026-06-30T10:00:00"}),
    ("data-wajib", "data", {"data": None}),
    ("event-id-tidak-valid", "event_id", {"event_id": ""}),
]


@pytest.mark.parametrize("nama", list(JENIS))
@pytest.mark.parametrize(("kode", "kolom", "ubah"), ENVELOPE_BURUK, ids=[k for k, _, _ in ENVELOPE_BURUK])
def test_envelope_reasons_are_the_same_for_every_record_type(
    nama: str, kode: str, kolom: str | None, ubah: dict[str, Any]
) -> None:
    assert ditolak(nama, perubahan(nama) | ubah) == [(kode, kolom)]


@pytest.mark.parametrize("nama", list(JENIS))
def test_a_non_object_is_rejected(nama: str) -> None:
    assert ditolak(nama, ["bukan", "objek"]) == [("bukan-objek", None)]


def test_berlaku_is_judged_against_the_wita_date_of_ts() -> None:
    pagi_wita = "2026-06-30T16:30:00+00:00"  # 00:30 WITA on 1 July
    env = diterima("peristiwa", perubahan("peristiwa", ts=pagi_wita, berlaku="2026-07-01")).envelope
    assert env["berlaku"] == dt.date(2026, 7, 1)
    assert ditolak(
        "peristiwa", perubahan("peristiwa", ts="2026-06-30T15:59:59+00:00", berlaku="2026-07-01")
    ) == [("berlaku-tidak-valid", "berlaku")]
    assert diterima("surat", perubahan("surat", berlaku="1900-01-01")).envelope["berlaku"] == dt.date(
        1900, 1, 1
    )


def test_image_dates_may_not_be_after_the_change() -> None:
    kemarin = "2026-06-30T09:00:00+08:00"
    assert ditolak("surat", perubahan("surat", ts=kemarin)) == [("tanggal-tidak-wajar", "tanggal")]
    assert ditolak("peristiwa", perubahan("peristiwa", ts=kemarin)) == [("tanggal-tidak-wajar", "tgl_lapor")]


# -- the stream-side check --


@pytest.mark.parametrize("nama", list(JENIS))
def test_stream_check_is_deterministic_and_judges_berlaku_by_ts(nama: str) -> None:
    jenis = JENIS[nama]
    env = dekode(jenis, diterima(nama, perubahan(nama)).envelope)
    env["berlaku"] = dt.date(2026, 7, 2)
    env["source"]["version"] = 0
    assert [(a.kode, a.kolom) for a in periksa_envelope(jenis, env, REF)] == [
        ("versi-tidak-valid", "source.version"),
        ("berlaku-tidak-valid", "berlaku"),
    ]
    env = dekode(jenis, diterima(nama, perubahan(nama)).envelope) | {"after": None}
    assert [(a.kode, a.kolom) for a in periksa_envelope(jenis, env, REF)] == [("data-wajib", "after")]


def test_stream_check_runs_the_image_rules() -> None:
    env = dekode(JENIS["peristiwa"], diterima("peristiwa", perubahan("peristiwa")).envelope)
    env["after"] |= {"kode_peristiwa": 9, "tgl_lapor": dt.date(2026, 6, 1)}
    assert [(a.kode, a.kolom) for a in periksa_envelope(JENIS["peristiwa"], env, REF)] == [
        ("kode-di-luar-daftar", "kode_peristiwa"),
        ("urutan-tanggal-tidak-valid", "tgl_lapor"),
    ]


# -- whatever is accepted can be published --

nilai_json = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["0", "1", "2", " 3 ", "true", "Pusat", "2026-06-01", "5272011001", "5272014101900001"]),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=500, deadline=None)
@given(nama=st.sampled_from(list(JENIS)), data=st.data())
def test_every_accepted_change_encodes_as_avro(nama: str, data: st.DataObject) -> None:
    """Never an exception: a record is either rejected with reasons or its envelope fits the schema."""
    kolom = sorted(
        {f["name"] for f in catalog().schema(JENIS[nama].schema_name.replace("Perubahan", ""))["fields"]}
        - {"id"}
    )
    ubah = data.draw(st.dictionaries(st.sampled_from(kolom), nilai_json, max_size=len(kolom)))
    hasil = periksa(nama, perubahan(nama, data=ubah))
    if isinstance(hasil, list):
        assert hasil and all(a.kode and a.pesan for a in hasil)
        return
    assert dekode(JENIS[nama], hasil.envelope)["source"]["record_id"] == 7
