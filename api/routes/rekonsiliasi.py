"""Reconciliation on demand: ``GET /v1/operasional/rekonsiliasi`` (what ``satudata reconcile`` calls)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel

from api.deps import GudangDep, ReferensiDep, SettingsDep
from api.routes.statistik import tanggal_per
from satudata.laporan import Basis
from satudata.penduduk import WITA
from satudata.rekonsiliasi import periksa_hari_ini, periksa_laporan, periksa_statistik

router = APIRouter(prefix="/v1/operasional", tags=["operasional"])


class BarisSelisih(BaseModel):
    pemeriksaan: str
    wilayah: str
    kategori: str
    kode: str
    jenis_kelamin: int
    harapan: int
    nyata: int


class HasilRekonsiliasi(BaseModel):
    per: dt.date
    bulan: list[str]
    cocok: bool
    selisih: list[BarisSelisih]


def _bulan(dari: str, sampai: str) -> list[tuple[int, int]]:
    try:
        a, b = (tuple(int(x) for x in s.split("-")) for s in (dari, sampai))
        bulan = [(y, m) for y in range(a[0], b[0] + 1) for m in range(1, 13) if a <= (y, m) <= b]
    except ValueError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "bulan harus berformat YYYY-MM") from exc
    if not 0 < len(bulan) <= 120:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "rentang bulan harus 1 sampai 120 bulan, dari ≤ sampai"
        )
    return bulan


@router.get(
    "/rekonsiliasi",
    response_model=HasilRekonsiliasi,
    summary="Rekonsiliasi: hitung ulang semua statistik dari keadaan rekaman",
    description=(
        "Menghitung ulang setiap statistik stok untuk setiap kelurahan dari tabel versi rekaman (pada tanggal "
        "`per`) dan membandingkannya dengan agregat yang dipelihara aliran; memeriksa juga jumlah kelurahan = "
        "kecamatan = kota, JUMLAH + BELUM MENGISI = TOTAL, 'per hari ini' = seluruh perubahan, dan akhir bulan "
        "= awal bulan berikutnya untuk rentang bulan yang diminta. `cocok=false` bila ada selisih."
    ),
)
async def rekonsiliasi(
    gudang: GudangDep,
    ref: ReferensiDep,
    settings: SettingsDep,
    per: Annotated[dt.date | None, Query(description="tanggal acuan (bawaan: hari ini, WITA)")] = None,
    bulan_dari: Annotated[
        str | None, Query(description="bulan pertama YYYY-MM (bawaan: 12 bulan terakhir)")
    ] = None,
    bulan_sampai: Annotated[
        str | None, Query(description="bulan terakhir YYYY-MM (bawaan: bulan ini)")
    ] = None,
    basis: Annotated[Basis, Query()] = "peristiwa",
) -> HasilRekonsiliasi:
    hari_ini = dt.datetime.now(WITA).date()
    tanggal = tanggal_per(settings.tanggal_acuan, per, None)
    sampai = bulan_sampai or f"{hari_ini.year}-{hari_ini.month:02d}"
    dari = bulan_dari or f"{hari_ini.year - 1}-{hari_ini.month:02d}"
    bulan = _bulan(dari, sampai)
    selisih = await periksa_statistik(gudang, ref, tanggal)
    selisih += await periksa_hari_ini(gudang, hari_ini)
    selisih += await periksa_laporan(gudang, ref, bulan, basis)
    return HasilRekonsiliasi(
        per=tanggal,
        bulan=[f"{y}-{m:02d}" for y, m in bulan],
        cocok=not selisih,
        selisih=[BarisSelisih(**dataclasses.asdict(s)) for s in selisih],
    )
