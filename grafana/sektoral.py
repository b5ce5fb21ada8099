"""Sektoral boards: one dashboard per sector definition (``satudata/data/sektoral/<sektor>.yaml``), each
indicator a table (and a chart where it helps) with the kecamatan → kelurahan variables, as of the end of the
time range.

The counts come from the sectoral query layer (:func:`satudata.sektoral.sql.kueri`) and the small-cell
suppression of :func:`satudata.sektoral.sel.susun_sel` is done in the SQL, so a board shows exactly the cells
of ``GET /v1/sektoral/{sektor}`` — the same values and the same cells hidden (NULL) — and nothing hidden ever
leaves ClickHouse. :func:`sql_sel` follows ``susun_sel`` step by step on arrays of one row:

1. the query layer's ``(kode, jenis_kelamin, pembilang, pembagi)`` rows become four arrays;
2. the table's rows (the code list of :func:`~satudata.sektoral.sel.baris_kode`, then codes not on it, then
   TOTAL) × columns (L, P, unknown, all) become a flat array of cells (row-major) with their sums. Codes off
   the list (possible only through conditions the list cannot see) are sorted, where the API keeps them in the
   order ClickHouse returns them; every such code is BELUM MENGISI (``''``) today, so there is at most one;
3. a cell is hidden when a number it publishes is 1 to ``ambang`` − 1; then complementary suppression runs
   ``_sembunyikan_pelengkap``'s loop with ``arrayFold``: one pass visits the additive groups in the same order
   (each row's L, P, unknown, all; then each column's rows, TOTAL last) and, where exactly one member is hidden,
   hides the same cell (smallest key, not the total, first in group order). A pass that hides nothing leaves
   the state unchanged and every pass that hides something hides a new cell, so ``cells + 1`` passes reach the
   same fixed point as the ``while`` loop; passes after the first that changes nothing are skipped;
4. the published cells go out (unknown sex is in the totals only): a row per code with L, P and all side by
   side, or, without a code breakdown, a row per L, P and TOTAL (:func:`sql_tabel`).

Percentages are rounded like Python's ``round(x, 2)`` (correctly, on the binary value), not like ClickHouse's
``round`` (which rounds ``x * 100``): :func:`sql_persen`.
"""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models import dashboard as model

from grafana.kueri import KOLOM_KOTA, dari_lapisan_kueri, literal
from grafana.panel import (
    Panel,
    batang,
    batang_ukur,
    catatan,
    dasbor,
    tabel,
    variabel_kecamatan,
    variabel_kelurahan,
)
from satudata.kode import BELUM_MENGISI, daftar
from satudata.sektoral import (
    KODE_BELUM_MENGISI,
    KODE_TOTAL,
    Indikator,
    Sektor,
    baris_kode,
    kueri,
    sektor_bawaan,
)

AWALAN_UID = "sektoral-"  # not "sektoral": the family's folder has that uid
SEMUA = 9  # the "all" column (Python's None)
_LABEL_KOLOM = {1: "Laki-laki", 2: "Perempuan", SEMUA: "Jumlah"}
_LABEL_PERSEN = {1: "L", 2: "P", SEMUA: "Semua"}
TIDAK_ADA_PEMBAGI = "–"  # a percentage of nobody (pembagi 0): NaN on the board, null in the API


def uid(s: Sektor) -> str:
    return AWALAN_UID + s.sektor


def teks_tersembunyi(s: Sektor) -> str:
    """What a hidden cell shows (Grafana's ``noValue``)."""
    return f"<{s.sembunyikan_di_bawah} / pelengkap"


def _literal_nilai(v: object) -> str:
    if isinstance(v, list | tuple):
        if all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            return f"CAST([{', '.join(str(x) for x in v)}] AS Array(Int64))"
        return f"CAST([{', '.join(literal(str(x)) for x in v)}] AS Array(String))"
    if isinstance(v, int) and not isinstance(v, bool):
        return f"toInt64({v})"
    return literal(str(v))


