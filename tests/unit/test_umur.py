"""Age-band sets as data (``data/rentang_umur.json``) and the ClickHouse twins of ``umur``/``rentang_untuk``."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import clickhouse_connect
import pytest
from hypothesis import given
from hypothesis import strategies as st

from satudata.umur import (
    BPS_5_TAHUN,
    RENTANG,
    RENTANG_BAWAAN,
    SET_RENTANG,
    Rentang,
    label_umur,
    muat_rentang,
    rentang_set,
    rentang_untuk,
    sql_rentang,
    sql_umur,
    umur,
)

NAMA_SET = ["bps-5-tahun", "opendk", "opensid-kategori", "opensid-rentang"]

# -- the shipped sets (DOMAIN.md §3) --


def test_the_four_sets_and_the_bps_default() -> None:
    assert sorted(RENTANG) == sorted(SET_RENTANG) == NAMA_SET
    assert RENTANG_BAWAAN == "bps-5-tahun"
    assert BPS_5_TAHUN is RENTANG["bps-5-tahun"] is rentang_set("bps-5-tahun")
    for nama, s in SET_RENTANG.items():
        assert s.nama == nama and s.judul and s.sumber and s.rentang == RENTANG[nama]


def test_bps_is_unchanged_by_the_move_to_data() -> None:
    lama = (*(Rentang(f"{a}-{a + 4}", a, a + 4) for a in range(0, 75, 5)), Rentang("75+", 75, None))
    assert lama == BPS_5_TAHUN


def test_opensid_rentang_umur() -> None:
    r = rentang_set("opensid-rentang")
    assert r[:3] == (
        Rentang("Di bawah 1 Tahun", 0, 1),
        Rentang("2 s/d 4 Tahun", 2, 4),
        Rentang("5 s/d 9 Tahun", 5, 9),
    )
    assert r[3:-1] == tuple(Rentang(f"{a} s/d {a + 4} Tahun", a, a + 4) for a in range(10, 75, 5))
    assert r[-1] == Rentang("Di atas 75 Tahun", 75, None)


def test_opensid_kategori_umur() -> None:
    assert rentang_set("opensid-kategori") == (
        Rentang("BALITA", 0, 5),
        Rentang("ANAK-ANAK", 6, 17),
        Rentang("DEWASA", 18, 30),
        Rentang("TUA", 31, None),
    )


def test_opendk_ref_umur() -> None:
    assert rentang_set("opendk") == (
        Rentang("BAYI", 0, 5),
        Rentang("ANAK-ANAK", 6, 14),
        Rentang("REMAJA", 15, 24),
        Rentang("DEWASA", 25, 44),
        Rentang("TUA", 45, 74),
        Rentang("LANSIA", 75, 130),
    )


@pytest.mark.parametrize("nama", NAMA_SET)
def test_every_set_is_contiguous_from_zero(nama: str) -> None:
    r = rentang_set(nama)
    assert r[0].dari == 0
    for a, b in itertools.pairwise(r):
        assert a.sampai is not None and b.dari == a.sampai + 1
    assert len({x.label for x in r}) == len(r)


def test_unknown_set_names_list_the_choices() -> None:
    with pytest.raises(KeyError, match="tidak dikenal") as exc:
        rentang_set("bps-10-tahun")
    assert all(nama in str(exc.value) for nama in NAMA_SET)
    with pytest.raises(KeyError, match="pilihan"):
        sql_rentang("bps", "u")


@pytest.mark.parametrize(
    ("nama", "tahun", "label"),
    [
        ("bps-5-tahun", 0, "0-4"),
        ("bps-5-tahun", 75, "75+"),
        ("opensid-rentang", 1, "Di bawah 1 Tahun"),  # OpenSID's first band holds age 1 too
        ("opensid-rentang", 2, "2 s/d 4 Tahun"),
        ("opensid-rentang", 120, "Di atas 75 Tahun"),
        ("opensid-kategori", 5, "BALITA"),
        ("opensid-kategori", 6, "ANAK-ANAK"),
        ("opensid-kategori", 17, "ANAK-ANAK"),
        ("opensid-kategori", 31, "TUA"),
        ("opendk", 5, "BAYI"),
        ("opendk", 74, "TUA"),
        ("opendk", 130, "LANSIA"),
        ("opendk", 131, None),  # OpenDK's last band is closed
        ("opendk", -1, None),
        ("bps-5-tahun", -1, None),
    ],
)
def test_label_umur_at_the_boundaries(nama: str, tahun: int, label: str | None) -> None:
    assert label_umur(tahun, rentang_set(nama)) == label


def test_rentang_untuk_takes_any_set() -> None:
    acuan = dt.date(2026, 7, 1)
    assert rentang_untuk(dt.date(2020, 7, 2), acuan, rentang_set("opendk")) == "BAYI"  # 5 tomorrow: 5
    assert rentang_untuk(dt.date(2020, 7, 1), acuan, rentang_set("opendk")) == "ANAK-ANAK"
    assert rentang_untuk(dt.date(2008, 7, 1), acuan, rentang_set("opensid-kategori")) == "DEWASA"
    assert rentang_untuk(dt.date(1890, 1, 1), acuan, rentang_set("opendk")) is None


@given(st.sampled_from(NAMA_SET), st.integers(0, 130))
def test_every_age_up_to_130_has_exactly_one_band(nama: str, tahun: int) -> None:
    r = rentang_set(nama)
    cocok = [x for x in r if x.dari <= tahun and (x.sampai is None or tahun <= x.sampai)]
    assert len(cocok) == 1 and label_umur(tahun, r) == cocok[0].label


# -- loading another file --


def tulis(tmp_path: Path, rentang: list[dict[str, Any]], bawaan: str = "uji") -> Path:
    path = tmp_path / "rentang.json"
    isi = {"bawaan": bawaan, "set": {"uji": {"judul": "Uji", "sumber": "tes", "rentang": rentang}}}
    path.write_text(json.dumps(isi), encoding="utf-8")
    return path


def test_muat_rentang_reads_a_file(tmp_path: Path) -> None:
    bawaan, semua = muat_rentang(tulis(tmp_path, [{"label": "anak", "dari": 0, "sampai": 14}]))
    assert bawaan == "uji"
    assert semua["uji"].rentang == (Rentang("anak", 0, 14),)


@pytest.mark.parametrize(
    ("rentang", "bawaan", "pesan"),
    [
        ([{"label": "a", "dari": 0, "sampai": 9}, {"label": "b", "dari": 9, "sampai": 20}], "uji", "overlap"),
        ([{"label": "a", "dari": 10, "sampai": 19}, {"label": "b", "dari": 0, "sampai": 9}], "uji", "order"),
        (
            [{"label": "a", "dari": 0, "sampai": None}, {"label": "b", "dari": 5, "sampai": 9}],
            "uji",
            "overlap",
        ),
        ([{"label": "a", "dari": 0, "sampai": 4}, {"label": "a", "dari": 5, "sampai": 9}], "uji", "repeats"),
        ([{"label": "a", "dari": 5, "sampai": 4}], "uji", "whole years"),
        ([{"label": "a", "dari": -1, "sampai": 4}], "uji", "whole years"),
        ([{"label": "a", "dari": 0, "sampai": 4}], "lain", "default"),
    ],
)
def test_muat_rentang_rejects_bad_sets(
    tmp_path: Path, rentang: list[dict[str, Any]], bawaan: str, pesan: str
) -> None:
    with pytest.raises(ValueError, match=pesan):
        muat_rentang(tulis(tmp_path, rentang, bawaan))


# -- the SQL twins, run on the real engine (chdb) --


@pytest.fixture(scope="module")
def klien(chdb_path: Path) -> Iterator[Any]:
    """A chdb client on the run's shared engine path, with a database of its own."""
    client = clickhouse_connect.get_client(dsn=f"chdb://{chdb_path}")
    db = f"t_umur_{uuid.uuid4().hex[:10]}"
    client.command(f"CREATE DATABASE {db}")
    client.database = db
    try:
        yield client
    finally:
        client.command(f"DROP DATABASE IF EXISTS {db}")
        client.close()


