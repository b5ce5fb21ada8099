"""The OpenSID-style statistics table (``api.tabel.susun_tabel``) and BPS 5-year age bands (``satudata.umur``)."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.tabel import BarisStatistik, susun_tabel
from satudata.kode import BELUM_MENGISI, daftar
from satudata.statistik import KATEGORI
from satudata.umur import BPS_5_TAHUN, Rentang, rentang_untuk, umur

AGAMA = KATEGORI["agama"]
RINGKASAN = ["666", "777", "888"]


def baris(tabel: list[BarisStatistik], kode: str) -> BarisStatistik:
    (hasil,) = [b for b in tabel if b.kode == kode]
    return hasil


def lpj(b: BarisStatistik) -> tuple[int, int, int]:
    return (b.laki_laki, b.perempuan, b.jumlah)


# -- susun_tabel --

HITUNGAN = [
    ("1", 1, 100),
    ("1", 2, 90),
    ("1", 0, 1),  # sex unknown: counted in jumlah only
    ("2", 1, 3),
    ("4", 2, 5),
    ("", 1, 2),  # BELUM MENGISI
    ("", 0, 4),
]


def test_a_row_per_code_in_opensid_order_with_labels_then_the_summary_rows() -> None:
    tabel = susun_tabel(AGAMA, HITUNGAN)
    label = daftar("agama").label
    assert [(b.kode, b.nama, b.jenis) for b in tabel] == [
        *((str(k), v, "kode") for k, v in label.items()),
        ("666", "JUMLAH", "ringkasan"),
        ("777", BELUM_MENGISI, "ringkasan"),
        ("888", "TOTAL", "ringkasan"),
    ]
    assert (tabel[0].nama, tabel[3].nama) == ("ISLAM", "HINDU")


def test_counts_per_code_and_sex() -> None:
    tabel = susun_tabel(AGAMA, HITUNGAN)
    assert lpj(baris(tabel, "1")) == (100, 90, 191)
    assert lpj(baris(tabel, "2")) == (3, 0, 3)
    assert lpj(baris(tabel, "3")) == (0, 0, 0)  # codes without residents still get a row
    assert lpj(baris(tabel, "4")) == (0, 5, 5)
    assert lpj(baris(tabel, "666")) == (103, 95, 199)
    assert lpj(baris(tabel, "777")) == (2, 0, 6)
    assert lpj(baris(tabel, "888")) == (105, 95, 205)


def test_percentages_are_of_the_total() -> None:
    tabel = susun_tabel(AGAMA, HITUNGAN)
    islam = baris(tabel, "1")
    assert (islam.persen, islam.persen_laki_laki, islam.persen_perempuan) == (93.17, 48.78, 43.9)
    assert (baris(tabel, "777").persen, baris(tabel, "888").persen) == (2.93, 100.0)
    assert baris(tabel, "666").persen == 97.07
    assert baris(tabel, "888").persen_laki_laki + baris(tabel, "888").persen_perempuan == pytest.approx(97.56)


def test_counts_of_one_code_are_added_up() -> None:
    tabel = susun_tabel(AGAMA, [("1", 1, 2), ("1", 1, 3), ("1", 2, 4)])
    assert lpj(baris(tabel, "1")) == (5, 4, 9)
    assert baris(tabel, "1").persen == 100.0


def test_empty_table_has_zero_rows_and_no_division_by_zero() -> None:
    tabel = susun_tabel(AGAMA, [])
    assert len(tabel) == len(daftar("agama").label) + 3
    assert all(lpj(b) == (0, 0, 0) and b.persen == 0.0 for b in tabel)


def test_age_table_rows_are_the_bps_bands() -> None:
    tabel = susun_tabel(KATEGORI["kelompok-umur"], [("0-4", 1, 7), ("75+", 2, 1), ("", 0, 2)])
    assert [b.kode for b in tabel] == [r.label for r in BPS_5_TAHUN] + RINGKASAN
    assert all(b.kode == b.nama for b in tabel[:-3])
    assert lpj(baris(tabel, "0-4")) == (7, 0, 7)
    assert lpj(baris(tabel, "75+")) == (0, 1, 1)
    assert lpj(baris(tabel, "777")) == (0, 0, 2)
    assert baris(tabel, "888").jumlah == 10


def test_jenis_kelamin_table() -> None:
    tabel = susun_tabel(KATEGORI["jenis-kelamin"], [("1", 1, 6), ("2", 2, 4), ("", 0, 1)])
    assert [(b.kode, b.nama, lpj(b)) for b in tabel] == [
        ("1", "LAKI-LAKI", (6, 0, 6)),
        ("2", "PEREMPUAN", (0, 4, 4)),
        ("666", "JUMLAH", (6, 4, 10)),
        ("777", BELUM_MENGISI, (0, 0, 1)),
        ("888", "TOTAL", (6, 4, 11)),
    ]


def test_a_code_outside_the_list_is_refused() -> None:
    with pytest.raises(AssertionError, match="outside the list"):
        susun_tabel(AGAMA, [("1", 1, 5), ("99", 1, 1)])


kode_agama = st.sampled_from(["", *(str(k) for k in daftar("agama").label)])
hitungan_acak = st.lists(
    st.tuples(kode_agama, st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=10**6)),
    max_size=30,
)


@given(hitungan_acak)
def test_summary_rows_add_up(hitungan: list[tuple[str, int, int]]) -> None:
    tabel = susun_tabel(AGAMA, hitungan)
    kode, jumlah, belum, total = tabel[:-3], *tabel[-3:]
    assert [b.kode for b in tabel[-3:]] == RINGKASAN
    for i in range(3):
        assert lpj(jumlah)[i] + lpj(belum)[i] == lpj(total)[i]
        assert lpj(jumlah)[i] == sum(lpj(b)[i] for b in kode)
    assert total.jumlah == sum(n for _, _, n in hitungan)
    assert total.laki_laki == sum(n for _, jk, n in hitungan if jk == 1)
    assert belum.jumlah == sum(n for k, _, n in hitungan if k == "")
    assert all(b.jumlah >= b.laki_laki + b.perempuan for b in tabel)
    if total.jumlah:
        assert total.persen == 100.0
        assert jumlah.persen + belum.persen == pytest.approx(100.0, abs=0.011)
        assert sum(b.persen for b in kode) == pytest.approx(jumlah.persen, abs=0.005 * len(kode) + 1e-9)
        assert all(0.0 <= b.persen <= 100.0 for b in tabel)
    else:
        assert all(b.persen == b.persen_laki_laki == b.persen_perempuan == 0.0 for b in tabel)


# -- age bands --


def test_bps_bands_are_contiguous_five_year_groups_ending_in_75_plus() -> None:
    assert len(BPS_5_TAHUN) == 16
    assert [r.label for r in BPS_5_TAHUN[:3]] == ["0-4", "5-9", "10-14"]
    assert BPS_5_TAHUN[-2] == Rentang("70-74", 70, 74)
    assert BPS_5_TAHUN[-1] == Rentang("75+", 75, None)
    for a, b in itertools.pairwise(BPS_5_TAHUN):
        assert a.sampai is not None and b.dari == a.sampai + 1 and a.sampai - a.dari == 4


ACUAN = dt.date(2026, 7, 1)


@pytest.mark.parametrize(
    ("lahir", "acuan", "tahun", "label"),
    [
        (dt.date(2026, 7, 1), ACUAN, 0, "0-4"),  # born on the reference date
        (dt.date(2021, 7, 1), ACUAN, 5, "5-9"),  # fifth birthday on the reference date
        (dt.date(2021, 7, 2), ACUAN, 4, "0-4"),  # fifth birthday tomorrow
        (dt.date(2011, 7, 1), ACUAN, 15, "15-19"),
        (dt.date(2011, 7, 2), ACUAN, 14, "10-14"),
        (dt.date(1956, 7, 1), ACUAN, 70, "70-74"),
        (dt.date(1951, 7, 2), ACUAN, 74, "70-74"),  # 75th birthday tomorrow
        (dt.date(1951, 7, 1), ACUAN, 75, "75+"),  # 75th birthday today
        (dt.date(1900, 1, 1), ACUAN, 126, "75+"),
        # Leap-day births: the birthday counts from 1 March in common years, on 29 Feb in leap years.
        (dt.date(2000, 2, 29), dt.date(2025, 2, 28), 24, "20-24"),
        (dt.date(2000, 2, 29), dt.date(2025, 3, 1), 25, "25-29"),
        (dt.date(2000, 2, 29), dt.date(2024, 2, 28), 23, "20-24"),
        (dt.date(2000, 2, 29), dt.date(2024, 2, 29), 24, "20-24"),
        (dt.date(2020, 2, 29), dt.date(2025, 2, 28), 4, "0-4"),
        (dt.date(2020, 2, 29), dt.date(2025, 3, 1), 5, "5-9"),
        (dt.date(1948, 2, 29), dt.date(2023, 2, 28), 74, "70-74"),
        (dt.date(1948, 2, 29), dt.date(2023, 3, 1), 75, "75+"),
    ],
)
def test_age_and_band_at_the_boundaries(lahir: dt.date, acuan: dt.date, tahun: int, label: str) -> None:
    assert umur(lahir, acuan) == tahun
    assert rentang_untuk(lahir, acuan) == label


def test_unknown_or_future_birth_dates_have_no_band() -> None:
    assert rentang_untuk(None, ACUAN) is None
    assert rentang_untuk(ACUAN + dt.timedelta(days=1), ACUAN) is None


def test_ages_outside_custom_bands_have_no_band() -> None:
    balita = (Rentang("0-4", 0, 4),)
    assert rentang_untuk(dt.date(2022, 7, 1), ACUAN, balita) == "0-4"
    assert rentang_untuk(dt.date(2021, 7, 1), ACUAN, balita) is None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(0, 130))
def test_age_counts_whole_years_and_the_band_holds_it(lahir: dt.date, tahun: int) -> None:
    tahun_ini = lahir.year + tahun
    if (lahir.month, lahir.day) == (2, 29) and not calendar.isleap(tahun_ini):
        ulang_tahun = dt.date(tahun_ini, 3, 1)
    else:
        ulang_tahun = lahir.replace(year=tahun_ini)
    assert umur(lahir, ulang_tahun) == tahun
    if tahun:
        assert umur(lahir, ulang_tahun - dt.timedelta(days=1)) == tahun - 1
    label = rentang_untuk(lahir, ulang_tahun)
    (band,) = [r for r in BPS_5_TAHUN if r.label == label]
    assert band.dari <= tahun and (band.sampai is None or tahun <= band.sampai)