def sql_hitungan(ind: Indikator, db: str) -> str:
    """The query layer's rows for the dashboard's wilayah and date, as four arrays in one row: ``dk`` code,
    ``dj`` sex, ``da`` pembilang (the count), ``dp`` pembagi (0 for a count)."""
    k = kueri(ind, KOLOM_KOTA)
    inti = dari_lapisan_kueri(k.sql, db, {n: _literal_nilai(v) for n, v in k.parameter.items()})
    return (
        "SELECT groupArray(t.1) AS dk, groupArray(toUInt8(t.2)) AS dj, groupArray(toInt64(t.3)) AS da, "
        f"groupArray(toInt64(t.4)) AS dp FROM (SELECT tuple(*) AS t FROM ({inti}))"
    )


def sql_persen(a: str, b: str) -> str:
    """``round(100 * a / b, 2)`` exactly as Python's ``round`` does it (``nan`` when ``b`` is 0), for
    ``0 <= a <= b``: the double ``x = 100a/b`` is ``mantissa * 2^-s``; ``100x`` is rounded half to even on
    that exact value with integer arithmetic, then divided by 100 (the double nearest to the decimal).
    ``arrayMap(v -> …, [e])[1]`` names an intermediate value ``e``."""
    bit = f"reinterpretAsUInt64(toFloat64(100 * {a} / {b}))"
    seratus_x = "toUInt128(bitOr(bitAnd(p_w, 4503599627370495), 4503599627370496)) * 100"  # 2^52 - 1, 2^52
    sisa = "p_n - bitShiftLeft(p_q, p_s)"
    separuh = "bitShiftLeft(toUInt128(1), p_s - 1)"
    bulat = f"(p_q + ({sisa} > {separuh} OR ({sisa} = {separuh} AND p_q % 2 = 1))) / 100"
    return (
        f"if({b} = 0, nan, if({a} = 0, 0., arrayMap(p_w -> arrayMap(p_s -> arrayMap(p_n -> arrayMap(p_q -> "
        f"{bulat}, [bitShiftRight(p_n, p_s)])[1], [{seratus_x}])[1], "
        f"[toUInt16(1075 - bitShiftRight(p_w, 52))])[1], [{bit}])[1]))"
    )


def _kolom(ind: Indikator) -> list[int]:
    """The table's columns of cells, in ``susun_sel``'s order: L, P, unknown (0), all."""
    return [1, 2, 0, SEMUA] if ind.rincian.jenis_kelamin else [SEMUA]


def _kelompok(ind: Indikator, jk: list[int]) -> str:
    """The additive groups of complementary suppression as arrays of cell indexes, total last, in
    ``sel_tersembunyi``'s order (rows, then columns); within a group the indexes ascend."""
    nk = len(jk)
    bagian = []
    if nk > 1:  # each row: L + P + unknown = all
        bagian.append(
            f"arrayMap(g_r -> arrayMap(g_c -> (g_r - 1) * {nk} + g_c, range(1, {nk + 1})), range(1, nb + 1))"
        )
    if ind.rincian.kolom is not None:  # each column: the code rows + TOTAL
        bagian.append(
            f"arrayMap(g_c -> arrayMap(g_r -> (g_r - 1) * {nk} + g_c, range(1, nb + 1)), range(1, {nk + 1}))"
        )
    return f"arrayConcat({', '.join(bagian)})" if bagian else ""


def _langkah() -> str:
    """One group's step of complementary suppression (``_sembunyikan_pelengkap``): ``l_m`` the state (0 shown,
    1 sel-kecil, 2 pelengkap), ``l_g`` the group. Where exactly one member is hidden, the shown member with a
    number, not of unknown sex, with the smallest (is-total, key, position) is hidden too."""
    calon = "arrayFilter(l_i -> l_m[l_i] = 0 AND sj[l_i] != 0 AND nz[l_i], l_g)"
    pilih = f"arraySort(l_i -> (l_i = l_g[-1], kunci[l_i], l_i), {calon})[1]"
    ganti = "arrayMap((l_v, l_j) -> if(l_j = l_p, toUInt8(2), l_v), l_m, arrayEnumerate(l_m))"
    return (
        f"(l_m, l_g) -> if(arrayCount(l_i -> l_m[l_i] > 0, l_g) = 1 AND notEmpty({calon}), "
        f"arrayMap(l_p -> {ganti}, [{pilih}])[1], l_m)"
    )