def pasangan_tanggal(rng: random.Random, n: int) -> list[tuple[int, dt.date, dt.date]]:
    """(id, lahir, acuan) pairs: random ones, leap-day births and the days around 29 February."""
    awal, akhir = dt.date(1900, 1, 1).toordinal(), dt.date(2299, 12, 31).toordinal()
    kabisat = [dt.date(y, 2, 29) for y in range(1904, 2300, 4) if y % 100 or y % 400 == 0]
    sekitar = [dt.date(y, m, d) for y in range(1990, 2035) for m, d in ((2, 28), (3, 1))] + kabisat
    out = []
    for i in range(n):
        jenis = i % 4
        lahir = rng.choice(kabisat) if jenis in (1, 2) else dt.date.fromordinal(rng.randint(awal, akhir))
        acuan = rng.choice(sekitar) if jenis in (2, 3) else dt.date.fromordinal(rng.randint(awal, akhir))
        out.append((i, lahir, acuan))
    out += [
        (n, dt.date(2000, 2, 29), dt.date(2025, 2, 28)),
        (n + 1, dt.date(2000, 2, 29), dt.date(2025, 3, 1)),
    ]
    return out


@pytest.mark.integration
@pytest.mark.parametrize("tipe", ["Date32", "Date"])
def test_sql_umur_matches_python_including_29_february(klien: Any, tipe: str) -> None:
    rng = random.Random(20260229)
    pasangan = pasangan_tanggal(rng, 6000)
    if tipe == "Date":  # 1970-01-01 … 2149-06-06
        batas = (dt.date(1970, 1, 1), dt.date(2149, 6, 6))
        pasangan = [p for p in pasangan if all(batas[0] <= d <= batas[1] for d in p[1:])]
    tabel = f"pasangan_{tipe.lower()}"
    klien.command(f"CREATE TABLE {tabel} (id UInt32, lahir {tipe}, acuan {tipe}) ENGINE = Memory")
    klien.insert(tabel, pasangan, column_names=["id", "lahir", "acuan"])
    baris = klien.query(f"SELECT id, {sql_umur('lahir', 'acuan')} FROM {tabel} ORDER BY id").result_rows
    hasil = dict(baris)
    harapan = {i: umur(lahir, acuan) for i, lahir, acuan in pasangan}
    assert len(hasil) == len(harapan) > 1000
    salah = [(p, hasil[p[0]]) for p in pasangan if hasil[p[0]] != harapan[p[0]]]
    assert not salah, salah[:5]
    assert any(lahir > acuan for _, lahir, acuan in pasangan)  # negative ages were compared too


