"""``satudata bench``: raw consume+decode rate vs the pipeline's end-to-end rate and freshness, on one topic.

Everything real: a Kafka broker started for the run, the API with its ClickHouse sink (chdb) in this process,
the Faust worker as a subprocess. Results are appended to ``docs/BENCHMARKS.md`` with the machine and date.

This module also holds what every benchmark shares: an empty hub of its own (:func:`di_ruang_kerja`,
:func:`settings_bench`, :func:`hub_bench`), the machine line and the output. The initial-load benchmark is in
:mod:`satudata.cli.bench_muat`, the statistics latency benchmark in :mod:`satudata.cli.bench_kueri`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import platform
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer
from fastapi import FastAPI
from rich.console import Console
from rich.progress import Progress

from api.server import api_in_process
from connectors.kafka_publisher import PendudukPublisher
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import buat_populasi
from connectors.simulator.rekaman import snapshot
from satudata.avro import decode_body, unframe
from satudata.kafka.broker import KafkaBroker, free_port
from satudata.kafka.topics import ensure_topics, hub_topics
from satudata.proses import HubProcess
from satudata.settings import PROJECT_ROOT, Settings
from satudata.warehouse.client import Gudang

BENCH_MD = PROJECT_ROOT / "docs" / "BENCHMARKS.md"
T = TypeVar("T")


@dataclass
class HasilBench:
    events: int
    raw_rate: float
    pipeline_rate: float
    pipeline_total_s: float
    fresh_rate: float
    fresh_events: int
    fresh_p50_ms: float
    fresh_p99_ms: float
    fresh_max_ms: float


def mesin() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    except OSError:
        mem = 0
    system = f"{platform.system()} {platform.release()}"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()  # = nproc
    return f"{cores} cores, {cpu}, {mem} GiB RAM, {system}, Python {platform.python_version()}"


def settings_bench(base: Settings, work: Path) -> Settings:
    """Settings of an empty hub of its own in ``work``: fresh topic prefix, Faust app id, chdb database, port."""
    uid = uuid.uuid4().hex[:8]
    return base.model_copy(
        update={
            "data_dir": work,
            "topic_prefix": f"bench{uid}",
            "faust_app_id": f"bench-{uid}",
            "clickhouse_dsn": f"chdb://{work / 'clickhouse'}",
            "clickhouse_database": "bench",
            "api_port": free_port(),
            "schema_registry_url": "",
        }
    )


def catatan_hub(settings: Settings, skala: float, workers: int) -> str:
    return (
        f"Kota Bima scale {skala} ({settings.topic_partitions} partitions, {workers} Faust worker(s), "
        f"chdb sink in the API process, Kafka heap {settings.kafka_heap})."
    )


@dataclass
class HubBench:
    """A running benchmark hub: the API (registry, chdb, sink) in this process and Faust worker subprocesses
    (created stopped: call :meth:`mulai_worker`)."""

    settings: Settings
    app: FastAPI
    workers: list[HubProcess] = field(default_factory=list)

    @property
    def gudang(self) -> Gudang:
        gudang: Gudang = self.app.state.gudang
        return gudang

    def mulai_worker(self) -> None:
        for w in self.workers:
            w.start()


@contextlib.asynccontextmanager
async def hub_bench(settings: Settings, work: Path, workers: int) -> AsyncIterator[HubBench]:
    """Topics, the API with its sink, and ``workers`` worker processes (stopped again on exit)."""
    await ensure_topics(settings.bootstrap_servers, hub_topics(settings).all())
    async with api_in_process(settings) as app:
        # each worker's web server (/metrics) needs a port of its own
        procs = [
            HubProcess(
                settings.model_copy(update={"faust_web_port": free_port()}),
                "worker",
                log=work / f"worker-{i}.log",
            )
            for i in range(workers)
        ]
        try:
            yield HubBench(settings, app, procs)
        finally:
            for w in procs:
                w.stop()


def di_ruang_kerja(
    settings: Settings, console: Console, kerja: Callable[[Settings, Path], Coroutine[Any, Any, T]]
) -> T:
    """Run ``kerja(settings, work)`` in a temporary folder, with a Kafka broker of its own unless
    ``KAFKA_BOOTSTRAP_SERVERS`` names one; everything is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="satudata-bench-") as tmp:
        work = Path(tmp)
        broker = None
        if settings.kafka_bootstrap_servers is None:
            broker = KafkaBroker(work / "kafka", free_port(), heap=settings.kafka_heap)
            with console.status("Menyalakan Kafka untuk benchmark…"):
                broker.start()
            settings = settings.model_copy(update={"kafka_bootstrap_servers": broker.bootstrap})
        try:
            return asyncio.run(kerja(settings, work))
        finally:
            if broker is not None:
                broker.stop()


