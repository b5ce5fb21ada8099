"""Every statistics category as an OpenSID-style table (No, Kelompok, L, %, P, %, Jumlah, %, then JUMLAH,
BELUM MENGISI and TOTAL) and a bar chart, in Grafana SQL built from the query layer's own statistics query
(:func:`satudata.statistik.sql_kategori`), so the boards and ``/v1/statistik`` count the same way.

One pass over the aggregates: the category's rows are grouped once (plus an empty BELUM MENGISI row, so that
row is always shown); each row then also counts towards JUMLAH (if its code is on the list) and TOTAL
(``ARRAY JOIN``), and the percentages of TOTAL come from a window.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard

from grafana.kueri import KOLOM_KOTA, dari_lapisan_kueri, literal
from grafana.panel import Panel, batang, tabel
from satudata.kode import BELUM_MENGISI
from satudata.statistik import KATEGORI, Kategori, sql_kategori, sql_nama_program

NO_JUMLAH, NO_BELUM, NO_TOTAL = 666, 777, 888  # OpenSID's summary row codes


def _daftar(kat: Kategori) -> str:
    """The category's fixed (no, kode, nama) list as a table expression."""
    baris = ", ".join(
        f"({i}, {literal(kode)}, {literal(nama)})" for i, (kode, nama) in enumerate(kat.kode_kode(), start=1)
    )
    return f"VALUES('no UInt16, kode String, nama String', {baris})"


def _per_kelompok(kat: Kategori, database: str) -> str:
    """(kelompok, l, p, j) of the category for the dashboard's wilayah and date; for bantuan the group is the
    programme's name (programme ids are local to a kelurahan)."""
    kategori = {"kategori": literal(kat.sumber)}
    if kat.slug == "bantuan":
        inti = dari_lapisan_kueri(sql_kategori(kat, KOLOM_KOTA, per_kelurahan=True), database, kategori)
        nama = dari_lapisan_kueri(sql_nama_program(KOLOM_KOTA), database)
        sumber = (
            "SELECT if(m.nama_program = '', concat('PROGRAM ', d.kelompok), m.nama_program) AS kelompok, "
            f"d.jk AS jk, d.banyak AS banyak FROM ({inti}) AS d LEFT JOIN ({nama}) AS m "
            "ON d.kode_kelurahan = m.kode_kelurahan AND d.kelompok = m.program"
        )
    else:
        sumber = dari_lapisan_kueri(sql_kategori(kat, KOLOM_KOTA), database, kategori)
    return (
        "SELECT kelompok, sumIf(banyak, jk = 1) AS l, sumIf(banyak, jk = 2) AS p, sum(banyak) AS j "
        f"FROM ({sumber}) GROUP BY kelompok HAVING j != 0"
    )


def _baris(kat: Kategori, database: str) -> str:
    """(no, nama, l, p, j): a row per listed code (zeros included) and one BELUM MENGISI row."""
    d = _per_kelompok(kat, database)
    if kat.bentuk == "dinamis":
        return (
            f"SELECT if(kelompok = '', {NO_BELUM}, toUInt16(dense_rank() OVER (ORDER BY kelompok = '', kelompok))) "
            f"AS no, if(kelompok = '', {literal(BELUM_MENGISI)}, kelompok) AS nama, l, p, j FROM ({d})"
        )
    return (
        f"SELECT if(k.no = 0, {NO_BELUM}, k.no) AS no, if(k.no = 0, {literal(BELUM_MENGISI)}, k.nama) AS nama, "
        "sum(d.l) AS l, sum(d.p) AS p, sum(d.j) AS j "
        f"FROM ({d}) AS d FULL OUTER JOIN {_daftar(kat)} AS k ON d.kelompok = k.kode "
        "GROUP BY no, nama SETTINGS join_use_nulls = 0"
    )


def sql_tabel(kat: Kategori, database: str) -> str:
    """The category's table with JUMLAH, BELUM MENGISI and TOTAL and percentages of TOTAL, in OpenSID order."""
    ringkas = (
        f"arrayConcat([(no, nama)], if(no < {NO_JUMLAH}, [({NO_JUMLAH}, 'JUMLAH')], []), "
        f"[({NO_TOTAL}, 'TOTAL')])"
    )
    g = (
        "SELECT g.1 AS nomor, g.2 AS label, sum(l) AS sl, sum(p) AS sp, sum(j) AS sj "
        f"FROM ({_baris(kat, database)} UNION ALL SELECT toUInt16({NO_BELUM}), {literal(BELUM_MENGISI)}, "
        f"toInt64(0), toInt64(0), toInt64(0)) ARRAY JOIN {ringkas} AS g GROUP BY nomor, label"
    )
    persen = "if(t = 0, 0, round(100 * {} / t, 2))"
    return (
        'SELECT nomor AS "No", label AS "Kelompok", sl AS "Laki-laki", '
        f'{persen.format("sl")} AS "L (%)", sp AS "Perempuan", {persen.format("sp")} AS "P (%)", '
        f'sj AS "Jumlah", {persen.format("sj")} AS "Jumlah (%)" '
        f"FROM (SELECT *, maxIf(sj, nomor = {NO_TOTAL}) OVER () AS t FROM ({g})) ORDER BY nomor"
    )


def sql_grafik(kat: Kategori, database: str) -> str:
    """The listed groups by sex, for the bar chart (summary rows left out)."""
    return (
        'SELECT nama AS "Kelompok", l AS "Laki-laki", p AS "Perempuan" '
        f"FROM ({_baris(kat, database)}) WHERE no < {NO_JUMLAH} ORDER BY no"
    )


def _keterangan(kat: Kategori) -> str:
    kapan = "dalam rentang waktu dasbor" if kat.aliran else "per tanggal akhir rentang waktu dasbor (stok)"
    return (
        f"{kat.judul} di wilayah terpilih, {kapan}. Persen terhadap TOTAL; BELUM MENGISI = data kosong atau "
        "kode di luar daftar. Angka sama dengan API /v1/statistik/" + kat.slug + "."
    )


def panel_kategori(kat: Kategori, database: str) -> list[Panel]:
    ket = _keterangan(kat)
    return [
        tabel(f"{kat.judul} — tabel", ket, sql_tabel(kat, database), w=12, h=11),
        batang(
            f"{kat.judul} — grafik", ket, sql_grafik(kat, database), sumbu_x="Kelompok", w=12, h=11,
            mendatar=True, tumpuk=True,
        ),
    ]  # fmt: skip


def baris_kategori(database: str) -> list[dashboard.Row]:
    """One collapsed row per category (a collapsed row runs its queries only when opened)."""
    out = []
    for kat in KATEGORI.values():
        row = dashboard.Row(f"Statistik: {kat.judul}").collapsed(True)
        for p in panel_kategori(kat, database):
            row = row.with_panel(p)
        out.append(row)
    return out