@pytest.mark.integration
@pytest.mark.parametrize("nama", NAMA_SET)
def test_sql_rentang_matches_label_umur(klien: Any, nama: str) -> None:
    sql = f"SELECT toInt32(number) - 5 AS u, {sql_rentang(nama, 'u')} FROM numbers(150) ORDER BY u"
    hasil = dict(klien.query(sql).result_rows)
    assert hasil == {u: label_umur(u, rentang_set(nama)) or "" for u in range(-5, 145)}


@pytest.mark.integration
def test_sql_bands_of_birth_dates_match_rentang_untuk(klien: Any) -> None:
    pasangan = pasangan_tanggal(random.Random(7), 2000)
    klien.command("CREATE TABLE lahir_acuan (id UInt32, lahir Date32, acuan Date32) ENGINE = Memory")
    klien.insert("lahir_acuan", pasangan, column_names=["id", "lahir", "acuan"])
    for nama in NAMA_SET:
        ekspresi = sql_rentang(nama, sql_umur("lahir", "acuan"))
        hasil = dict(klien.query(f"SELECT id, {ekspresi} FROM lahir_acuan").result_rows)
        for i, lahir, acuan in pasangan:
            assert hasil[i] == (rentang_untuk(lahir, acuan, rentang_set(nama)) or ""), (nama, lahir, acuan)


@pytest.mark.integration
def test_sql_expressions_take_any_expression_and_quote_labels(
    klien: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(RENTANG, "uji", (Rentang("anak 'kecil' \\ ", 0, 9), Rentang("x", 10, None)))
    assert klien.query(f"SELECT {sql_rentang('uji', '3')}").result_rows == [("anak 'kecil' \\ ",)]
    sql = (
        f"SELECT {sql_umur('toDate32(%(l)s)', 'toDate32(%(a)s)')}, "
        f"{sql_rentang('opensid-kategori', '17 + 14')}, {sql_rentang('opendk', '-1')}"
    )
    assert klien.query(sql, parameters={"l": "1948-02-29", "a": "2023-03-01"}).result_rows == [
        (75, "TUA", "")
    ]
