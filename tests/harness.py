"""Runs a whole hub for a test: the API (with registry and ClickHouse sink) in this process, on a real loopback
port, and Faust workers as subprocesses that can be SIGKILLed."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api.server import api_in_process
from satudata.kafka.broker import free_port
from satudata.kafka.offsets import OffsetReader
from satudata.kafka.topics import hub_topics
from satudata.proses import HubProcess
from satudata.settings import Settings
from satudata.warehouse.client import Gudang


async def wait_until(pred: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await pred():
            return
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


@dataclass
class Hub:
    settings: Settings
    url: str
    gudang: Gudang
    client: httpx.AsyncClient
    logs: Path
    workers: list[HubProcess] = field(default_factory=list)

    def start_worker(self) -> HubProcess:
        """A new worker process; its web server (/metrics) gets a port of its own (``w.settings``)."""
        settings = self.settings.model_copy(update={"faust_web_port": free_port()})
        w = HubProcess(settings, "worker", log=self.logs / f"worker-{len(self.workers)}.log")
        w.start()
        self.workers.append(w)
        return w

    async def ledger_count(self) -> int:
        rows = await self.gudang.query(
            "SELECT count() FROM {db}.event_ledger FINAL WHERE has({t:Array(String)}, topik)",
            {"t": [t.name for t in hub_topics(self.settings).sumber.values()]},
        )
        return int(rows[0][0])

    async def celah(self) -> list[tuple[int, int, int, list[int]]]:
        """Per partition: ledger rows, highest offset, end offset, and the first missing offsets."""
        topic = hub_topics(self.settings).penduduk.name
        reader = OffsetReader(self.settings.bootstrap_servers)
        await reader.start()
        try:
            akhir = await reader.akhir(topic)
        finally:
            await reader.stop()
        rows = await self.gudang.query(
            "SELECT partisi, count(), max(offset_), groupArray(offset_) FROM {db}.event_ledger FINAL "
            "WHERE topik = {t:String} GROUP BY partisi ORDER BY partisi",
            {"t": topic},
        )
        out = []
        for partisi, n, tertinggi, offsets in rows:
            ada = set(offsets)
            hilang = [o for o in range(akhir.get(int(partisi), 0)) if o not in ada][:30]
            out.append((int(partisi), int(n), int(tertinggi), hilang))
        return out

    async def counts(self) -> dict[str, object]:
        r = await self.client.get("/v1/operasional/hitungan")
        r.raise_for_status()
        body: dict[str, object] = r.json()
        return body

    async def wait_drained(self, timeout: float = 180.0) -> dict[str, object]:
        """Wait until every message of the source topic has a ledger row (applied or dead-lettered)."""

        terakhir: list[object] = [None]

        async def drained() -> bool:
            aliran = (await self.counts())["aliran"]
            assert isinstance(aliran, dict)
            terakhir[0] = aliran
            return bool(aliran["masuk"] > 0 and aliran["belum_diproses"] == 0)

        try:
            await wait_until(drained, timeout, "the pipeline to drain")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last counts: {terakhir[0]}; ledger: {await self.celah()}") from None
        return await self.counts()


@contextlib.asynccontextmanager
async def running_hub(settings: Settings, logs: Path, *, workers: int = 1) -> AsyncIterator[Hub]:
    async with api_in_process(settings) as app:
        url = settings.api_url
        hub = Hub(settings, url, app.state.gudang, httpx.AsyncClient(base_url=url, timeout=60), logs)
        try:
            for _ in range(workers):
                hub.start_worker()
            yield hub
        finally:
            for w in hub.workers:
                w.stop()
            await hub.client.aclose()
