"""Statistics for kota, kecamatan or kelurahan at any date: ``GET /v1/statistik/{kategori}``."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel

from api.deps import GudangDep, ReferensiDep, SettingsDep
from api.tabel import BarisStatistik, susun_tabel
from satudata.penduduk import WITA
from satudata.statistik import KATEGORI, Kategori, parameter, sql_kategori, sql_nama_program
from satudata.warehouse.client import Gudang
from satudata.wilayah import KodeWilayahError, ReferensiWilayah, Tingkat, Wilayah

router = APIRouter(prefix="/v1/statistik", tags=["statistik"])

Format = Literal["json", "csv"]


class InfoWilayah(BaseModel):
    kode: str
    kode_tanpa_titik: str
    nama: str
    tingkat: Tingkat


class TabelStatistik(BaseModel):
    kategori: str
    judul: str
    wilayah: InfoWilayah
    per: dt.date
    dari: dt.date | None
    diperbarui: dt.datetime | None
    baris: list[BarisStatistik]


def cari_wilayah(ref: ReferensiWilayah, wilayah: str | None) -> Wilayah:
    try:
        return ref.cari(wilayah) if wilayah else ref.kota
    except KodeWilayahError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc


def tanggal_per(settings_acuan: dt.date | None, per: dt.date | None, bulan: str | None) -> dt.date:
    """The date asked: ``per``, else the last day of ``bulan`` (YYYY-MM), else today (WITA)."""
    if per is not None and bulan is not None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "pilih salah satu: per atau bulan, bukan keduanya")
    if bulan is not None:
        try:
            tahun, b = (int(x) for x in bulan.split("-"))
            return dt.date(tahun, b, calendar.monthrange(tahun, b)[1])
        except ValueError as exc:
            raise HTTPException(
                status.HTTP_400_BAD_REQUEST, f"bulan {bulan!r} harus berformat YYYY-MM, mis. 2025-06"
            ) from exc
    return per or settings_acuan or dt.datetime.now(WITA).date()


async def hitung(
    gudang: Gudang, kat: Kategori, w: Wilayah, per: dt.date, dari: dt.date | None = None
) -> list[tuple[str, int, int]]:
    kolom, p = w.kolom, parameter(kat, w.kode, per, dari)
    if kat.slug != "bantuan":
        rows = await gudang.query(sql_kategori(kat, kolom), p)
        return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
    # Programme ids are local to a kelurahan: rows are per (kelurahan, programme) and are summed under the
    # programme's name as the kelurahan recorded it on ``per`` (OpenKab shows "PKH" once for the city).
    rows = await gudang.query(sql_kategori(kat, kolom, per_kelurahan=True), p)
    nama = {(str(r[0]), str(r[1])): str(r[2]) for r in await gudang.query(sql_nama_program(kolom), p)}
    return [(nama.get((str(r[0]), str(r[1])), f"PROGRAM {r[1]} (BELUM TERDAFTAR)"), int(r[2]), int(r[3]))
            for r in rows]  # fmt: skip


async def diperbarui(gudang: Gudang, kat: Kategori, w: Wilayah) -> dt.datetime | None:
    rows = await gudang.query(
        "SELECT max(diperbarui) FROM {db}.agregat_harian "
        f"WHERE kategori = {{k:String}} AND {w.kolom} = {{w:String}}",
        {"k": kat.sumber, "w": w.kode},
    )
    waktu: dt.datetime | None = rows[0][0] if rows else None
    if waktu is None or waktu.year < 1971:
        return None
    return waktu.replace(tzinfo=dt.UTC) if waktu.tzinfo is None else waktu


def ke_csv(tabel: TabelStatistik) -> Response:
    buf = io.StringIO()
    tulis = csv.writer(buf)
    tulis.writerow(["kode", "nama", "laki_laki", "perempuan", "jumlah", "persen_laki_laki",
                    "persen_perempuan", "persen"])  # fmt: skip
    for b in tabel.baris:
        tulis.writerow([b.kode, b.nama, b.laki_laki, b.perempuan, b.jumlah, b.persen_laki_laki,
                        b.persen_perempuan, b.persen])  # fmt: skip
    nama = f"{tabel.kategori}_{tabel.wilayah.kode_tanpa_titik}_{tabel.per.isoformat()}.csv"
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{nama}"'},
    )


@router.get("", summary="Daftar kategori statistik")
async def daftar_kategori() -> dict[str, str]:
    return {k.slug: k.judul for k in KATEGORI.values()}


@router.get(
    "/{kategori}",
    response_model=TabelStatistik,
    summary="Statistik per kategori, untuk wilayah dan tanggal mana pun",
    description=(
        "Tabel gaya OpenSID: satu baris per kode (laki-laki, perempuan, jumlah, persen), lalu JUMLAH, BELUM "
        "MENGISI dan TOTAL. Penduduk dihitung bila berstatus HIDUP pada tanggal `per` — benar juga untuk "
        "penduduk yang kemudian meninggal, pindah atau dihapus, karena dihitung dari riwayat perubahan. "
        "Umur dihitung pada tanggal `per`. Surat dihitung untuk rentang `dari`–`per` (bawaan: awal bulan "
        "`per`). Wilayah: kode kota, kecamatan atau kelurahan Kemendagri, dengan atau tanpa titik, atau nama. "
        "`format=csv` untuk unduhan CSV."
    ),
    responses={200: {"content": {"text/csv": {}}}},
)
async def statistik(
    kategori: str,
    gudang: GudangDep,
    ref: ReferensiDep,
    settings: SettingsDep,
    wilayah: Annotated[str | None, Query(description="mis. 52.72, 527201, 52.72.01.1001")] = None,
    per: Annotated[dt.date | None, Query(description="tanggal acuan (bawaan: hari ini, WITA)")] = None,
    bulan: Annotated[str | None, Query(description="akhir bulan YYYY-MM, pengganti per")] = None,
    dari: Annotated[dt.date | None, Query(description="awal rentang untuk statistik aliran (surat)")] = None,
    format: Annotated[Format, Query(description="json atau csv")] = "json",
) -> TabelStatistik | Response:
    kat = KATEGORI.get(kategori)
    if kat is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"kategori {kategori!r} tidak dikenal; pilihan: {', '.join(KATEGORI)}",
        )
    w = cari_wilayah(ref, wilayah)
    tanggal = tanggal_per(settings.tanggal_acuan, per, bulan)
    if dari is not None and dari > tanggal:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"dari ({dari}) tidak boleh setelah per ({tanggal})")
    rows = await hitung(gudang, kat, w, tanggal, dari)
    tabel = TabelStatistik(
        kategori=kat.slug,
        judul=kat.judul,
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        per=tanggal,
        dari=(dari or tanggal.replace(day=1)) if kat.aliran else None,
        diperbarui=await diperbarui(gudang, kat, w),
        baris=susun_tabel(kat, rows),
    )
    return ke_csv(tabel) if format == "csv" else tabel
