"""``satudata bench muat``: the initial load of Kota Bima (every record type) end to end into an empty hub.

The synthetic city's snapshot (``buat_populasi(seed, skala)``: residents, families, their events, assistance,
letters) is published straight to Kafka, one :class:`~connectors.kafka_publisher.RekamanPublisher` per record
type sharing one producer (each record validated as the ingest API does), while one Faust worker and the
ClickHouse sink are already running. Measured: the publishing alone, and the time from the first record sent
until every source offset has its row in ``event_ledger``; then in = applied + dead-lettered is checked through
``GET /v1/operasional/hitungan``, with no dead letter expected.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
from rich.console import Console
from rich.progress import Progress

from connectors.kafka_publisher import Publishers
from connectors.simulator.penerima import BATAS_BATCH, kirim_ke_kafka
from connectors.simulator.populasi import buat_populasi
from connectors.simulator.rekaman import snapshot
from satudata.cli.bench import (
    HubBench,
    catatan_hub,
    di_ruang_kerja,
    hub_bench,
    mesin,
    settings_bench,
    umumkan,
)
from satudata.jenis import JENIS
from satudata.kafka.topics import hub_topics
from satudata.settings import Settings
from satudata.warehouse.client import Gudang

TARGET_S = 60.0  # issue target for the whole city (scale 1.0)
BATAS_TUNGGU_S = 1800.0

T = TypeVar("T")


@dataclass
class HasilMuat:
    skala: float
    seed: int
    dikirim: dict[str, int]  # records handed to the publishers, per jenis
    diterima: int  # accepted (validated and acknowledged by Kafka)
    kirim_s: float  # first record sent → last one acknowledged
    ujung_s: float  # first record sent → every source offset in event_ledger
    masuk: int  # messages on the source topics
    diterapkan: int
    dead_letter: int
    alasan_dead_letter: dict[str, int] = field(default_factory=dict)
    alasan_ditolak: dict[str, int] = field(default_factory=dict)
    worker_siap_s: float = 0.0

    @property
    def rekaman(self) -> int:
        return sum(self.dikirim.values())

    @property
    def seimbang(self) -> bool:
        """Nothing rejected, nothing dead-lettered, every message applied: in = applied + dead-lettered."""
        return (
            self.diterima == self.rekaman == self.masuk
            and self.masuk == self.diterapkan + self.dead_letter
            and self.dead_letter == 0
        )


def muatan_awal(seed: int, skala: float) -> list[dict[str, Any]]:
    """The initial load: the snapshot of every record type of a synthetic Kota Bima."""
    return list(snapshot(buat_populasi(seed, skala)))


async def tunggu_worker_siap(hub: HubBench, timeout: float = 180.0) -> float:
    """Wait until the worker owns every source partition: after assignment and table recovery it announces each
    partition with a snapshot message ("S"), which the sink writes. Returns the seconds waited."""
    sink = hub.app.state.sink
    if sink is None:
        raise RuntimeError("benchmark butuh sink ClickHouse di proses API (chdb)")
    target = len(JENIS) * hub.settings.topic_partitions
    t0 = time.perf_counter()
    while sink.ditulis < target:
        mati = [w.log for w in hub.workers if not w.running]
        if mati:
            raise RuntimeError(f"worker berhenti sebelum siap; lihat {', '.join(map(str, mati))}")
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"worker belum siap setelah {timeout:.0f} s ({sink.ditulis}/{target} partisi)")
        await asyncio.sleep(0.1)
    return time.perf_counter() - t0


async def jumlah_ledger(gudang: Gudang, topik: list[str]) -> int:
    """Ledger rows of the source topics (without FINAL: cheap, may count a redelivered offset twice)."""
    rows = await gudang.query(
        "SELECT count() FROM {db}.event_ledger WHERE has({t:Array(String)}, topik)", {"t": topik}
    )
    return int(rows[0][0])


async def hitungan(settings: Settings) -> dict[str, Any]:
    """``aliran`` of ``GET /v1/operasional/hitungan`` (in, applied and dead-lettered, from the FINAL ledger)."""
    async with httpx.AsyncClient(base_url=settings.api_url, timeout=60) as client:
        r = await client.get("/v1/operasional/hitungan")
        r.raise_for_status()
        aliran: dict[str, Any] = r.json()["aliran"]
        return aliran


async def _terakhir_tampil(gudang: Gudang, topik: list[str]) -> dt.datetime:
    """When the last source offset got its first ledger row (a redelivery later does not count)."""
    rows = await gudang.query(
        "SELECT max(t) FROM (SELECT min(ts_tampil) AS t FROM {db}.event_ledger "
        "WHERE has({t:Array(String)}, topik) GROUP BY topik, partisi, offset_)",
        {"t": topik},
    )
    waktu: dt.datetime = rows[0][0]
    return waktu.replace(tzinfo=dt.UTC) if waktu.tzinfo is None else waktu


async def ukur_muat(
    hub: HubBench, records: list[dict[str, Any]], console: Console, *, skala: float, seed: int
) -> HasilMuat:
    """Publish ``records`` into the running hub and wait until the pipeline has drained them."""
    settings, gudang = hub.settings, hub.gudang
    with console.status("Menunggu worker Faust siap (semua partisi)…"):
        siap = await tunggu_worker_siap(hub)
    topik = [t.name for t in hub_topics(settings).sumber.values()]
    penerbit = Publishers(settings)  # one RekamanPublisher per jenis, one producer and serde
    await penerbit.start()
    try:
        with Progress(console=console) as progress:
            t_kirim = progress.add_task("Menerbitkan muatan awal ke Kafka", total=len(records))
            t_ledger = progress.add_task("Tercatat di event_ledger", total=len(records))
            target: list[int | None] = [None]  # known once publishing is done

            async def pantau() -> None:
                while True:
                    n = await jumlah_ledger(gudang, topik)
                    progress.update(t_ledger, completed=n, total=target[0] or len(records))
                    if target[0] is not None and n >= target[0]:
                        return
                    if time.perf_counter() - t0 > BATAS_TUNGGU_S:
                        raise RuntimeError(f"pipeline belum terkuras setelah {BATAS_TUNGGU_S:.0f} s")
                    await asyncio.sleep(0.5)

            mulai = dt.datetime.now(dt.UTC)
            t0 = time.perf_counter()
            pemantau = asyncio.create_task(pantau())
            try:
                kirim = await kirim_ke_kafka(
                    records,
                    {jenis: penerbit[jenis] for jenis in JENIS},
                    batch=BATAS_BATCH,
                    progress=lambda n, _diterima: progress.update(t_kirim, completed=n),
                )
            except BaseException:
                pemantau.cancel()
                raise
            kirim_s = time.perf_counter() - t0
            target[0] = kirim.diterima
            await pemantau
    finally:
        await penerbit.stop()
    with console.status("Memeriksa masuk = diterapkan + dead letter…"):
        aliran = await hitungan(settings)
        while aliran["belum_diproses"] > 0 and time.perf_counter() - t0 < BATAS_TUNGGU_S:
            await asyncio.sleep(0.5)  # a redelivered offset counted twice above: wait for the real last one
            aliran = await hitungan(settings)
        selesai = await _terakhir_tampil(gudang, topik)
    return HasilMuat(
        skala=skala,
        seed=seed,
        dikirim=dict(kirim.dikirim_per_jenis),
        diterima=kirim.diterima,
        kirim_s=kirim_s,
        ujung_s=(selesai - mulai).total_seconds(),
        masuk=int(aliran["masuk"]),
        diterapkan=int(aliran["diterapkan"]),
        dead_letter=int(aliran["dead_letter"]),
        alasan_dead_letter={str(k): int(v) for k, v in aliran["alasan_dead_letter"].items()},
        alasan_ditolak=dict(kirim.alasan_penolakan),
        worker_siap_s=siap,
    )


def baris_muat(h: HasilMuat) -> list[tuple[str, str]]:
    """The (measure, value) rows of a load result (shared with ``bench kueri``)."""
    per_jenis = " · ".join(f"{j} {h.dikirim[j]:,}" for j in JENIS if h.dikirim.get(j))
    cek = (
        f"{h.masuk:,} = {h.diterapkan:,} + {h.dead_letter:,}"
        + (" ✓" if h.seimbang else " ✗ MISMATCH")
        + (f" (rejected by the publisher: {h.alasan_ditolak})" if h.alasan_ditolak else "")
        + (f" (dead letters: {h.alasan_dead_letter})" if h.alasan_dead_letter else "")
    )
    if h.skala == 1.0:
        target = f"{'met' if h.ujung_s <= TARGET_S and h.seimbang else 'NOT met'} ({h.ujung_s:,.1f} s)"
    else:
        target = f"not judged: the target is for scale 1.0 (this run: {h.skala})"
    return [
        (f"records published ({per_jenis})", f"{h.rekaman:,}"),
        ("publish only (first record sent → last acknowledged)",
         f"{h.kirim_s:,.1f} s ({h.diterima / h.kirim_s:,.0f} records/s)"),
        ("end to end (first record sent → every source offset in event_ledger)",
         f"{h.ujung_s:,.1f} s ({h.rekaman / h.ujung_s:,.0f} records/s)"),
        ("in = applied + dead-lettered", cek),
        (f"target: load ≤ {TARGET_S:.0f} s", target),
    ]  # fmt: skip


def format_muat(h: HasilMuat, catatan: str) -> str:
    residents, kk = h.dikirim.get("penduduk", 0), h.dikirim.get("keluarga", 0)
    return (
        f"\n## `satudata bench muat` — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {mesin()}. {catatan}\n\n"
        f"Initial load of a synthetic Kota Bima (seed {h.seed}: {residents:,} residents, {kk:,} families, their "
        "events, assistance and letters; the snapshot of every record type) published straight to Kafka "
        f"(one RekamanPublisher per record type sharing one idempotent producer, batches of {BATAS_BATCH:,}, "
        "each record validated as by the ingest API) into an empty hub (own topics and ClickHouse database), "
        f"the worker already running (it was ready {h.worker_siap_s:,.1f} s after start; not counted).\n\n"
        "| measure | value |\n|---|---|\n" + "".join(f"| {m} | {v} |\n" for m, v in baris_muat(h))
    )


def bench_muat(
    settings: Settings,
    console: Console,
    *,
    skala: float,
    seed: int,
    workers: int,
    tulis: bool,
    keluaran: Path | None,
) -> HasilMuat:
    with console.status(f"Membuat Kota Bima sintetis (skala {skala})…"):
        records = muatan_awal(seed, skala)
    console.print(f"Muatan awal: {len(records):,} record ({dict(Counter(r['jenis'] for r in records))})")

    async def kerja(base: Settings, work: Path) -> HasilMuat:
        s = settings_bench(base, work)
        async with hub_bench(s, work, workers) as hub:
            hub.mulai_worker()
            return await ukur_muat(hub, records, console, skala=skala, seed=seed)

    hasil = di_ruang_kerja(settings, console, kerja)
    umumkan(
        format_muat(hasil, catatan_hub(settings, skala, workers)), console, tulis=tulis, keluaran=keluaran
    )
    return hasil


def setelah_muatan_awal(
    settings: Settings,
    console: Console,
    ukur: Callable[[HubBench, HasilMuat], Awaitable[T]],
    *,
    skala: float,
    seed: int,
    workers: int,
) -> T:
    """Load the synthetic city into an empty hub of its own (as ``bench muat``), refuse an unbalanced load,
    then run ``ukur(hub, muat)`` on the loaded hub (``bench kueri``, ``bench panel``)."""
    with console.status(f"Membuat Kota Bima sintetis (skala {skala})…"):
        records = muatan_awal(seed, skala)

    async def kerja(base: Settings, work: Path) -> T:
        async with hub_bench(settings_bench(base, work), work, workers) as hub:
            hub.mulai_worker()
            muat = await ukur_muat(hub, records, console, skala=skala, seed=seed)
            if not muat.seimbang:
                raise RuntimeError(f"muatan awal tidak seimbang: {baris_muat(muat)[3][1]}")
            return await ukur(hub, muat)

    return di_ruang_kerja(settings, console, kerja)
