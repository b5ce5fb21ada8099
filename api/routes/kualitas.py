"""Data-quality figures per kelurahan for any wilayah and date: ``GET /v1/kualitas-data``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from api.deps import GudangDep, ReferensiDep, SettingsDep
from api.routes.statistik import Format, InfoWilayah, cari_wilayah, tanggal_per
from satudata.kafka.topics import hub_topics
from satudata.kualitas import ATURAN, BIDANG, HARI_AKTIF, BarisKualitas, hitung

router = APIRouter(prefix="/v1/kualitas-data", tags=["kualitas"])


class TabelKualitas(BaseModel):
    wilayah: InfoWilayah
    per: dt.date
    hari_aktif: int
    bidang: dict[str, str] = Field(description="Kolom penduduk yang dihitung BELUM MENGISI-nya → judul.")
    aturan: dict[str, str] = Field(description="Kode aturan kombinasi mustahil → uraian.")
    baris: list[BarisKualitas]


def _kolom(teks: str) -> str:
    return teks.replace("-", "_")


def ratakan(baris: list[BarisKualitas]) -> tuple[list[str], list[list[Any]]]:
    """CSV header and rows: one column per field, per reason code seen and per rule; totals before details."""
    ditolak = sorted({k for b in baris for k in b.ditolak})
    dead = sorted({k for b in baris for k in b.dead_letter})
    header = ["kode", "kode_bertitik", "nama", "jenis", "jumlah_kelurahan", "kelurahan_aktif", "rasio_aktif",
              "aktif", "peristiwa_terakhir", "jumlah_event", "penduduk_hidup"]  # fmt: skip
    for k in BIDANG:
        header += [f"belum_mengisi_{_kolom(k)}", f"rasio_belum_mengisi_{_kolom(k)}"]
    header += ["ditolak", *(f"ditolak_{_kolom(k)}" for k in ditolak)]
    header += ["dead_letter", *(f"dead_letter_{_kolom(k)}" for k in dead)]
    header += ["kode_tidak_valid", "nik_ganda", "nik_ganda_dalam"]
    header += [f"mustahil_{_kolom(a.kode)}" for a in ATURAN]
    rows: list[list[Any]] = []
    for b in baris:
        row: list[Any] = [
            b.kode, b.kode_bertitik, b.nama, b.jenis, b.jumlah_kelurahan, b.kelurahan_aktif, b.rasio_aktif,
            "" if b.aktif is None else int(b.aktif),
            b.peristiwa_terakhir.isoformat() if b.peristiwa_terakhir else "", b.jumlah_event, b.penduduk_hidup,
        ]  # fmt: skip
        for k in BIDANG:
            row += [b.belum_mengisi[k].jumlah, b.belum_mengisi[k].rasio]
        row += [sum(b.ditolak.values()), *(b.ditolak.get(k, 0) for k in ditolak)]
        row += [sum(b.dead_letter.values()), *(b.dead_letter.get(k, 0) for k in dead)]
        row += [b.kode_tidak_valid, b.nik_ganda, b.nik_ganda_dalam]
        row += [b.kombinasi_mustahil[a.kode] for a in ATURAN]
        rows.append(row)
    return header, rows


def ke_csv(tabel: TabelKualitas) -> Response:
    buf = io.StringIO()
    tulis = csv.writer(buf)
    header, rows = ratakan(tabel.baris)
    tulis.writerow(header)
    tulis.writerows(rows)
    nama = f"kualitas-data_{tabel.wilayah.kode_tanpa_titik}_{tabel.per.isoformat()}.csv"
    return Response(
        buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{nama}"'},
    )


@router.get(
    "",
    response_model=TabelKualitas,
    summary="Kualitas data per kelurahan, untuk wilayah dan tanggal mana pun",
    description=(
        "Satu baris per kelurahan dalam wilayah (kota: ke-41 kelurahan; kecamatan: kelurahannya; kelurahan: "
        "satu baris), lalu satu baris `ringkasan` untuk kota atau kecamatan (jumlah; `rasio_aktif` = bagian "
        "kelurahan yang aktif). Per kelurahan: `peristiwa_terakhir` (event terakhir yang diterima hub, semua "
        "jenis rekaman) dan `aktif` (ada event dalam `hari_aktif` hari sampai dengan `per`); `belum_mengisi` "
        "per kolom penduduk (jumlah dan rasio 0–1 penduduk hidup pada `per` yang kolomnya kosong); `ditolak` "
        "(di API) dan `dead_letter` (di aliran) per kode alasan, dan `kode_tidak_valid` (bagian keduanya yang "
        "beralasan `kode-di-luar-daftar`); `nik_ganda` (penduduk hidup yang NIK-nya juga dipakai penduduk "
        "hidup kelurahan lain di seluruh kota) dan `nik_ganda_dalam` (dipakai penduduk lain kelurahan yang "
        "sama) — dibandingkan lewat pseudonim HMAC berkunci, tidak pernah NIK aslinya; `kombinasi_mustahil` "
        "per aturan (daftar di `aturan`), umur dihitung pada `per`. Event dan penolakan dihitung kumulatif "
        "sampai akhir tanggal `per` (WITA). `format=csv` untuk unduhan CSV (satu kolom per angka)."
    ),
    responses={200: {"content": {"text/csv": {}}}},
)
async def kualitas_data(
    gudang: GudangDep,
    ref: ReferensiDep,
    settings: SettingsDep,
    wilayah: Annotated[str | None, Query(description="mis. 52.72, 527201, 52.72.01.1001")] = None,
    per: Annotated[dt.date | None, Query(description="tanggal acuan (bawaan: hari ini, WITA)")] = None,
    bulan: Annotated[str | None, Query(description="akhir bulan YYYY-MM, pengganti per")] = None,
    hari_aktif: Annotated[
        int, Query(ge=1, le=366, description="kelurahan aktif bila ada event dalam sekian hari s.d. per")
    ] = HARI_AKTIF,
    format: Annotated[Format, Query(description="json atau csv")] = "json",
) -> TabelKualitas | Response:
    w = cari_wilayah(ref, wilayah)
    tanggal = tanggal_per(settings.tanggal_acuan, per, bulan)
    topik = [t.name for t in hub_topics(settings).sumber.values()]
    tabel = TabelKualitas(
        wilayah=InfoWilayah(kode=w.kode_bertitik, kode_tanpa_titik=w.kode, nama=w.nama, tingkat=w.tingkat),
        per=tanggal,
        hari_aktif=hari_aktif,
        bidang={k: judul for k, (_, judul) in BIDANG.items()},
        aturan={a.kode: a.uraian for a in ATURAN},
        baris=await hitung(gudang, ref, w, tanggal, hari_aktif, topik),
    )
    return ke_csv(tabel) if format == "csv" else tabel
