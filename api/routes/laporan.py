"""Monthly population report (laporan bulanan): ``GET /v1/laporan-bulanan``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel

from api.deps import GudangDep, ReferensiDep
from api.routes.statistik import InfoWilayah, cari_wilayah
from satudata.laporan import KOLOM, Basis, kategori_laporan, rentang_bulan, sql_laporan, susun_laporan
from satudata.penduduk import WITA

router = APIRouter(prefix="/v1/laporan-bulanan", tags=["laporan"])


class BarisLaporan(BaseModel):
    kode: str
    judul: str
    nilai: dict[str, int]


class LaporanBulanan(BaseModel):
    wilayah: InfoWilayah
    tahun: int
    bulan: int
    basis: Basis
    kolom: list[str]
    baris: list[BarisLaporan]


@router.get(
    "",
    response_model=LaporanBulanan,
    summary="Laporan bulanan penduduk (format Permendagri 47/2016)",
    description=(
        "Penduduk dan keluarga awal bulan, kelahiran, kematian, pendatang, pindah, hilang dan akhir bulan, "
        "menurut WNI/WNA × L/P dan KK, untuk kota, kecamatan atau kelurahan. `basis=peristiwa` memakai tanggal "
        "peristiwa, `basis=lapor` tanggal lapor (seperti OpenSID). Akhir bulan selalu sama dengan awal bulan "
        "berikutnya; perubahan tanpa peristiwa (hapus data, koreksi, muat awal) ditampilkan pada baris "
        "`selisih`, bukan disembunyikan. `format=csv` untuk unduhan CSV."
    ),
    responses={200: {"content": {"text/csv": {}}}},
)
async def laporan_bulanan(
    gudang: GudangDep,
    ref: ReferensiDep,
    tahun: Annotated[int, Query(ge=2000, le=2100)],
    bulan: Annotated[int, Query(ge=1, le=12)],
    wilayah: Annotated[str | None, Query(description="kode kota, kecamatan atau kelurahan")] = None,
    basis: Annotated[Basis, Query(description="peristiwa (tanggal peristiwa) atau lapor")] = "peristiwa",
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> LaporanBulanan | Response:
    w = cari_wilayah(ref, wilayah)
    awal, akhir = rentang_bulan(tahun, bulan)
    if awal > dt.datetime.now(WITA).date():
        raise HTTPException(status.HTTP_400_BAD_REQUEST, f"bulan {tahun}-{bulan:02d} belum terjadi")
    rows = await gudang.query(
        sql_laporan(w.kolom),
        {"kategori": list(kategori_laporan(basis).values()), "wilayah": w.kode, "awal": awal, "akhir": akhir},
    )
    baris = susun_laporan(basis, ((r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows))
    laporan = LaporanBulanan(
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        tahun=tahun,
        bulan=bulan,
        basis=basis,
        kolom=list(KOLOM),
        baris=[BarisLaporan(kode=b.kode, judul=b.judul, nilai=b.nilai) for b in baris],
    )
    if format == "json":
        return laporan
    buf = io.StringIO()
    tulis = csv.writer(buf)
    tulis.writerow(["baris", "judul", *KOLOM])
    for b in laporan.baris:
        tulis.writerow([b.kode, b.judul, *(b.nilai[k] for k in KOLOM)])
    nama = f"laporan-bulanan_{w.kode}_{tahun}-{bulan:02d}_{basis}.csv"
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{nama}"'})  # fmt: skip