async def _publish(
    pub: PendudukPublisher, records: list[dict[str, Any]], progress: Progress, label: str
) -> int:
    task = progress.add_task(label, total=len(records))
    sent = 0
    for i in range(0, len(records), 5000):
        potongan = records[i : i + 5000]
        sent += await pub.publish(potongan)
        progress.advance(task, len(potongan))
    if sent != len(records):
        raise RuntimeError(f"{label}: publisher menolak {len(records) - sent} dari {len(records)} record")
    return sent


async def raw_consume_decode(settings: Settings, pub: PendudukPublisher, n: int) -> float:
    """aiokafka consume + fastavro decode of the whole topic, no processing: the upper bound."""
    topic = hub_topics(settings).penduduk.name
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024,
    )
    await consumer.start()
    reader = pub.serde.reader("satudata.simatik.PerubahanPenduduk")
    writers: dict[int, Any] = {}
    seen = 0
    t0 = time.perf_counter()
    try:
        while seen < n:
            batch = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for msgs in batch.values():
                for m in msgs:
                    sid, body = unframe(m.value)
                    if sid not in writers:
                        writers[sid] = await pub.serde.writer_schema(sid)
                    decode_body(body, writers[sid], reader)
                    seen += 1
    finally:
        await consumer.stop()
    return seen / (time.perf_counter() - t0)


async def _ledger(gudang: Gudang, topic: str) -> int:
    rows = await gudang.query("SELECT count() FROM {db}.event_ledger WHERE topik = {t:String}", {"t": topic})
    return int(rows[0][0])


async def pipeline(settings: Settings, gudang: Gudang, n: int, progress: Progress) -> tuple[float, float]:
    """Rate of the worker draining a pre-loaded topic: steady rate (10 %→90 %) and total seconds."""
    topic = hub_topics(settings).penduduk.name
    task = progress.add_task("Pipeline (worker → ClickHouse)", total=n)
    samples: list[tuple[float, int]] = []
    t_start = time.perf_counter()
    while True:
        done = await _ledger(gudang, topic)
        samples.append((time.perf_counter(), done))
        progress.update(task, completed=done)
        if done >= n:
            break
        if time.perf_counter() - t_start > 1800:
            raise RuntimeError("pipeline did not drain in 30 minutes")
        await asyncio.sleep(0.2)

    def at(frac: float) -> float:
        return next(t for t, d in samples if d >= frac * n)

    first = next(t for t, d in samples if d > 0)
    return 0.8 * n / (at(0.9) - at(0.1)), samples[-1][0] - first


async def freshness(
    settings: Settings,
    gudang: Gudang,
    pub: PendudukPublisher,
    records: list[dict[str, Any]],
    rate: float,
    progress: Progress,
) -> tuple[int, list[float]]:
    """Publish at ``rate`` events/s and measure produced → visible in ClickHouse per event."""
    topic = hub_topics(settings).penduduk.name
    before = await _ledger(gudang, topic)
    start = dt.datetime.now(dt.UTC)
    task = progress.add_task(f"Kesegaran pada {rate:,.0f} event/s", total=len(records))
    step = max(1, int(rate / 20))
    t0 = time.perf_counter()
    for i in range(0, len(records), step):
        potongan = records[i : i + step]
        if await pub.publish(potongan) != len(potongan):
            raise RuntimeError("publisher menolak record uji kesegaran; hasil tidak akan lengkap")
        progress.advance(task, len(potongan))
        delay = t0 + (i + step) / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    while await _ledger(gudang, topic) < before + len(records):
        await asyncio.sleep(0.2)
    rows = await gudang.query(
        "SELECT toFloat64(dateDiff('millisecond', ts_sumber, ts_tampil)) FROM {db}.event_ledger FINAL "
        "WHERE topik = {t:String} AND ts_sumber >= {s:DateTime64(3)}",
        {"t": topic, "s": start.replace(tzinfo=None)},
    )
    return len(records), sorted(float(r[0]) for r in rows)


def persentil(xs: list[float], p: float) -> float:
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))] if xs else float("nan")