def sql_sel(ind: Indikator, s: Sektor, hitungan: str) -> str:
    """Per row of ``hitungan`` (:func:`sql_hitungan`), its columns and the table's cells: ``bk`` the code rows
    (TOTAL is row ``nb``), ``jk`` the columns (sex 1, 2, 0 or 9 = all), then per cell (row-major): ``a``/``b``
    pembilang/pembagi, ``pr`` the percentage and ``m`` whether it is hidden (0 no, 1 sel-kecil, 2 pelengkap)."""
    jk = _kolom(ind)
    kode = [k for k, _ in baris_kode(ind)] if ind.rincian.kolom is not None else []
    daftar_kode = "CAST([" + ", ".join(literal(k) for k in kode) + "] AS Array(String))"
    baris = (
        f"arrayConcat({daftar_kode}, arraySort(arrayDistinct(arrayFilter(h_k -> NOT has({daftar_kode}, h_k), dk))))"
        if ind.rincian.kolom is not None
        else "CAST([] AS Array(String))"
    )

    def jumlah(d: str) -> str:
        anggota = f"(h_r = nb OR h_k = bk[h_r]) AND (h_c = {SEMUA} OR h_j = h_c)"
        isi = f"arraySum(arrayMap((h_k, h_j, h_x) -> if({anggota}, h_x, 0), dk, dj, {d}))"
        return f"arrayMap((h_r, h_c) -> {isi}, sb, sj)"

    besaran = (
        "arrayMap((h_x, h_y) -> [h_x, h_y, h_y - h_x], a, b)" if ind.persen else "arrayMap(h_x -> [h_x], a)"
    )
    kelompok = _kelompok(ind, jk)
    if s.sembunyikan_pelengkap and kelompok:
        # state (hidden marks, converged); once a pass changes nothing the rest are skipped (short-circuit if)
        lintasan = f"arrayFold({_langkah()}, kel, f_s.1)"
        m = (
            f"arrayFold((f_s, f_n) -> if(f_s.2 = 1, f_s, arrayMap(f_b -> (f_b, toUInt8(f_b = f_s.1)), "
            f"[{lintasan}])[1]), range(n + 1), (m0, toUInt8(0))).1"
        )
    else:
        m, kelompok = "m0", "CAST([] AS Array(Array(UInt64)))"
    return (
        f"SELECT *, {baris} AS bk, length(bk) + 1 AS nb, [{', '.join(map(str, jk))}] AS jk, length(jk) AS nk, "
        "nb * nk AS n, arrayMap(h_i -> intDiv(h_i - 1, nk) + 1, range(1, n + 1)) AS sb, "
        "arrayMap(h_i -> jk[(h_i - 1) % nk + 1], range(1, n + 1)) AS sj, "
        f"{jumlah('da')} AS a, {jumlah('dp')} AS b, {besaran} AS q, "
        f"arrayMap(h_v -> toUInt8(arrayExists(h_x -> h_x > 0 AND h_x < {s.sembunyikan_di_bawah}, h_v)), q) AS m0, "
        "arrayMap(h_v -> arrayExists(h_x -> h_x != 0, h_v), q) AS nz, "
        f"{'b' if ind.persen else 'a'} AS kunci, {kelompok} AS kel, {m} AS m, "
        f"arrayMap((h_x, h_y) -> {sql_persen('h_x', 'h_y')}, a, b) AS pr "
        f"FROM ({hitungan})"
    )


