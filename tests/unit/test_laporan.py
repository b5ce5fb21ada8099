"""The monthly report (``satudata.laporan``): its rows from hand-made query rows, and end to end from record
histories through ``streams.agregat`` against the independent recount (``tests.recount.laporan_bulanan``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings

from satudata.laporan import KOLOM, Baris, Basis, kategori_laporan, rentang_bulan, susun_laporan
from streams.agregat import KunciHarian
from tests.recount import laporan_bulanan
from tests.unit.test_riwayat import (
    KELURAHAN,
    Aliran,
    Kejadian,
    citra_keluarga,
    citra_penduduk,
    citra_peristiwa,
    citra_peristiwa_keluarga,
    gabung,
    jalankan,
    kejadian,
    kelurahan_rekaman,
)

URUTAN = ["awal", "lahir", "mati", "datang", "pindah", "hilang", "akhir", "selisih"]
Row = tuple[str, str, int, int, int]


def nilai(baris: list[Baris]) -> dict[str, dict[str, int]]:
    return {b.kode: {k: v for k, v in b.nilai.items() if v} for b in baris}


def test_the_rows_in_order_with_every_column() -> None:
    baris = susun_laporan("peristiwa", [])
    assert [b.kode for b in baris] == URUTAN
    assert all(b.judul and list(b.nilai) == list(KOLOM) and not any(b.nilai.values()) for b in baris)
    assert KOLOM == ("wni_l", "wni_p", "wna_l", "wna_p", "l", "p", "jumlah", "kk_l", "kk_p", "kk_jumlah")


def test_residents_at_the_start_and_end_by_citizenship_and_sex() -> None:
    rows: list[Row] = [
        ("warga-negara", "1", 1, 10, 2),
        ("warga-negara", "3", 2, 4, -1),  # dual citizens are WNI
        ("warga-negara", "2", 1, 2, 1),
        ("warga-negara", "", 2, 1, 0),  # BELUM MENGISI counts as WNI
        ("warga-negara", "", 0, 5, 0),  # unknown sex: in jumlah only
    ]
    n = nilai(susun_laporan("peristiwa", rows))
    assert n["awal"] == {"wni_l": 10, "wni_p": 5, "wna_l": 2, "l": 12, "p": 5, "jumlah": 22}
    assert n["akhir"] == {"wni_l": 12, "wni_p": 4, "wna_l": 3, "l": 15, "p": 4, "jumlah": 24}


def test_families_fill_the_kk_columns_by_the_heads_sex() -> None:
    rows: list[Row] = [("keluarga", "1", 1, 7, 1), ("keluarga", "1", 2, 3, 0), ("keluarga", "1", 0, 2, -1)]
    n = nilai(susun_laporan("peristiwa", rows))
    assert n["awal"] == {"kk_l": 7, "kk_p": 3, "kk_jumlah": 12}
    assert n["akhir"] == {"kk_l": 8, "kk_p": 3, "kk_jumlah": 12}
    assert n["selisih"] == {"kk_l": 1}  # a head whose sex was unknown became a man: no event explains it


def test_events_of_the_month_go_to_their_rows_and_earlier_ones_are_ignored() -> None:
    rows: list[Row] = [
        ("peristiwa", "1|1", 1, 50, 2),
        ("peristiwa", "1|2", 2, 0, 1),
        ("peristiwa", "2|1", 2, 9, 3),
        ("peristiwa", "3|1", 1, 0, 1),
        ("peristiwa", "6|2", 1, 0, 2),  # PERGI counts as pindah
        ("peristiwa", "4|1", 0, 0, 1),
        ("peristiwa", "5|1", 2, 0, 4),
        ("peristiwa-keluarga", "1", 1, 7, 1),
        ("peristiwa-keluarga", "12", 2, 0, 2),  # a split family is a new one
        ("peristiwa-keluarga", "2", 1, 0, 1),
        ("peristiwa-keluarga", "3", 2, 0, 1),
        ("peristiwa-keluarga", "6", 2, 0, 1),
        ("peristiwa-keluarga", "4", 0, 0, 1),
        ("peristiwa-keluarga", "5", 1, 0, 3),
        ("peristiwa-keluarga", "11", 1, 0, 5),  # no report row for 11, 13, 14
        ("peristiwa-keluarga", "13", 1, 0, 5),
        ("peristiwa-keluarga", "14", 2, 0, 5),
    ]
    n = nilai(susun_laporan("peristiwa", rows))
    assert n["lahir"] == {
        "wni_l": 2,
        "wna_p": 1,
        "l": 2,
        "p": 1,
        "jumlah": 3,
        "kk_l": 1,
        "kk_p": 2,
        "kk_jumlah": 3,
    }
    assert n["mati"] == {"wni_p": 3, "p": 3, "jumlah": 3, "kk_l": 1, "kk_jumlah": 1}
    assert n["pindah"] == {"wni_l": 1, "wna_l": 2, "l": 3, "jumlah": 3, "kk_p": 2, "kk_jumlah": 2}
    assert n["hilang"] == {"jumlah": 1, "kk_jumlah": 1}
    assert n["datang"] == {"wni_p": 4, "p": 4, "jumlah": 4, "kk_l": 3, "kk_jumlah": 3}
    assert n["awal"] == n["akhir"] == {}


def test_selisih_is_what_no_event_explains() -> None:
    rows: list[Row] = [
        ("warga-negara", "1", 1, 10, 2),  # 10 → 12 with two births and a death: one more than explained
        ("peristiwa", "1|1", 1, 0, 2),
        ("peristiwa", "2|1", 1, 0, 1),
        ("warga-negara", "2", 2, 3, -1),  # a WNA record deleted without an event
        ("keluarga", "1", 1, 5, 1),  # a family that came with its event
        ("peristiwa-keluarga", "5", 1, 0, 1),
    ]
    n = nilai(susun_laporan("peristiwa", rows))
    assert n["selisih"] == {"wni_l": 1, "wna_p": -1, "l": 1, "p": -1}
    for k in KOLOM:
        mutasi = sum(t * n[r].get(k, 0) for r, t in (("lahir", 1), ("mati", -1), ("datang", 1), ("pindah", -1),
                                                     ("hilang", -1)))  # fmt: skip
        assert n["akhir"].get(k, 0) == n["awal"].get(k, 0) + mutasi + n["selisih"].get(k, 0)


@pytest.mark.parametrize("basis", ["peristiwa", "lapor"])
def test_each_basis_reads_its_own_categories(basis: Basis) -> None:
    lain: Basis = "lapor" if basis == "peristiwa" else "peristiwa"
    assert kategori_laporan("lapor") == {
        "penduduk": "warga-negara@lapor",
        "keluarga": "keluarga@lapor",
        "peristiwa": "peristiwa@lapor",
        "peristiwa-keluarga": "peristiwa-keluarga@lapor",
    }

    def rows(b: Basis, n: int) -> list[Row]:
        k = kategori_laporan(b)
        return [(k["penduduk"], "1", 1, n, 0), (k["keluarga"], "1", 2, n, 0), (k["peristiwa"], "2|1", 1, 0, n),
                (k["peristiwa-keluarga"], "2", 2, 0, n)]  # fmt: skip

    n = nilai(susun_laporan(basis, rows(basis, 3) + rows(lain, 100)))
    assert n["awal"] == {"wni_l": 3, "l": 3, "jumlah": 3, "kk_p": 3, "kk_jumlah": 3}
    assert n["mati"] == {"wni_l": 3, "l": 3, "jumlah": 3, "kk_p": 3, "kk_jumlah": 3}


def test_rentang_bulan() -> None:
    assert rentang_bulan(2024, 2) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert rentang_bulan(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


# -- end to end against the recount --

BULAN = [(2025, 12), (2026, 1), (2026, 2), (2026, 3)]
DARI, SAMPAI = dt.date(2025, 10, 1), dt.date(2026, 4, 30)


def baris_sql(
    jumlah: Mapping[KunciHarian, int], basis: Basis, wilayah: str, awal: dt.date, akhir: dt.date
) -> list[Row]:
    """What ``sql_laporan`` returns: per (kategori, kode, jenis_kelamin), the sums before and during the month."""
    kategori = set(kategori_laporan(basis).values())
    acc: dict[tuple[str, str, int], list[int]] = {}
    for ((kel, kat, kode, jk, _), hari), n in jumlah.items():
        if kat in kategori and kel.startswith(wilayah) and hari <= akhir.toordinal():
            acc.setdefault((kat, kode, jk), [0, 0])[hari >= awal.toordinal()] += n
    return [(*k, sebelum, selama) for k, (sebelum, selama) in acc.items()]


@settings(max_examples=120, deadline=None)
@given(
    kejadian(citra_penduduk, DARI, SAMPAI),
    kejadian(citra_keluarga, DARI, SAMPAI),
    kejadian(citra_peristiwa, DARI, SAMPAI),
    kejadian(citra_peristiwa_keluarga, DARI, SAMPAI),
    kelurahan_rekaman,
)
def test_the_report_equals_the_recount_and_months_chain(
    pd: list[Kejadian], kk: list[Kejadian], pr: list[Kejadian], prk: list[Kejadian], kel: Any
) -> None:
    aliran = [jalankan("penduduk", pd, kel), jalankan("keluarga", kk, kel), jalankan("peristiwa", pr, kel),
              jalankan("peristiwa-keluarga", prk, kel)]  # fmt: skip
    jumlah = gabung(*aliran)
    rekaman = {a.jenis: a.rekaman() for a in aliran}
    for wilayah in ("5272", KELURAHAN[0][:6], KELURAHAN[0], KELURAHAN[-1]):
        akhir_lalu: dict[str, int] | None = None
        for tahun, bulan in BULAN:
            awal, akhir = rentang_bulan(tahun, bulan)
            laporan = {
                b.kode: b.nilai
                for b in susun_laporan("peristiwa", baris_sql(jumlah, "peristiwa", wilayah, awal, akhir))
            }
            assert laporan == laporan_bulanan(rekaman, tahun, bulan, wilayah), (wilayah, tahun, bulan)
            if akhir_lalu is not None:
                assert laporan["awal"] == akhir_lalu
            akhir_lalu = laporan["akhir"]
            lapor = {
                b.kode: b.nilai
                for b in susun_laporan("lapor", baris_sql(jumlah, "lapor", wilayah, awal, akhir))
            }
            assert lapor["akhir"]["kk_jumlah"] >= 0 and lapor["akhir"]["jumlah"] >= 0


def test_an_event_without_a_date_contributes_no_undated_fact() -> None:
    a = Aliran("peristiwa")
    a.kirim(KELURAHAN[0], 1, 1, dt.date(2026, 1, 5), {"id_pend": 1, "kode_peristiwa": 2, "jenis_kelamin": 1})
    assert all(hari >= 1 for _, hari in a.agr.jumlah), sorted(a.agr.jumlah)  # dt.date.fromordinal(0) raises