async def jalankan(
    base: Settings,
    console: Console,
    *,
    skala: float,
    perubahan: int,
    laju: float,
    durasi: float,
    work: Path,
    workers: int,
) -> HasilBench:
    settings = settings_bench(base, work)
    pop = buat_populasi(7, skala)
    # Change times average 1 s apart and must all lie in the past (the publisher rejects future ones):
    # start far enough back for every change, with room for the generator's randomness.
    mundur = dt.timedelta(seconds=3 * (perubahan + laju * durasi))
    # Residents only, as in the issue-2 measurements (the multi-type load is `satudata bench muat`).
    gen = GeneratorPerubahan(
        pop, 8, dt.datetime.now(dt.UTC) - mundur, jeda=dt.timedelta(seconds=1), jenis={"penduduk"}
    )
    muat = list(snapshot(pop, jenis={"penduduk"})) + list(gen.aliran(perubahan))
    segar = list(gen.aliran(int(laju * durasi)))
    async with hub_bench(settings, work, workers) as hub:
        pub = PendudukPublisher(settings)
        await pub.start()
        try:
            with Progress(console=console) as progress:
                n = await _publish(pub, muat, progress, "Memuat topik (snapshot + perubahan)")
            with console.status("Mengukur konsumsi + decode mentah…"):
                raw = await raw_consume_decode(settings, pub, n)
            hub.mulai_worker()
            with Progress(console=console) as progress:
                rate, total = await pipeline(settings, hub.gudang, n, progress)
                fn, lat = await freshness(settings, hub.gudang, pub, segar, laju, progress)
        finally:
            await pub.stop()
    return HasilBench(
        n, raw, rate, total, laju, fn, persentil(lat, 50), persentil(lat, 99), max(lat, default=float("nan"))
    )


def format_hasil(h: HasilBench, catatan: str) -> str:
    return (
        f"\n## `satudata bench` — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"Machine: {mesin()}. {catatan}\n\n"
        "| measure | value |\n|---|---|\n"
        f"| events on the topic (snapshot + changes) | {h.events:,} |\n"
        f"| raw aiokafka consume + fastavro decode | {h.raw_rate:,.0f} events/s |\n"
        f"| pipeline end to end, steady (10 %→90 % of the ledger) | {h.pipeline_rate:,.0f} events/s "
        f"({100 * h.pipeline_rate / h.raw_rate:.0f} % of raw) |\n"
        f"| pipeline drain time, first to last event visible | {h.pipeline_total_s:,.1f} s |\n"
        f"| freshness at {h.fresh_rate:,.0f} events/s ({h.fresh_events:,} events): p50 / p99 / max | "
        f"{h.fresh_p50_ms:,.0f} / {h.fresh_p99_ms:,.0f} / {h.fresh_max_ms:,.0f} ms |\n"
    )


def tulis_hasil(teks: str, path: Path = BENCH_MD) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "# Benchmarks\n\nWritten by `satudata bench`; newest last. Numbers are measured, never edited.\n"
        )
    with path.open("a", encoding="utf-8") as fh:
        fh.write(teks)


def umumkan(teks: str, console: Console, *, tulis: bool, keluaran: Path | None) -> None:
    """Print a result section (unwrapped, no Rich markup: ready to paste), save it to ``keluaran`` and, with
    ``tulis``, append it to docs/BENCHMARKS.md."""
    console.print(teks, markup=False, highlight=False, soft_wrap=True)
    if keluaran is not None:
        keluaran.parent.mkdir(parents=True, exist_ok=True)
        keluaran.write_text(teks.lstrip("\n"), encoding="utf-8")
        console.print(f"Hasil ditulis ke {keluaran}")
    if tulis:
        tulis_hasil(teks)


def bench(
    settings: Settings,
    console: Console,
    *,
    skala: float,
    perubahan: int,
    laju: float,
    durasi: float,
    tulis: bool,
    workers: int = 1,
    keluaran: Path | None = None,
) -> HasilBench:
    async def kerja(s: Settings, work: Path) -> HasilBench:
        return await jalankan(
            s, console, skala=skala, perubahan=perubahan, laju=laju, durasi=durasi, work=work, workers=workers
        )

    hasil = di_ruang_kerja(settings, console, kerja)
    teks = format_hasil(hasil, catatan_hub(settings, skala, workers))
    umumkan(teks, console, tulis=tulis, keluaran=keluaran)
    return hasil
