"""Ingest of changes from kelurahan systems: ``POST /v1/{jenis}/events`` for every record type.

One router per record type, all built by :func:`buat_router` from :data:`satudata.jenis.JENIS`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from api.deps import GudangDep, MetrikDep, PublishersDep, ReferensiDep, SettingsDep
from satudata.jenis import JENIS, JenisRekaman, periksa_perubahan
from satudata.metrik import DITERIMA, DITOLAK, MetrikApi
from satudata.perubahan import PerubahanValid
from satudata.wilayah import KodeWilayahError, ReferensiWilayah


class BatchPerubahan(BaseModel):
    """Kumpulan perubahan data dari satu sistem kelurahan (maksimal 5.000 record)."""

    records: list[Any] = Field(
        description=(
            "Daftar perubahan: {op, kode_kelurahan, id, version, ts, berlaku?, event_id?, sistem?, data}."
        )
    )


class HasilRecord(BaseModel):
    indeks: int
    status: Literal["diterima", "ditolak"]
    event_id: str | None = None
    alasan: list[str] = Field(default_factory=list)
    kode_alasan: list[str] = Field(default_factory=list)


class HasilBatch(BaseModel):
    diterima: int
    ditolak: int
    hasil: list[HasilRecord]


def _kelurahan(raw: Any, ref: ReferensiWilayah) -> str:
    try:
        return str(ref.kelurahan(str(raw.get("kode_kelurahan", ""))).kode) if isinstance(raw, dict) else ""
    except KodeWilayahError:
        return ""


def _catat_metrik(
    metrik: MetrikApi, jenis: str, diterima: int, ditolak: int, log: Counter[tuple[str, str]]
) -> None:
    """Count one published batch: once per batch and reason code, not per record."""
    per_alasan: Counter[str] = Counter()
    for (_, alasan), n in log.items():
        if alasan:
            per_alasan[alasan] += n
    metrik.rekaman.labels(jenis, DITERIMA).inc(diterima)
    metrik.rekaman.labels(jenis, DITOLAK).inc(ditolak)
    for alasan, n in per_alasan.items():
        metrik.ditolak.labels(jenis, alasan).inc(n)
    metrik.batch_ukuran.labels(jenis).observe(diterima + ditolak)


def buat_router(jenis: JenisRekaman) -> APIRouter:
    """The ingest router of one record type: ``POST /v1/<jenis.nama>/events``."""
    router = APIRouter(prefix=f"/v1/{jenis.nama}", tags=[jenis.nama])

    @router.post(
        "/events",
        response_model=HasilBatch,
        summary=f"Kirim perubahan data {jenis.label}",
        description=(
            f"Menerima perubahan data {jenis.label} (tabel OpenSID `{jenis.tabel}`; create/update/delete/"
            "snapshot) dari SIMATIK kelurahan. Setiap record diperiksa sendiri-sendiri: yang valid diterbitkan "
            f"ke Kafka (Avro `{jenis.schema_name}`, topik `{jenis.topik}`) dan baru dinyatakan diterima setelah "
            "broker mengonfirmasi; yang tidak valid ditolak dengan alasan. `berlaku` (opsional) adalah tanggal "
            "berlakunya perubahan, tidak boleh setelah tanggal `ts` (WITA)."
        ),
    )
    async def kirim_perubahan(
        batch: BatchPerubahan,
        settings: SettingsDep,
        publishers: PublishersDep,
        gudang: GudangDep,
        ref: ReferensiDep,
        metrik: MetrikDep,
    ) -> HasilBatch:
        if len(batch.records) > settings.ingest_max_batch:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"batch berisi {len(batch.records)} record; maksimal {settings.ingest_max_batch} per kiriman",
            )
        sekarang = dt.datetime.now(dt.UTC)
        hasil: list[HasilRecord] = []
        valid: list[PerubahanValid] = []
        log: Counter[tuple[str, str]] = Counter()
        for i, raw in enumerate(batch.records):
            r = periksa_perubahan(jenis, raw, ref, sekarang=sekarang)
            kel = _kelurahan(raw, ref)
            if isinstance(r, PerubahanValid):
                valid.append(r)
                hasil.append(HasilRecord(indeks=i, status="diterima", event_id=r.envelope["event_id"]))
                log[(kel, "")] += 1
            else:
                hasil.append(
                    HasilRecord(
                        indeks=i,
                        status="ditolak",
                        alasan=[a.pesan for a in r],
                        kode_alasan=[a.kode for a in r],
                    )
                )
                log[(kel, r[0].kode)] += 1
        try:
            await publishers[jenis.nama].publish_valid(valid)
        except Exception as exc:
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                f"Kafka tidak dapat menerima data saat ini ({type(exc).__name__}); kirim ulang batch ini nanti",
            ) from exc
        _catat_metrik(metrik, jenis.nama, len(valid), len(hasil) - len(valid), log)
        batch_id = str(uuid.uuid4())
        await gudang.insert(
            "ingest_log",
            [[batch_id, sekarang, jenis.nama, kel, alasan, n] for (kel, alasan), n in log.items()],
            ["batch_id", "waktu", "jenis", "kode_kelurahan", "alasan", "jumlah"],
        )
        return HasilBatch(diterima=len(valid), ditolak=len(hasil) - len(valid), hasil=hasil)

    return router


routers = [buat_router(j) for j in JENIS.values()]
