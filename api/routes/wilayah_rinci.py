"""Resident statistics below the kelurahan (dusun, RW, RT): ``GET /v1/statistik-rinci/{kategori}``.

The maintained aggregates stop at the kelurahan, so these tables are counted from the resident versions valid
on the date asked (:func:`satudata.warehouse.keadaan.sql_hidup`), with the same rules as the aggregates: a
resident counts while HIDUP, a code outside its list is BELUM MENGISI, ages are computed for the date. Without
a dusun/RW/RT filter the table equals ``/v1/statistik`` for the kelurahan. With one it goes below the lowest
published level (SATU_DATA §4.3–4.4), so its small cells are hidden as in the sectoral tables: the sektoral
default threshold, with complementary suppression (:func:`sembunyikan`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel, Field

from api.deps import GudangDep, ReferensiDep, SettingsDep
from api.routes.statistik import Format, InfoWilayah, cari_wilayah, tanggal_per
from api.tabel import RINGKASAN, BarisStatistik, susun_tabel
from satudata.kode import STATUS_DASAR_HIDUP
from satudata.kontribusi import KOLOM_PENDUDUK
from satudata.sektoral import AMBANG_BAWAAN, Alasan, Kolom, sel_tersembunyi, sql_jk, sql_kode
from satudata.statistik import KATEGORI, Kategori
from satudata.umur import sql_rentang, sql_umur
from satudata.warehouse.client import Gudang
from satudata.warehouse.keadaan import sql_hidup
from satudata.wilayah import Tingkat

router = APIRouter(prefix="/v1/statistik-rinci", tags=["statistik"])

KATEGORI_UMUR = ("rentang-umur", "kategori-umur", "kelompok-umur", "umur-opendk")
KATEGORI_RINCI: dict[str, Kategori] = {slug: KATEGORI[slug] for slug in (*KATEGORI_UMUR, *KOLOM_PENDUDUK)}
FILTER = ("dusun", "rw", "rt")
KolomSel = Literal["laki_laki", "perempuan", "jumlah"]
_KOLOM_SEL: tuple[tuple[KolomSel, Kolom], ...] = (("laki_laki", 1), ("perempuan", 2), ("jumlah", None))


class BarisStatistikRinci(BaseModel):
    """A row of :class:`api.tabel.BarisStatistik` whose cells may be hidden (``None``). ``disembunyikan`` and
    ``alasan`` are set only below the kelurahan; the route excludes unset fields, so without a filter a row is
    exactly a ``/v1/statistik`` row."""

    kode: str
    nama: str
    jenis: Literal["kode", "ringkasan"]
    laki_laki: int | None
    perempuan: int | None
    jumlah: int | None
    persen_laki_laki: float | None
    persen_perempuan: float | None
    persen: float | None
    disembunyikan: bool = False  # a cell of the row is hidden
    alasan: dict[KolomSel, Alasan] = Field(default_factory=dict)  # why, per hidden cell


class TabelStatistikRinci(BaseModel):
    kategori: str
    judul: str
    wilayah: InfoWilayah
    per: dt.date
    dari: dt.date | None
    diperbarui: dt.datetime | None
    sembunyikan_di_bawah: int  # 0: nothing hidden (no filter)
    sembunyikan_pelengkap: bool
    baris: list[BarisStatistikRinci]
    dusun: str | None
    rw: str | None
    rt: str | None


def sembunyikan(
    baris: list[BarisStatistik], ambang: int = AMBANG_BAWAAN, pelengkap: bool = True
) -> list[BarisStatistikRinci]:
    """The rows with their small cells hidden as in the sectoral tables (:func:`satudata.sektoral.sel_tersembunyi`):
    a count of 1 to ``ambang`` - 1 (zero is shown), and with ``pelengkap`` the cells from which one could be
    computed back, over L + P + unknown sex = jumlah in every row and, in every column, code rows = JUMLAH and
    JUMLAH + BELUM MENGISI = TOTAL. Residents of unknown sex are only in ``jumlah``, so they are protected as in
    :func:`satudata.sektoral.susun_sel`. A hidden cell's percentage is hidden too, and every percentage when the
    TOTAL is hidden (a percentage and its count give the total back)."""
    kunci = [str(i) for i in range(len(baris))]  # codes are free text (age ranges): rows by position
    nilai: dict[tuple[str, Kolom], int] = {}
    for k, b in zip(kunci, baris, strict=True):
        nilai.update({(k, 1): b.laki_laki, (k, 2): b.perempuan, (k, 0): b.jumlah - b.laki_laki - b.perempuan,
                      (k, None): b.jumlah})  # fmt: skip
    ringkasan = {b.kode: k for k, b in zip(kunci, baris, strict=True) if b.jenis == "ringkasan"}
    jumlah, belum, total = (ringkasan[kode] for kode, _ in RINGKASAN)
    kode = [k for k, b in zip(kunci, baris, strict=True) if b.jenis == "kode"]
    sembunyi = sel_tersembunyi(
        kunci,
        [1, 2, 0, None],
        lambda s: (nilai[s],),
        ambang,
        pelengkap,
        [[*kode, jumlah], [jumlah, belum, total]],
    )
    tanpa_persen = (total, None) in sembunyi
    out: list[BarisStatistikRinci] = []
    for k, b in zip(kunci, baris, strict=True):
        alasan = {nama: sembunyi[(k, c)] for nama, c in _KOLOM_SEL if (k, c) in sembunyi}
        out.append(
            BarisStatistikRinci(
                kode=b.kode,
                nama=b.nama,
                jenis=b.jenis,
                laki_laki=None if "laki_laki" in alasan else b.laki_laki,
                perempuan=None if "perempuan" in alasan else b.perempuan,
                jumlah=None if "jumlah" in alasan else b.jumlah,
                persen_laki_laki=None if "laki_laki" in alasan or tanpa_persen else b.persen_laki_laki,
                persen_perempuan=None if "perempuan" in alasan or tanpa_persen else b.persen_perempuan,
                persen=None if "jumlah" in alasan or tanpa_persen else b.persen,
                disembunyikan=bool(alasan),
                alasan=alasan,
            )
        )
    return out


def sql_rinci(kat: Kategori, filter_: dict[str, str]) -> str:
    """SQL of ``(kode, jenis_kelamin, jumlah)`` of a kelurahan (``{wilayah}``) as of ``{per}``, for the
    residents whose dusun/rw/rt equal the given ``{dusun}``/``{rw}``/``{rt}`` parameters."""
    if kat.bentuk == "umur":
        assert kat.rentang is not None
        umur = sql_umur("assumeNotNull(s.tanggallahir)", "{per:Date32}")
        kode = f"if(isNull(s.tanggallahir), '', {sql_rentang(kat.rentang, umur)})"
    else:
        kolom, daftar = KOLOM_PENDUDUK[kat.slug]
        kode = sql_kode(f"s.{kolom}", daftar)
    saring = [f"s.status_dasar = {STATUS_DASAR_HIDUP}"] + [
        f"s.{k} = {{{k}:String}}" for k in FILTER if k in filter_
    ]
    return (
        f"SELECT {kode} AS kode_, {sql_jk('s.sex')} AS jk_, toInt64(count()) "
        f"FROM ({sql_hidup('penduduk', 'kode_kelurahan')}) AS s WHERE {' AND '.join(saring)} GROUP BY kode_, jk_"
    )


async def hitung_rinci(
    gudang: Gudang, kat: Kategori, kelurahan: str, per: dt.date, filter_: dict[str, str]
) -> list[tuple[str, int, int]]:
    parameter: dict[str, Any] = {"wilayah": kelurahan, "per": per, **filter_}
    rows = await gudang.query(sql_rinci(kat, filter_), parameter)
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


async def _diperbarui(gudang: Gudang, kelurahan: str) -> dt.datetime | None:
    rows = await gudang.query(
        "SELECT max(diperbarui), count() FROM {db}.penduduk_versi WHERE kode_kelurahan = {w:String}",
        {"w": kelurahan},
    )
    if not rows or not rows[0][1]:
        return None
    waktu: dt.datetime = rows[0][0]
    return waktu.replace(tzinfo=dt.UTC) if waktu.tzinfo is None else waktu


def ke_csv(tabel: TabelStatistikRinci, filter_: dict[str, str]) -> Response:
    """The CSV of ``/v1/statistik`` (a hidden cell empty), plus ``disembunyikan`` (0/1) when filtered."""
    buf = io.StringIO()
    tulis = csv.writer(buf)
    tulis.writerow(["kode", "nama", "laki_laki", "perempuan", "jumlah", "persen_laki_laki", "persen_perempuan",
                    "persen"] + (["disembunyikan"] if filter_ else []))  # fmt: skip
    for b in tabel.baris:
        nilai = [b.laki_laki, b.perempuan, b.jumlah, b.persen_laki_laki, b.persen_perempuan, b.persen]
        tulis.writerow([b.kode, b.nama, *("" if v is None else v for v in nilai),
                        *([int(b.disembunyikan)] if filter_ else [])])  # fmt: skip
    rinci = "".join(f"_{k}-{v}" for k, v in filter_.items())
    nama = _aman(f"{tabel.kategori}_{tabel.wilayah.kode_tanpa_titik}{rinci}_{tabel.per.isoformat()}.csv")
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{nama}"'},
    )


@router.get(
    "/{kategori}",
    response_model=TabelStatistikRinci,
    response_model_exclude_unset=True,  # rows without a filter carry no disembunyikan/alasan (see the model)
    summary="Statistik penduduk di bawah kelurahan (dusun, RW, RT), untuk tanggal mana pun",
    description=(
        "Tabel yang sama dengan /v1/statistik untuk kategori kode penduduk dan empat kategori umur, bagi satu "
        "kelurahan, dapat disaring menurut `dusun`, `rw` dan/atau `rt` (sama persis dengan isian SIMATIK, mis. "
        "`rt=003`). Dihitung dari riwayat data penduduk pada tanggal `per`; tanpa saringan hasilnya sama dengan "
        "/v1/statistik kelurahan itu (`sembunyikan_di_bawah` 0: tidak ada sel yang disembunyikan). Dengan "
        "saringan apa pun, sel kecil dilindungi seperti pada /v1/sektoral, karena tingkat penyajian terendah "
        "adalah kelurahan: sel (laki-laki, perempuan atau jumlah) bernilai 1 sampai `sembunyikan_di_bawah` − 1 "
        f"({AMBANG_BAWAAN - 1}) disembunyikan — angka dan persennya null, `disembunyikan` true dan `alasan` "
        'per sel, mis. `{"laki_laki": "sel-kecil"}` — begitu pula sel yang dapat dipakai menghitung balik '
        "sel tersembunyi, lewat jumlah baris, JUMLAH, BELUM MENGISI atau TOTAL (alasan `pelengkap`); nol tetap "
        "ditampilkan. Penduduk yang jenis kelaminnya tidak diketahui hanya masuk `jumlah`, dan ikut dilindungi. "
        "Bila jumlah TOTAL disembunyikan, semua persen null. Wilayah harus kode kelurahan. `format=csv` untuk "
        "unduhan CSV (sel tersembunyi kosong, dengan kolom `disembunyikan` bila disaring)."
    ),
    responses={200: {"content": {"text/csv": {}}}},
)
async def statistik_rinci(
    kategori: str,
    gudang: GudangDep,
    ref: ReferensiDep,
    settings: SettingsDep,
    wilayah: Annotated[str | None, Query(description="kode kelurahan, mis. 52.72.01.1001")] = None,
    dusun: Annotated[str | None, Query(description="nama dusun/lingkungan, sama persis")] = None,
    rw: Annotated[str | None, Query(description="RW, sama persis, mis. 002")] = None,
    rt: Annotated[str | None, Query(description="RT, sama persis, mis. 003")] = None,
    per: Annotated[dt.date | None, Query(description="tanggal acuan (bawaan: hari ini, WITA)")] = None,
    bulan: Annotated[str | None, Query(description="akhir bulan YYYY-MM, pengganti per")] = None,
    format: Annotated[Format, Query(description="json atau csv")] = "json",
) -> TabelStatistikRinci | Response:
    kat = KATEGORI_RINCI.get(kategori)
    if kat is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"kategori {kategori!r} tidak tersedia di bawah kelurahan; pilihan: {', '.join(KATEGORI_RINCI)}",
        )
    if not wilayah:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "wilayah wajib diisi dengan kode kelurahan")
    w = cari_wilayah(ref, wilayah)
    if w.tingkat != Tingkat.KELURAHAN:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            f"statistik rinci hanya untuk satu kelurahan; {w.kode_bertitik} {w.nama} adalah {w.tingkat.value}. "
            "Untuk kota dan kecamatan pakai /v1/statistik",
        )
    filter_ = {k: v for k, v in (("dusun", dusun), ("rw", rw), ("rt", rt)) if v}  # empty = not filtered
    tanggal = tanggal_per(settings.tanggal_acuan, per, bulan)
    baris = susun_tabel(kat, await hitung_rinci(gudang, kat, w.kode, tanggal, filter_))
    tabel = TabelStatistikRinci(
        kategori=kat.slug,
        judul=kat.judul,
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        per=tanggal,
        dari=None,
        diperbarui=await _diperbarui(gudang, w.kode),
        sembunyikan_di_bawah=AMBANG_BAWAAN if filter_ else 0,
        sembunyikan_pelengkap=bool(filter_),
        # without a filter: the /v1/statistik rows as they are (disembunyikan and alasan left unset)
        baris=sembunyikan(baris) if filter_ else [BarisStatistikRinci(**b.model_dump()) for b in baris],
        dusun=filter_.get("dusun"),
        rw=filter_.get("rw"),
        rt=filter_.get("rt"),
    )
    return tabel if format == "json" else ke_csv(tabel, filter_)


def _aman(nama: str) -> str:
    """A file name safe inside a Content-Disposition header (dusun names are free text)."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in nama)
