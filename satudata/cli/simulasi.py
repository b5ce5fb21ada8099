"""``satudata simulate``: a synthetic Kota Bima sending its resident changes to the hub, as a real client."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from connectors.kafka_publisher import PendudukPublisher
from connectors.simulator.penerima import HasilKirim, kirim_ke_api, kirim_ke_kafka
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import Populasi, buat_populasi
from connectors.simulator.rekaman import snapshot
from satudata.penduduk import WITA
from satudata.settings import Settings

SIMPAN_SETIAP = 30.0  # seconds between state saves


def _berkas(settings: Settings) -> Path:
    return settings.data_dir / "simulator" / "keadaan.pkl"


def _muat(path: Path) -> tuple[Populasi, GeneratorPerubahan] | None:
    if not path.exists():
        return None
    with path.open("rb") as fh:
        keadaan: tuple[Populasi, GeneratorPerubahan] = pickle.load(fh)  # our own file in the data dir
    return keadaan


def _simpan(path: Path, pop: Populasi, gen: GeneratorPerubahan) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((pop, gen), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


async def _kirim(
    records: list[dict[str, Any]],
    settings: Settings,
    publisher: PendudukPublisher | None,
    laju: float | None,
    progress: Any = None,
) -> HasilKirim:
    if publisher is not None:
        return await kirim_ke_kafka(records, publisher, batch=1000, laju=laju, progress=progress)
    return await kirim_ke_api(records, settings.api_url, batch=1000, laju=laju, progress=progress)


async def simulasikan(
    settings: Settings,
    console: Console,
    *,
    laju: float,
    skala: float,
    seed: int,
    jumlah: int,
    langsung_kafka: bool,
    lanjut: bool,
) -> None:
    path = _berkas(settings)
    keadaan = _muat(path) if lanjut else None
    publisher = PendudukPublisher(settings) if langsung_kafka else None
    if publisher is not None:
        await publisher.start()
    try:
        if keadaan is None:
            with console.status(f"Membuat Kota Bima sintetis (skala {skala})…"):
                sekarang = dt.datetime.now(WITA)
                pop = buat_populasi(seed, skala, sekarang.date())
                # Simulated time advances about as fast as real time at the chosen rate: never in the future.
                gen = GeneratorPerubahan(
                    pop, seed + 1, sekarang, jeda=dt.timedelta(seconds=1 / max(laju, 1.0))
                )
                awal = list(snapshot(pop))
            with Progress(console=console) as progress:
                tugas = progress.add_task("Muatan awal (snapshot)", total=len(awal))
                hasil = await _kirim(
                    awal, settings, publisher, None, lambda n, _t: progress.update(tugas, completed=n)
                )
            console.print(f"Snapshot: {hasil.diterima:,} diterima, {hasil.ditolak:,} ditolak")
            _simpan(path, pop, gen)
        else:
            pop, gen = keadaan
            console.print(f"Melanjutkan simulasi dari {path}")
        terkirim, disimpan = 0, time.monotonic()
        while jumlah <= 0 or terkirim < jumlah:
            n = max(1, int(laju)) if jumlah <= 0 else min(max(1, int(laju)), jumlah - terkirim)
            records = list(gen.aliran(n))
            hasil = await _kirim(records, settings, publisher, laju)
            terkirim += hasil.dikirim
            if hasil.ditolak:
                console.print(f"[yellow]{hasil.ditolak} ditolak: {dict(hasil.alasan_penolakan)}[/]")
            if time.monotonic() - disimpan > SIMPAN_SETIAP:
                _simpan(path, pop, gen)
                disimpan = time.monotonic()
        _simpan(path, pop, gen)
        console.print(f"Selesai: {terkirim:,} perubahan terkirim")
    finally:
        if publisher is not None:
            await publisher.stop()


def jalankan_simulasi(settings: Settings, console: Console, **kwargs: Any) -> None:
    try:
        asyncio.run(simulasikan(settings, console, **kwargs))
    except KeyboardInterrupt:
        console.print("Simulator dihentikan")
