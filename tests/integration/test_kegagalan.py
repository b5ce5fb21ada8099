"""Crashes and redelivery: a SIGKILLed worker and a re-read sink batch neither lose nor double-count."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.kafka_publisher import RekamanPublisher
from connectors.simulator.penerima import kirim_ke_kafka
from satudata.jenis import JENIS
from satudata.settings import Settings
from tests.harness import running_hub, wait_until
from tests.integration.test_pipeline import (
    ACUAN,
    assert_api_matches,
    clickhouse_counts,
    simulated_stream,
    tanpa_umur,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.timeout(900)]


async def test_sigkill_worker_mid_stream_then_restart(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"tanggal_acuan": ACUAN})
    records, expected = simulated_stream(seed=21, skala=0.05, changes=25_000)
    async with running_hub(settings, tmp_path / "logs", workers=0) as hub:
        pubs = {jenis: RekamanPublisher(settings, jenis) for jenis in JENIS}
        for pub in pubs.values():
            await pub.start()
        try:
            sent = await kirim_ke_kafka(records, pubs, batch=5000)
        finally:
            for pub in pubs.values():
                await pub.stop()
        assert sent.diterima == len(records)
        n = len(records)
        worker = hub.start_worker()
        for fraction in (0.15, 0.4, 0.65):

            async def progressed(target: float = fraction) -> bool:
                return await hub.ledger_count() >= target * n

            await wait_until(progressed, 300, f"{fraction:.0%} of the stream")
            assert worker.running
            worker.kill()  # SIGKILL: no flush, no commit, no leave-group
            worker = hub.start_worker()
        counts = await hub.wait_drained(timeout=120)
        aliran = counts["aliran"]
        assert isinstance(aliran, dict)
        assert aliran["masuk"] == n
        assert aliran["diterapkan"] == n and aliran["dead_letter"] == 0
        assert await clickhouse_counts(hub) == tanpa_umur(expected)
        await assert_api_matches(hub, expected)