def _nama_baris(ind: Indikator) -> str:
    """The label of a code row (every code of the list, so a code off the row list is named too)."""
    if ind.rincian.daftar is None:
        return literal(BELUM_MENGISI)
    label = {str(k): v for k, v in daftar(ind.rincian.daftar).label.items()} | dict(baris_kode(ind))
    kunci = ", ".join(literal(k) for k in label)
    nilai = ", ".join(literal(v) for v in label.values())
    return f"transform(bk[r], [{kunci}], [{nilai}], {literal(BELUM_MENGISI)})"


def judul_kolom(ind: Indikator) -> list[str]:
    """The table's columns: by code (wide, a column per sex), Kode, Kelompok and per sex the count or the
    percentage, pembilang and pembagi; without codes (long, a row per sex: L, P, TOTAL), Kelompok and the
    count or the percentage, pembilang and pembagi."""
    if ind.rincian.kolom is None:
        return ["Kelompok", *(["Persen (%)", "Pembilang", "Pembagi"] if ind.persen else ["Jumlah"])]
    out = ["Kode", "Kelompok"]
    for c in _kolom(ind):
        if c == 0:
            continue
        if ind.persen:
            x = _LABEL_PERSEN[c]
            out += [f"{x} (%)", f"{x}: pembilang", f"{x}: pembagi"]
        else:
            out.append(_LABEL_KOLOM[c])
    return out


def _isi(ind: Indikator, i: str) -> list[str]:
    """A cell's published numbers (NULL when hidden)."""
    isi = [f"pr[{i}]", f"a[{i}]", f"b[{i}]"] if ind.persen else [f"a[{i}]"]
    return [f"if(m[{i}] > 0, NULL, {x})" for x in isi]


def sql_tabel(ind: Indikator, s: Sektor, db: str) -> str:
    """The indicator's published cells, in the API's order (:func:`judul_kolom`); Kode is the API's (the
    code, 777 BELUM MENGISI, 888 TOTAL); NULL where the API hides the cell."""
    sumber = sql_sel(ind, s, sql_hitungan(ind, db))
    judul = judul_kolom(ind)
    if ind.rincian.kolom is None:
        kolom = [
            f"transform(jk[ci], [1, 2, {SEMUA}], ['Laki-laki', 'Perempuan', 'TOTAL'], '')",
            *_isi(ind, "ci"),
        ]
        pilih = ", ".join(f'{x} AS "{j}"' for x, j in zip(kolom, judul, strict=True))
        sel = "arrayFilter(x -> jk[x] != 0, range(1, nk + 1))"  # L, P, all (unknown sex is in the total only)
        return f"SELECT {pilih} FROM ({sumber}) ARRAY JOIN {sel} AS ci ORDER BY ci"
    kolom = [
        f"if(r = nb, {literal(KODE_TOTAL)}, if(bk[r] = '', {literal(KODE_BELUM_MENGISI)}, bk[r]))",
        f"if(r = nb, 'TOTAL', {_nama_baris(ind)})",
    ]
    for ci, c in enumerate(_kolom(ind), start=1):
        if c != 0:
            kolom += _isi(ind, f"(r - 1) * nk + {ci}")
    pilih = ", ".join(f'{x} AS "{j}"' for x, j in zip(kolom, judul, strict=True))
    return f"SELECT {pilih} FROM ({sumber}) ARRAY JOIN range(1, nb + 1) AS r ORDER BY r"


def _kerahasiaan(s: Sektor) -> str:
    k = s.sembunyikan_di_bawah
    if k <= 1:
        return "Tanpa penyembunyian sel kecil."
    pelengkap = (
        ", begitu pula sel pelengkap yang dapat dipakai menghitung balik sel tersembunyi"
        if s.sembunyikan_pelengkap
        else ""
    )
    return f'Sel bernilai 1–{k - 1} disembunyikan{pelengkap} (tampil "{teks_tersembunyi(s)}"); nol tetap ditampilkan.'


