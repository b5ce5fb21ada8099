"""Pipeline counts for operators: ``GET /v1/operasional/hitungan`` (in = applied + rejected + dead-lettered)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import GudangDep, SettingsDep
from satudata.kafka.offsets import OffsetReader
from satudata.kafka.topics import hub_topics

router = APIRouter(prefix="/v1/operasional", tags=["operasional"])


class HitunganIngest(BaseModel):
    masuk: int = Field(description="Record yang dikirim ke API.")
    diterima: int = Field(description="Record yang lolos pemeriksaan dan dikonfirmasi Kafka.")
    ditolak: int = Field(description="Record yang ditolak di pintu masuk.")
    alasan_penolakan: dict[str, int]


class HitunganAliran(BaseModel):
    topik: list[str] = Field(description="Topik sumber yang dihitung (semua jenis rekaman).")
    masuk: int = Field(description="Pesan di topik sumber (semua produsen).")
    diterapkan: int = Field(description="Pesan yang sudah diproses worker dan tercatat di ClickHouse.")
    dead_letter: int = Field(description="Pesan yang dikirim ke topik dead-letter.")
    belum_diproses: int = Field(description="masuk − diterapkan − dead_letter (antrian).")
    alasan_dead_letter: dict[str, int]


class Hitungan(BaseModel):
    ingest: HitunganIngest
    aliran: HitunganAliran


@router.get("/hitungan", response_model=Hitungan, summary="Hitungan pipeline (tidak ada data yang hilang)")
async def hitungan(request: Request, settings: SettingsDep, gudang: GudangDep) -> Hitungan:
    topik = [t.name for t in hub_topics(settings).sumber.values()]
    reader: OffsetReader = request.app.state.offsets
    masuk = sum([await reader.jumlah_pesan(t) for t in topik])
    ledger = await gudang.query(
        "SELECT hasil, alasan, count() FROM {db}.event_ledger FINAL WHERE has({t:Array(String)}, topik) "
        "GROUP BY hasil, alasan",
        {"t": topik},
    )
    diterapkan = sum(int(r[2]) for r in ledger if r[0] == "applied")
    dlq = {str(r[1]): int(r[2]) for r in ledger if r[0] == "dead_lettered"}
    ingest = await gudang.query(
        "SELECT alasan, toInt64(sum(jumlah)) FROM {db}.ingest_log FINAL GROUP BY alasan"
    )
    per_alasan = {str(r[0]): int(r[1]) for r in ingest}
    diterima = per_alasan.pop("", 0)
    return Hitungan(
        ingest=HitunganIngest(
            masuk=diterima + sum(per_alasan.values()),
            diterima=diterima,
            ditolak=sum(per_alasan.values()),
            alasan_penolakan=per_alasan,
        ),
        aliran=HitunganAliran(
            topik=topik,
            masuk=masuk,
            diterapkan=diterapkan,
            dead_letter=sum(dlq.values()),
            belum_diproses=masuk - diterapkan - sum(dlq.values()),
            alasan_dead_letter=dlq,
        ),
    )
