"""Sectoral indicators for the OPD (KAK C.4.b): ``GET /v1/sektoral`` and ``GET /v1/sektoral/{sektor}``.

The sectors are the YAML definitions of ``satudata/data/sektoral`` (:mod:`satudata.sektoral`); each indicator
is computed from the record states as of the date asked, with small-cell suppression.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Response, status
from pydantic import BaseModel

from api.deps import GudangDep, ReferensiDep, SettingsDep
from api.routes.statistik import InfoWilayah, cari_wilayah, tanggal_per
from satudata.sektoral import Sektor, hitung, sektor_bawaan, sumber_dipakai
from satudata.warehouse.client import Gudang
from satudata.warehouse.versi import nama_tabel
from satudata.wilayah import Wilayah

router = APIRouter(prefix="/v1/sektoral", tags=["sektoral"])


class RingkasIndikator(BaseModel):
    kode: str
    judul: str
    satuan: str
    sumber: str
    rincian: list[str]


class RingkasSektor(BaseModel):
    sektor: str
    judul: str
    opd: str
    deskripsi: str
    sembunyikan_di_bawah: int
    indikator: list[RingkasIndikator]


class SelSektoral(BaseModel):
    kode: str
    nama: str
    jenis_kelamin: Literal["L", "P"] | None
    nilai: int | float | None
    pembilang: int | None
    pembagi: int | None
    disembunyikan: bool
    alasan: Literal["sel-kecil", "pelengkap"] | None


class HasilIndikator(RingkasIndikator):
    deskripsi: str
    sel: list[SelSektoral]


class HasilSektor(BaseModel):
    sektor: str
    judul: str
    opd: str
    deskripsi: str
    wilayah: InfoWilayah
    per: dt.date
    diperbarui: dt.datetime | None
    sembunyikan_di_bawah: int
    sembunyikan_pelengkap: bool
    indikator: list[HasilIndikator]


def _ringkas(s: Sektor) -> RingkasSektor:
    return RingkasSektor(
        sektor=s.sektor,
        judul=s.judul,
        opd=s.opd,
        deskripsi=s.deskripsi,
        sembunyikan_di_bawah=s.sembunyikan_di_bawah,
        indikator=[
            RingkasIndikator(
                kode=i.kode, judul=i.judul, satuan=i.satuan, sumber=i.sumber, rincian=i.rincian.nama()
            )
            for i in s.indikator
        ],
    )


async def _diperbarui(gudang: Gudang, s: Sektor, w: Wilayah) -> dt.datetime | None:
    """When the newest version of a record the sector reads (in this wilayah) was written."""
    waktu: list[dt.datetime] = []
    for jenis in sumber_dipakai(s):
        rows = await gudang.query(
            f"SELECT max(diperbarui), count() FROM {{db}}.{nama_tabel(jenis)} WHERE {w.kolom} = {{w:String}}",
            {"w": w.kode},
        )
        if rows and rows[0][1]:
            t: dt.datetime = rows[0][0]
            waktu.append(t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t)
    return max(waktu, default=None)


def ke_csv(h: HasilSektor) -> Response:
    buf = io.StringIO()
    tulis = csv.writer(buf)
    tulis.writerow(["sektor", "indikator", "judul", "satuan", "kode", "nama", "jenis_kelamin", "nilai",
                    "pembilang", "pembagi", "disembunyikan"])  # fmt: skip
    for ind in h.indikator:
        for s in ind.sel:
            tulis.writerow([h.sektor, ind.kode, ind.judul, ind.satuan, s.kode, s.nama, s.jenis_kelamin or "",
                            "" if s.nilai is None else s.nilai, "" if s.pembilang is None else s.pembilang,
                            "" if s.pembagi is None else s.pembagi, int(s.disembunyikan)])  # fmt: skip
    nama = f"sektoral_{h.sektor}_{h.wilayah.kode_tanpa_titik}_{h.per.isoformat()}.csv"
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{nama}"'},
    )


@router.get(
    "",
    response_model=list[RingkasSektor],
    summary="Daftar sektor dan indikatornya",
    description="Sektor (OPD) beserta indikator, satuan, sumber data dan rinciannya.",
)
async def daftar_sektor() -> list[RingkasSektor]:
    return [_ringkas(s) for s in sektor_bawaan().values()]


@router.get(
    "/{sektor}",
    response_model=HasilSektor,
    summary="Indikator sektoral untuk OPD, untuk wilayah dan tanggal mana pun",
    description=(
        "Semua indikator satu sektor (didefinisikan dalam berkas YAML per sektor) untuk kota, kecamatan atau "
        "kelurahan pada tanggal `per`: jumlah orang, keluarga atau peserta bantuan, atau persen (dengan "
        "pembilang dan pembaginya), dirinci menurut jenis kelamin dan/atau kode OpenSID. Penduduk dihitung "
        "bila berstatus HIDUP pada tanggal `per` dan umur dihitung pada tanggal itu. Sel bernilai 1 sampai "
        "`sembunyikan_di_bawah` − 1 disembunyikan (`nilai` null, `disembunyikan` true, alasan `sel-kecil`), "
        "begitu pula sel yang dapat dipakai menghitung balik sel tersembunyi (alasan `pelengkap`); nol tetap "
        "ditampilkan. `format=csv` untuk unduhan CSV (satu baris per sel)."
    ),
    responses={200: {"content": {"text/csv": {}}}},
)
async def sektoral(
    sektor: str,
    gudang: GudangDep,
    ref: ReferensiDep,
    settings: SettingsDep,
    wilayah: Annotated[str | None, Query(description="mis. 52.72, 527201, 52.72.01.1001")] = None,
    per: Annotated[dt.date | None, Query(description="tanggal acuan (bawaan: hari ini, WITA)")] = None,
    bulan: Annotated[str | None, Query(description="akhir bulan YYYY-MM, pengganti per")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json atau csv")] = "json",
) -> HasilSektor | Response:
    semua = sektor_bawaan()
    s = semua.get(sektor)
    if s is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"sektor {sektor!r} tidak dikenal; pilihan: {', '.join(semua)}"
        )
    w = cari_wilayah(ref, wilayah)
    tanggal = tanggal_per(settings.tanggal_acuan, per, bulan)
    indikator: list[HasilIndikator] = []
    for ind in s.indikator:
        sel = await hitung(gudang, s, ind, w.kolom, w.kode, tanggal)
        indikator.append(
            HasilIndikator(
                kode=ind.kode,
                judul=ind.judul,
                deskripsi=ind.deskripsi,
                satuan=ind.satuan,
                sumber=ind.sumber,
                rincian=ind.rincian.nama(),
                sel=[SelSektoral.model_validate(x, from_attributes=True) for x in sel],
            )
        )
    hasil = HasilSektor(
        sektor=s.sektor,
        judul=s.judul,
        opd=s.opd,
        deskripsi=s.deskripsi,
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        per=tanggal,
        diperbarui=await _diperbarui(gudang, s, w),
        sembunyikan_di_bawah=s.sembunyikan_di_bawah,
        sembunyikan_pelengkap=s.sembunyikan_pelengkap,
        indikator=indikator,
    )
    return ke_csv(hasil) if format == "csv" else hasil
