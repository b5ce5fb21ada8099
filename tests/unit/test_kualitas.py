"""Data-quality figures (``satudata.kualitas``): the rule definitions, freshness, the folding of query rows into
rows per kelurahan with their summary, and the CSV flattening of ``GET /v1/kualitas-data``."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from api.routes.kualitas import ratakan
from satudata.citra import CITRA
from satudata.kontribusi import KOLOM_PENDUDUK
from satudata.kualitas import (
    ATURAN,
    BIDANG,
    Hitungan,
    aktif,
    batas_ms,
    kelurahan_di,
    kumpulkan,
    sql_kombinasi,
    susun,
)
from satudata.perubahan import WITA
from satudata.umur import sql_umur
from satudata.wilayah import Tingkat, referensi_kota_bima

REF = referensi_kota_bima()
A, B, C = "5272011001", "5272011002", "5272051010"
PER = dt.date(2026, 12, 5)

SQL_KATA = {"AND", "OR", "NOT", "IN", "IS", "NULL", "ifNull"}


def test_rules_are_unique_described_and_use_only_resident_columns() -> None:
    kolom = {k.nama for k in CITRA["penduduk"]} | {"umur"}
    assert len({a.kode for a in ATURAN}) == len(ATURAN) == 7
    for a in ATURAN:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a.kode), a.kode
        assert a.uraian and a.uraian[0].isupper()
        nama = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", a.kondisi)) - SQL_KATA
        assert nama <= kolom, (a.kode, nama - kolom)
        assert a.kondisi.count("(") == a.kondisi.count(")")


def test_rule_query_counts_every_rule_with_age_at_per() -> None:
    sql = sql_kombinasi("kode_kecamatan")
    assert sql.count("countIf(") == len(ATURAN)
    assert all(f"ifNull(({a.kondisi}), 0)" in sql for a in ATURAN)
    assert sql_umur("tanggallahir", "{per:Date32}") in sql
    assert "kode_kecamatan = {wilayah:String}" in sql and "status_dasar = 1" in sql


def test_fields_are_the_resident_code_columns_and_the_birth_date() -> None:
    assert list(BIDANG) == [*KOLOM_PENDUDUK, "tanggal-lahir"]
    assert BIDANG["tanggal-lahir"][0] == "umur" and BIDANG["agama"] == ("agama", "Agama")


def test_active_means_an_event_on_one_of_the_days_up_to_per_in_wita() -> None:
    def jam(tanggal: dt.date, j: int, m: int = 0) -> dt.datetime:
        return dt.datetime.combine(tanggal, dt.time(j, m), WITA)

    assert not aktif(None, PER, 7)
    assert aktif(jam(PER, 23, 59), PER, 1)
    assert aktif(jam(PER - dt.timedelta(days=6), 0), PER, 7)
    assert not aktif(jam(PER - dt.timedelta(days=7), 23, 59), PER, 7)
    assert not aktif(jam(PER + dt.timedelta(days=1), 0), PER, 7)  # after per: not known yet on per
    # 16:30 UTC on 4 December is 00:30 WITA on 5 December
    assert aktif(dt.datetime(2026, 12, 4, 16, 30, tzinfo=dt.UTC), PER, 1)
    assert not aktif(dt.datetime(2026, 12, 4, 15, 59, tzinfo=dt.UTC), PER, 1)
    assert batas_ms(PER) == int(dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC).timestamp() * 1000)


def test_kelurahan_of_a_wilayah() -> None:
    assert len(kelurahan_di(REF, REF.kota)) == 41
    kec = kelurahan_di(REF, REF.get("527201"))
    assert [w.kode for w in kec][:2] == [A, B] and all(w.tingkat is Tingkat.KELURAHAN for w in kec)
    assert kelurahan_di(REF, REF.get(C)) == [REF.get(C)]


UTC = dt.UTC
T1 = dt.datetime(2026, 12, 5, 1, 0, tzinfo=UTC).replace(tzinfo=None)  # naive, as ClickHouse returns it
T0 = dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC)

HITUNGAN = kumpulkan(
    ledger=[
        (A, "applied", "", 5, T1),
        (A, "dead_lettered", "avro-rusak", 1, T0),
        (A, "dead_lettered", "kode-di-luar-daftar", 2, T0),
        (B, "dead_lettered", "kode-di-luar-daftar", 1, T0),
    ],
    ditolak=[(A, "kode-di-luar-daftar", 3), (A, "nik-tidak-valid", 1), (C, "nama-kosong", 2)],
    belum=[(A, "jenis-kelamin", 0, 4), (A, "agama", 1, 4), (A, "umur", 2, 4), (C, "jenis-kelamin", 0, 0)],
    nik=[(A, 1, 2), (C, 1, 0)],
    kombinasi=[(A, 1, 0, 1, 0, 0, 0, 0), (C, 0, 1, 0, 2, 1, 1, 1)],
)


def test_query_rows_fold_into_figures_per_kelurahan() -> None:
    a = HITUNGAN[A]
    assert a.jumlah_event == 8 and a.terakhir == T1.replace(tzinfo=UTC)
    assert a.dead_letter == Counter({"avro-rusak": 1, "kode-di-luar-daftar": 2})
    assert a.ditolak == Counter({"kode-di-luar-daftar": 3, "nik-tidak-valid": 1})
    assert a.belum == {"jenis-kelamin": (0, 4), "agama": (1, 4), "tanggal-lahir": (2, 4)}
    assert (a.nik_ganda, a.nik_ganda_dalam) == (1, 2)
    assert a.mustahil["kepala-keluarga-di-bawah-10"] == 1 and a.mustahil["hamil-laki-laki"] == 1
    assert HITUNGAN[B].terakhir == T0.replace(tzinfo=UTC) and HITUNGAN[B].jumlah_event == 1
    with pytest.raises(ValueError):
        kumpulkan([], [], [], [], [(A, 1, 2)])  # one count per rule, no more, no less


def test_rows_per_kelurahan_and_the_summary_row() -> None:
    kec = REF.get("527201")
    baris = susun(kelurahan_di(REF, kec), HITUNGAN, PER, 7, kec)
    assert [b.kode for b in baris] == [w.kode for w in kelurahan_di(REF, kec)] + ["527201"]
    a, b, kosong, ringkasan = baris[0], baris[1], baris[2], baris[-1]
    assert a.aktif is True and a.peristiwa_terakhir == dt.datetime(2026, 12, 5, 9, 0, tzinfo=WITA)
    assert a.peristiwa_terakhir.utcoffset() == dt.timedelta(hours=8)
    assert (a.jumlah_kelurahan, a.kelurahan_aktif, a.rasio_aktif) == (1, 1, 1.0)
    assert a.penduduk_hidup == 4 and a.belum_mengisi["agama"].model_dump() == {"jumlah": 1, "rasio": 0.25}
    assert a.belum_mengisi["tanggal-lahir"].rasio == 0.5 and a.belum_mengisi["pekerjaan"].jumlah == 0
    assert a.ditolak == {"kode-di-luar-daftar": 3, "nik-tidak-valid": 1}
    assert a.kode_tidak_valid == 3 + 2 and (a.nik_ganda, a.nik_ganda_dalam) == (1, 2)
    assert b.aktif is False and b.kode_tidak_valid == 1 and b.jumlah_event == 1  # last event 15 days ago
    assert kosong.aktif is False and kosong.peristiwa_terakhir is None and kosong.jumlah_event == 0
    assert kosong.penduduk_hidup == 0 and kosong.belum_mengisi["agama"].rasio == 0.0
    assert set(kosong.kombinasi_mustahil.values()) == {0} and len(kosong.kombinasi_mustahil) == len(ATURAN)
    # C is in another kecamatan: not part of this table at all
    assert ringkasan.jenis == "ringkasan" and ringkasan.aktif is None
    assert (ringkasan.jumlah_kelurahan, ringkasan.kelurahan_aktif, ringkasan.rasio_aktif) == (6, 1, 0.1667)
    assert ringkasan.peristiwa_terakhir == a.peristiwa_terakhir and ringkasan.jumlah_event == 9
    assert ringkasan.dead_letter == {"avro-rusak": 1, "kode-di-luar-daftar": 3}
    assert ringkasan.kode_tidak_valid == 6 and ringkasan.nik_ganda == 1
    assert ringkasan.belum_mengisi["agama"].model_dump() == {"jumlah": 1, "rasio": 0.25}
    assert susun([REF.get(C)], HITUNGAN, PER, 7)[0].kombinasi_mustahil["hamil-umur-tidak-wajar"] == 2
    assert len(susun([REF.get(C)], HITUNGAN, PER, 7)) == 1  # no summary row for a kelurahan


def test_kota_summary_sums_every_kelurahan() -> None:
    baris = susun(kelurahan_di(REF, REF.kota), HITUNGAN, PER, 30, REF.kota)
    ringkasan = baris[-1]
    assert len(baris) == 42 and ringkasan.kode == "5272"
    assert (ringkasan.kelurahan_aktif, ringkasan.rasio_aktif) == (2, round(2 / 41, 4))  # A and B (30 days)
    assert ringkasan.ditolak == {"kode-di-luar-daftar": 3, "nama-kosong": 2, "nik-tidak-valid": 1}
    assert ringkasan.nik_ganda == 2 and ringkasan.kombinasi_mustahil["pendidikan-tinggi-di-bawah-18"] == 1
    assert ringkasan.kombinasi_mustahil["kepala-keluarga-di-bawah-10"] == 1


def test_csv_has_one_column_per_figure() -> None:
    kec = REF.get("527201")
    header, rows = ratakan(susun(kelurahan_di(REF, kec), HITUNGAN, PER, 7, kec))
    assert len(rows) == 7 and all(len(r) == len(header) for r in rows)
    assert len(set(header)) == len(header)
    a = dict(zip(header, rows[0], strict=True))
    assert a["kode"] == A and a["aktif"] == 1 and a["peristiwa_terakhir"] == "2026-12-05T09:00:00+08:00"
    assert a["belum_mengisi_agama"] == 1 and a["rasio_belum_mengisi_tanggal_lahir"] == 0.5
    assert a["ditolak"] == 4 and a["ditolak_kode_di_luar_daftar"] == 3 and a["ditolak_nik_tidak_valid"] == 1
    assert a["dead_letter"] == 3 and a["dead_letter_avro_rusak"] == 1
    assert a["mustahil_hamil_laki_laki"] == 1 and a["kode_tidak_valid"] == 5
    ringkasan = dict(zip(header, rows[-1], strict=True))
    assert (
        ringkasan["aktif"] == "" and ringkasan["jenis"] == "ringkasan" and ringkasan["rasio_aktif"] == 0.1667
    )
    kosong = dict(zip(header, rows[2], strict=True))
    assert kosong["peristiwa_terakhir"] == "" and kosong["ditolak_nik_tidak_valid"] == 0


def test_empty_figures() -> None:
    (b,) = susun([REF.get(A)], {}, PER, 7)
    assert b.aktif is False and b.ditolak == {} and b.dead_letter == {} and b.penduduk_hidup == 0
    assert Hitungan().mustahil == {}
