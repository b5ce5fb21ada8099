"""Prometheus metrics over HTTP: the API's ``/metrics`` (with the sink's in local mode), the Faust worker's
``/metrics`` on its web server and the standalone sink's. Counters must equal what was sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from satudata import metrik
from satudata.jenis import JENIS
from satudata.kafka.broker import free_port
from satudata.kafka.topics import hub_topics
from satudata.settings import Settings
from streams.pesan import CatatanEvent, PesanStatistik
from streams.sink import jalankan_sink
from tests.contoh_rekaman import perubahan
from tests.harness import running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SAMPEL_HISTOGRAM = ("_bucket", "_count", "_sum")
Label = frozenset[tuple[str, str]]


@dataclass(frozen=True)
class Scrape:
    """One scrape: every sample by name and labels, and the raw text."""

    sampel: dict[tuple[str, Label], float]
    teks: str

    def nilai(self, nama: str, **label: str) -> float | None:
        return self.sampel.get((nama, frozenset(label.items())))

    def seri(self, nama: str, **label: str) -> dict[Label, float]:
        """Every series of ``nama`` whose labels include ``label``."""
        cari = set(label.items())
        return {lbl: v for (n, lbl), v in self.sampel.items() if n == nama and cari <= lbl}

    def punya(self, nama: str) -> bool:
        """Whether metric ``nama`` (as PromQL names it) has at least one sample."""
        nama_sampel = {n for n, _ in self.sampel}
        return nama in nama_sampel or any(nama + s in nama_sampel for s in SAMPEL_HISTOGRAM)


async def scrape(client: httpx.AsyncClient, url: str) -> Scrape:
    r = await client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain"), r.headers
    sampel = {
        (s.name, frozenset(s.labels.items())): s.value
        for fam in text_string_to_metric_families(r.text)
        for s in fam.samples
    }
    return Scrape(sampel, r.text)


async def tunggu(pred: Callable[[], Awaitable[bool]], timeout: float, apa: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if await pred():
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {apa}")


def _batch(nama: str, diterima: int, ditolak: int, ts: str) -> list[dict[str, object]]:
    """``diterima`` valid changes (distinct records) and ``ditolak`` changes whose kelurahan disagrees."""
    valid = [perubahan(nama, id=100 + i, ts=ts) for i in range(diterima)]
    salah_kel = {"kode_kelurahan": "52.72.02.1004"}
    buruk = [perubahan(nama, id=200 + i, ts=ts, data=salah_kel) for i in range(ditolak)]
    return valid + buruk


async def test_api_and_worker_metrics_count_what_was_sent(settings: Settings, tmp_path: Path) -> None:
    topics = hub_topics(settings)
    ts = dt.datetime.now(dt.UTC).isoformat()
    # a different number per record type, so a count landing on the wrong label fails
    dikirim = {nama: (1 + i % 3, 1 + i % 2) for i, nama in enumerate(JENIS)}
    async with (
        running_hub(settings, tmp_path / "logs", workers=1) as hub,
        httpx.AsyncClient(timeout=30) as http,
    ):
        for nama, (n_ok, n_buruk) in dikirim.items():
            body = _batch(nama, n_ok, n_buruk, ts)
            if nama == "penduduk":
                body.append(perubahan(nama, id=300, ts=ts, data={"nik": "123"}))
            r = await hub.client.post(f"/v1/{nama}/events", json={"records": body})
            assert r.status_code == 200, r.text
            assert (r.json()["diterima"], r.json()["ditolak"]) == (
                n_ok,
                n_buruk + (nama == "penduduk"),
            )
        assert (await hub.client.get("/tidak-ada")).status_code == 404
        # one event the worker cannot decode: a dead letter of the penduduk topic
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(topics.penduduk.name, b"bukan avro", key=b"5272011001:9")
        finally:
            await producer.stop()
        await hub.wait_drained()

        api = await scrape(hub.client, "/metrics")
        for nama, (n_ok, n_buruk) in dikirim.items():
            ditolak = n_buruk + (nama == "penduduk")
            assert api.nilai(metrik.INGEST_REKAMAN, jenis=nama, hasil="diterima") == n_ok, nama
            assert api.nilai(metrik.INGEST_REKAMAN, jenis=nama, hasil="ditolak") == ditolak, nama
            per_alasan = api.seri(metrik.INGEST_DITOLAK, jenis=nama)
            harapan = {"kode-kelurahan-tidak-cocok": n_buruk} | (
                {"nik-tidak-valid": 1} if nama == "penduduk" else {}
            )
            assert {dict(lbl)["alasan"]: v for lbl, v in per_alasan.items()} == harapan, nama
            assert api.nilai(metrik.INGEST_BATCH_UKURAN + "_count", jenis=nama) == 1
            assert api.nilai(metrik.INGEST_BATCH_UKURAN + "_sum", jenis=nama) == n_ok + ditolak
            rute = f"/v1/{nama}/events"
            assert api.nilai(metrik.HTTP_DURASI + "_count", rute=rute, metode="POST", status="200") == 1
        assert api.nilai(metrik.HTTP_DURASI + "_count", rute="tidak-dikenal", metode="GET", status="404") == 1
        assert not any("/tidak-ada" in dict(lbl).get("rute", "") for _, lbl in api.sampel)

        worker = hub.workers[0]
        url_worker = f"http://127.0.0.1:{worker.settings.faust_web_port}/metrics"
        wk = await scrape(http, url_worker)
        semua_event = 1
        for nama, (n_ok, _) in dikirim.items():
            topik = topics.sumber[nama].name
            dl = int(nama == "penduduk")
            semua_event += n_ok
            assert wk.nilai(metrik.PERISTIWA_DIPROSES, topik=topik, hasil="applied") == n_ok, nama
            assert wk.nilai(metrik.PERISTIWA_DIPROSES, topik=topik, hasil="dead_lettered") == dl, nama
            assert sum(wk.seri(metrik.DEAD_LETTER, topik=topik).values()) == dl, nama
            assert wk.nilai(metrik.KESEGARAN + "_count", topik=topik) == n_ok + dl, nama
            assert (wk.nilai(metrik.BATCH_DURASI + "_count", topik=topik) or 0) >= 1, nama

        # the sink runs in the API process in local mode: one ledger row per event
        assert api.nilai(metrik.SINK_BARIS, tabel="event_ledger") == semua_event
        assert api.nilai(metrik.SINK_GAGAL) == 0
        assert (api.nilai(metrik.SINK_FLUSH_DURASI + "_count") or 0) >= 1

        async def tanpa_lag() -> bool:
            wk = await scrape(http, url_worker)
            lag = wk.seri(metrik.KONSUMEN_LAG)
            ada = {(dict(lbl)["topik"], dict(lbl)["partisi"]) for lbl in lag}
            harapan = {
                (t.name, str(p)) for t in topics.sumber.values() for p in range(settings.topic_partitions)
            }
            sink_lag = (await scrape(hub.client, "/metrics")).seri(metrik.SINK_LAG)
            return (
                ada == harapan
                and all(v == 0 for v in lag.values())
                and len(sink_lag) == settings.topic_partitions
                and all(v == 0 for v in sink_lag.values())
            )

        await tunggu(tanpa_lag, 60, "consumer lag 0 on every source partition")

        api, wk = await scrape(hub.client, "/metrics"), await scrape(http, url_worker)
        hilang = [n for n in metrik.SEMUA_NAMA if not (api.punya(n) or wk.punya(n))]
        assert not hilang, hilang
        assert "/metrics" not in (await hub.client.get("/openapi.json")).json()["paths"]
        # the worker's web server answers on / (health checks) but does not show table contents
        assert (await http.get(f"http://127.0.0.1:{worker.settings.faust_web_port}/")).status_code == 200
        assert (
            await http.get(f"http://127.0.0.1:{worker.settings.faust_web_port}/table/")
        ).status_code == 404


async def test_standalone_sink_serves_its_metrics(settings: Settings) -> None:
    settings = settings.model_copy(update={"sink_metrics_port": free_port()})
    topics = hub_topics(settings)
    url = f"http://127.0.0.1:{settings.sink_metrics_port}/metrics"
    berhenti = asyncio.Event()
    tugas = asyncio.create_task(jalankan_sink(settings, berhenti))
    try:
        async with httpx.AsyncClient(timeout=10) as http:

            async def siap() -> bool:
                return (await scrape(http, url)).nilai(metrik.SINK_GAGAL) == 0

            await tunggu(siap, 60, "the sink's /metrics")
            ts = int(time.time() * 1000)
            pesan = PesanStatistik(
                "b",
                "penduduk",
                topics.penduduk.name,
                0,
                2,
                1,
                ledger=[CatatanEvent(o, ts_sumber_ms=ts, ts_proses_ms=ts) for o in range(3)],
            )
            producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
            await producer.start()
            try:
                await producer.send_and_wait(topics.statistik_penduduk.name, pesan.ke_bytes(), partition=0)
            finally:
                await producer.stop()

            async def ditulis() -> bool:
                s = await scrape(http, url)
                lag = s.seri(metrik.SINK_LAG)
                return (
                    s.nilai(metrik.SINK_BARIS, tabel="event_ledger") == 3
                    and len(lag) == settings.topic_partitions
                    and all(v == 0 for v in lag.values())
                )

            await tunggu(ditulis, 60, "3 ledger rows counted by the sink")
            s = await scrape(http, url)
            assert all(s.punya(n) for n in metrik.NAMA_SINK), s.teks
            assert not any(s.punya(n) for n in (*metrik.NAMA_API, *metrik.NAMA_WORKER))
    finally:
        berhenti.set()
        await tugas
