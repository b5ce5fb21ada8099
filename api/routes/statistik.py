"""Living-resident statistics for kota, kecamatan or kelurahan: ``GET /v1/statistik/{kategori}``."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from api.deps import GudangDep, ReferensiDep
from api.tabel import BarisStatistik, susun_tabel
from satudata.statistik import KATEGORI
from satudata.wilayah import KodeWilayahError, Tingkat

router = APIRouter(prefix="/v1/statistik", tags=["statistik"])

_KOLOM_WILAYAH = {
    Tingkat.KOTA: "kode_kota",
    Tingkat.KECAMATAN: "kode_kecamatan",
    Tingkat.KELURAHAN: "kode_kelurahan",
}


class InfoWilayah(BaseModel):
    kode: str
    kode_tanpa_titik: str
    nama: str
    tingkat: Tingkat


class TabelStatistik(BaseModel):
    kategori: str
    judul: str
    wilayah: InfoWilayah
    diperbarui: dt.datetime | None
    tanggal_acuan: dt.date | None
    baris: list[BarisStatistik]


@router.get("", summary="Daftar kategori statistik")
async def daftar_kategori() -> dict[str, str]:
    return {k.slug: k.judul for k in KATEGORI.values()}


@router.get(
    "/{kategori}",
    response_model=TabelStatistik,
    summary="Statistik penduduk hidup per kategori",
    description=(
        "Tabel gaya OpenSID: satu baris per kode (laki-laki, perempuan, jumlah, persen), lalu JUMLAH, BELUM "
        "MENGISI dan TOTAL. Hanya penduduk dengan status dasar HIDUP. Wilayah: kode kota, kecamatan atau "
        "kelurahan Kemendagri, dengan atau tanpa titik (bawaan: seluruh kota)."
    ),
)
async def statistik(
    kategori: str,
    gudang: GudangDep,
    ref: ReferensiDep,
    wilayah: str | None = Query(default=None, description="mis. 52.72, 527201 atau 52.72.01.1001"),
) -> TabelStatistik:
    kat = KATEGORI.get(kategori)
    if kat is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            f"kategori {kategori!r} tidak dikenal; pilihan: {', '.join(KATEGORI)}",
        )
    try:
        w = ref.get(wilayah) if wilayah else ref.kota
    except KodeWilayahError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    kolom = _KOLOM_WILAYAH[w.tingkat]
    rows = await gudang.query(
        "SELECT kode, jenis_kelamin, toInt64(sum(jumlah)), max(diperbarui), max(tanggal_acuan) "
        "FROM {db}.penduduk_agregat FINAL "
        f"WHERE kategori = {{k:String}} AND {kolom} = {{w:String}} GROUP BY kode, jenis_kelamin",
        {"k": kat.slug, "w": w.kode},
    )
    diperbarui = max((r[3] for r in rows), default=None)
    acuan = max((r[4] for r in rows), default=None)
    return TabelStatistik(
        kategori=kat.slug,
        judul=kat.judul,
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        diperbarui=diperbarui.replace(tzinfo=dt.UTC)
        if diperbarui and diperbarui.tzinfo is None
        else diperbarui,
        tanggal_acuan=acuan,
        baris=susun_tabel(kat, ((r[0], int(r[1]), int(r[2])) for r in rows)),
    )
