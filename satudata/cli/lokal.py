"""``satudata up``: Kafka, the API (registry + ClickHouse sink), the Faust worker and the simulator, with a live
view. Ctrl-C stops everything in reverse order; data stays in the data dir between runs."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import httpx
from rich.console import Console
from rich.live import Live

from satudata.cli.tampilan import amati, render
from satudata.kafka.broker import KafkaBroker
from satudata.kafka.topics import ensure_topics, hub_topics
from satudata.proses import HubProcess
from satudata.settings import Settings


def _tunggu_api(url: str, proses: HubProcess, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proses.running:
            raise RuntimeError(f"API berhenti saat mulai; lihat {proses.log}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"API tidak siap dalam {timeout:.0f} detik; lihat {proses.log}")


@contextlib.contextmanager
def _layanan(console: Console, nama: str, proses: HubProcess) -> Iterator[HubProcess]:
    proses.start()
    console.print(f"[green]✓[/] {nama} berjalan (log: {proses.log})")
    try:
        yield proses
    finally:
        proses.stop()
        console.print(f"[dim]{nama} berhenti[/]")


def jalankan_lokal(
    settings: Settings, console: Console, *, simulasi: bool, laju: float, skala: float, refresh: float = 1.0
) -> None:
    logs = settings.data_dir / "logs"
    with contextlib.ExitStack() as stack:
        if settings.kafka_bootstrap_servers is None:
            broker = KafkaBroker(settings.data_dir / "kafka", settings.kafka_port, heap=settings.kafka_heap)
            with console.status("Menyalakan Kafka (unduhan pertama dari Maven Central bisa memakan waktu)…"):
                broker.start()
            stack.callback(broker.stop)
            console.print(f"[green]✓[/] Kafka berjalan di {broker.bootstrap} (data: {broker.home})")
        asyncio.run(ensure_topics(settings.bootstrap_servers, hub_topics(settings).all()))
        api = stack.enter_context(_layanan(console, "API", HubProcess(settings, "api", log=logs / "api.log")))
        with console.status("Menunggu API…"):
            _tunggu_api(settings.api_url, api)
        stack.enter_context(
            _layanan(console, "Worker Faust", HubProcess(settings, "worker", log=logs / "worker.log"))
        )
        if simulasi:
            args = ("simulate", "--laju", str(laju), "--skala", str(skala), "--lanjut")
            stack.enter_context(
                _layanan(console, "Simulator", HubProcess(settings, *args, log=logs / "simulator.log"))
            )
        console.print(f"API: [bold]{settings.api_url}[/] (dokumentasi: {settings.api_url}/docs)")
        client = stack.enter_context(httpx.Client(base_url=settings.api_url, timeout=10))
        obs = amati(client, None)
        try:
            with Live(render(obs, settings.api_url), console=console, refresh_per_second=4) as live:
                while True:
                    time.sleep(refresh)
                    obs = amati(client, obs)
                    live.update(render(obs, settings.api_url))
        except KeyboardInterrupt:
            console.print("Menghentikan…")
