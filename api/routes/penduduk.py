"""Ingest of resident changes from kelurahan systems: ``POST /v1/penduduk/events``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from api.deps import GudangDep, PublisherDep, ReferensiDep, SettingsDep
from satudata.penduduk import PerubahanValid, periksa_perubahan
from satudata.wilayah import KodeWilayahError

router = APIRouter(prefix="/v1/penduduk", tags=["penduduk"])


class BatchPerubahan(BaseModel):
    """Kumpulan perubahan data penduduk dari satu sistem kelurahan (maksimal 5.000 record)."""

    records: list[Any] = Field(
        description="Daftar perubahan: {op, kode_kelurahan, id, version, ts, event_id?, sistem?, data}."
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


def _kelurahan(raw: Any, ref: Any) -> str:
    try:
        return str(ref.kelurahan(str(raw.get("kode_kelurahan", ""))).kode) if isinstance(raw, dict) else ""
    except KodeWilayahError:
        return ""


@router.post(
    "/events",
    response_model=HasilBatch,
    summary="Kirim perubahan data penduduk",
    description=(
        "Menerima perubahan data penduduk (create/update/delete/snapshot) dari SIMATIK kelurahan. Setiap record "
        "diperiksa sendiri-sendiri: yang valid diterbitkan ke Kafka (Avro) dan baru dinyatakan diterima setelah "
        "broker mengonfirmasi; yang tidak valid ditolak dengan alasan."
    ),
)
async def kirim_perubahan(
    batch: BatchPerubahan,
    settings: SettingsDep,
    publisher: PublisherDep,
    gudang: GudangDep,
    ref: ReferensiDep,
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
        r = periksa_perubahan(raw, ref, sekarang=sekarang)
        kel = _kelurahan(raw, ref)
        if isinstance(r, PerubahanValid):
            valid.append(r)
            hasil.append(HasilRecord(indeks=i, status="diterima", event_id=r.envelope["event_id"]))
            log[(kel, "")] += 1
        else:
            hasil.append(
                HasilRecord(
                    indeks=i, status="ditolak", alasan=[a.pesan for a in r], kode_alasan=[a.kode for a in r]
                )
            )
            log[(kel, r[0].kode)] += 1
    try:
        await publisher.publish_valid(valid)
    except Exception as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"Kafka tidak dapat menerima data saat ini ({type(exc).__name__}); kirim ulang batch ini nanti",
        ) from exc
    batch_id = str(uuid.uuid4())
    await gudang.insert(
        "ingest_log",
        [[batch_id, sekarang, kel, alasan, n] for (kel, alasan), n in log.items()],
        ["batch_id", "waktu", "kode_kelurahan", "alasan", "jumlah"],
    )
    return HasilBatch(diterima=len(valid), ditolak=len(hasil) - len(valid), hasil=hasil)
