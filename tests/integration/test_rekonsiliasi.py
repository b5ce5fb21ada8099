"""``satudata reconcile`` on a hub filled by the real pipeline: no drift after a simulated stream of every
record type; a tampered aggregate is reported with the right figures and a non-zero exit."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

import pytest
from rich.console import Console

from connectors.simulator.penerima import kirim_ke_api
from satudata.cli.rekonsiliasi import jalankan
from satudata.penduduk import WITA
from satudata.settings import Settings
from tests.harness import running_hub
from tests.integration.test_pipeline import ACUAN, simulated_stream

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

KEL = "5272031006"


async def test_reconcile_finds_no_drift_then_reports_a_tampered_aggregate(
    settings: Settings, tmp_path: Path
) -> None:
    settings = settings.model_copy(update={"tanggal_acuan": ACUAN})
    records, _ = simulated_stream(seed=31, skala=0.03, changes=3000)
    hari_ini = dt.datetime.now(WITA).date()
    lalu = (hari_ini.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    async with running_hub(settings, tmp_path / "logs") as hub:
        sent = await kirim_ke_api(records, hub.url, batch=2000)
        assert sent.ditolak == 0, sent.alasan_penolakan
        await hub.wait_drained()

        keluaran = io.StringIO()
        konsol = Console(file=keluaran, width=200)
        kode = await asyncio.to_thread(
            jalankan, hub.url, None, lalu, hari_ini.strftime("%Y-%m"), "peristiwa", konsol
        )
        assert kode == 0, keluaran.getvalue()
        assert "Cocok" in keluaran.getvalue()

        # Drift: five Islamic men appear in one kelurahan's aggregates without any record behind them.
        await hub.gudang.insert(
            "agregat_harian",
            [["agama", KEL[:4], KEL[:6], KEL, "1", 1, dt.date(1900, 1, 1), hari_ini - dt.timedelta(days=3),
              "uji.palsu", 99, 5, 1, dt.datetime.now(dt.UTC)]],
            ["kategori", "kode_kota", "kode_kecamatan", "kode_kelurahan", "kode", "jenis_kelamin", "tanggal_lahir",
             "tanggal", "sumber_topik", "sumber_partisi", "jumlah", "versi", "diperbarui"],
        )  # fmt: skip
        r = await hub.client.get("/v1/operasional/rekonsiliasi", params={"bulan_dari": lalu})
        hasil = r.json()
        assert hasil["cocok"] is False
        pokok = [s for s in hasil["selisih"] if s["pemeriksaan"].startswith("agregat")]
        assert len(pokok) == 1
        s = pokok[0]
        assert (s["wilayah"], s["kategori"], s["kode"], s["jenis_kelamin"]) == (KEL, "agama", "1", 1)
        assert s["nyata"] - s["harapan"] == 5

        keluaran = io.StringIO()
        konsol = Console(file=keluaran, width=200)
        kode = await asyncio.to_thread(jalankan, hub.url, None, lalu, None, "peristiwa", konsol)
        assert kode == 1
        assert KEL in keluaran.getvalue() and "agama" in keluaran.getvalue()