def _keterangan(ind: Indikator, s: Sektor) -> str:
    persen = (
        f' Persen = pembilang / pembagi ("{TIDAK_ADA_PEMBAGI}" bila pembaginya nol); sel persen disembunyikan '
        "bila pembilang, pembagi atau selisihnya kecil."
        if ind.persen
        else ""
    )
    return (
        f"{ind.deskripsi or ind.judul + '.'} Satuan: {ind.satuan}; per tanggal akhir rentang waktu dasbor, untuk "
        f"wilayah terpilih. {_kerahasiaan(s)}{persen} Angka sama dengan API /v1/sektoral/{s.sektor}."
    )


def _tinggi(ind: Indikator) -> int:
    if ind.rincian.kolom is not None:
        return min(4 + len(baris_kode(ind)), 16)
    return 6


def panel_indikator(ind: Indikator, s: Sektor, db: str) -> list[Panel]:
    """The indicator's table and, for a code breakdown or a percentage, a chart."""
    ket = _keterangan(ind, s)
    tersembunyi = teks_tersembunyi(s)
    nan: list[model.ValueMapping] = [
        model.SpecialValueMap(
            model.DashboardSpecialValueMapOptions(
                match=model.SpecialValueMatch.NA_N, result=model.ValueMappingResult(text=TIDAK_ADA_PEMBAGI)
            )
        )
    ]
    h, tabel_sql = _tinggi(ind), sql_tabel(ind, s, db)
    panel: list[Panel] = [tabel(ind.judul, ket, tabel_sql, w=12, h=h).no_value(tersembunyi).mappings(nan)]
    judul = f"{ind.judul} — grafik"
    if ind.rincian.kolom is not None:
        nilai = [
            j
            for j in judul_kolom(ind)[2:]
            if ":" not in j and (j != "Jumlah" or not ind.rincian.jenis_kelamin)
        ]
        seri = ", ".join(f'"{j}"' for j in nilai)
        sql = f'SELECT "Kelompok", {seri} FROM ({tabel_sql}) WHERE "Kode" != {literal(KODE_TOTAL)}'
        grafik = batang(judul, ket, sql, sumbu_x="Kelompok", w=12, h=h, mendatar=True, tumpuk=not ind.persen,
                        unit="percent" if ind.persen else "short")  # fmt: skip
        panel.append(grafik.no_value(tersembunyi).mappings(nan))
    elif ind.persen:
        sql = f'SELECT "Kelompok", "Persen (%)" FROM ({tabel_sql})'
        grafik_ukur = batang_ukur(judul, ket, sql, unit="percent", w=12, h=h).min(0).max(100)
        panel.append(grafik_ukur.no_value(tersembunyi).mappings(nan))
    return panel


def buat(s: Sektor, db: str) -> dashboard.Dashboard:
    d = (
        dasbor(
            uid(s), f"Sektoral — {s.judul}",
            f"{s.opd}: {s.deskripsi} Indikator didefinisikan dalam berkas {s.berkas or s.sektor + '.yaml'}; "
            f"angka sama dengan API /v1/sektoral/{s.sektor}.",
            ["sektoral", s.sektor],
        )
        .with_variable(variabel_kecamatan())
        .with_variable(variabel_kelurahan())
    )  # fmt: skip
    d = d.with_panel(
        catatan(
            f"{s.judul} — {s.opd}",
            f"{s.deskripsi}\n\nSemua angka per **tanggal akhir rentang waktu** dasbor, untuk kecamatan/kelurahan "
            f"terpilih. **Kerahasiaan:** {_kerahasiaan(s)} Unduhan CSV dan alasan setiap sel tersembunyi: API "
            f"`/v1/sektoral/{s.sektor}`.",
            h=4,
        )
    )
    for ind in s.indikator:
        for p in panel_indikator(ind, s, db):
            d = d.with_panel(p)
    return d


def buat_semua(db: str) -> list[dashboard.Dashboard]:
    """One board per shipped sector definition."""
    return [buat(s, db) for s in sektor_bawaan().values()]
