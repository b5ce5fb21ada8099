"""``satudata simulate``: a synthetic Kota Bima sending every SIMATIK record type (penduduk, keluarga,
peristiwa, bantuan, surat) to the hub, as a real client; progress and totals are shown per record type."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.progress import Progress
from rich.table import Table

from connectors.kafka_publisher import Publishers
from connectors.simulator.dasar import JENIS, WITA
from connectors.simulator.penerima import HasilKirim, Publisher, kirim_ke_api, kirim_ke_kafka
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import Populasi, buat_populasi
from connectors.simulator.rekaman import snapshot
from satudata.settings import Settings

SIMPAN_SETIAP = 30.0  # seconds between state saves


def _berkas(settings: Settings) -> Path:
    # v2: every record type (a state file of the resident-only simulator cannot be continued)
    return settings.data_dir / "simulator" / "keadaan-v2.pkl"


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


def tabel_hasil(hasil: HasilKirim, judul: str) -> Table:
    """Records sent, accepted and rejected per record type (jenis), with a total row."""
    tabel = Table(title=judul, title_justify="left")
    tabel.add_column("jenis")
    for kolom in ("dikirim", "diterima", "ditolak"):
        tabel.add_column(kolom, justify="right")
    for jenis in JENIS:
        dikirim, diterima = hasil.dikirim_per_jenis[jenis], hasil.diterima_per_jenis[jenis]
        if dikirim:
            tabel.add_row(jenis, f"{dikirim:,}", f"{diterima:,}", f"{dikirim - diterima:,}")
    tabel.add_row(
        "[b]jumlah[/]", f"[b]{hasil.dikirim:,}[/]", f"[b]{hasil.diterima:,}[/]", f"[b]{hasil.ditolak:,}[/]"
    )
    return tabel


async def _kirim(
    records: list[dict[str, Any]],
    settings: Settings,
    publishers: Mapping[str, Publisher] | None,
    laju: float | None,
    progress: Any = None,
) -> HasilKirim:
    if publishers is not None:
        return await kirim_ke_kafka(records, publishers, batch=1000, laju=laju, progress=progress)
    return await kirim_ke_api(records, settings.api_url, batch=1000, laju=laju, progress=progress)


async def _muatan_awal(
    console: Console, settings: Settings, publishers: Mapping[str, Publisher] | None, *, skala: float, seed: int,
    laju: float,
) -> tuple[Populasi, GeneratorPerubahan]:  # fmt: skip
    with console.status(f"Membuat Kota Bima sintetis (skala {skala})…"):
        sekarang = dt.datetime.now(WITA)
        pop = buat_populasi(seed, skala, sekarang.date())
        # Simulated time advances about as fast as real time at the chosen rate: never in the future.
        gen = GeneratorPerubahan(pop, seed + 1, sekarang, jeda=dt.timedelta(seconds=1 / max(laju, 1.0)))
        awal = list(snapshot(pop))
    with Progress(console=console) as progress:
        tugas = progress.add_task("Muatan awal (snapshot semua jenis)", total=len(awal))
        hasil = await _kirim(
            awal, settings, publishers, None, lambda n, _t: progress.update(tugas, completed=n)
        )
    console.print(tabel_hasil(hasil, "Snapshot"))
    return pop, gen


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
    penerbit = Publishers(settings) if langsung_kafka else None
    publishers = {jenis: penerbit[jenis] for jenis in JENIS} if penerbit is not None else None
    if penerbit is not None:
        await penerbit.start()
    try:
        if keadaan is None:
            pop, gen = await _muatan_awal(console, settings, publishers, skala=skala, seed=seed, laju=laju)
            _simpan(path, pop, gen)
        else:
            pop, gen = keadaan
            console.print(f"Melanjutkan simulasi dari {path}")
        total, disimpan = HasilKirim(), time.monotonic()
        with Live(tabel_hasil(total, "Perubahan"), console=console, refresh_per_second=2) as layar:
            while jumlah <= 0 or total.dikirim < jumlah:
                n = max(1, int(laju)) if jumlah <= 0 else min(max(1, int(laju)), jumlah - total.dikirim)
                hasil = await _kirim(list(gen.aliran(n)), settings, publishers, laju)
                total.tambahkan(hasil)
                layar.update(tabel_hasil(total, "Perubahan"))
                if hasil.ditolak:
                    console.print(f"[yellow]{hasil.ditolak} ditolak: {dict(hasil.alasan_penolakan)}[/]")
                if time.monotonic() - disimpan > SIMPAN_SETIAP:
                    _simpan(path, pop, gen)
                    disimpan = time.monotonic()
        _simpan(path, pop, gen)
        console.print(f"Selesai: {total.dikirim:,} perubahan terkirim, {total.diterima:,} diterima")
    finally:
        if penerbit is not None:
            await penerbit.stop()


def jalankan_simulasi(settings: Settings, console: Console, **kwargs: Any) -> None:
    try:
        asyncio.run(simulasikan(settings, console, **kwargs))
    except KeyboardInterrupt:
        console.print("Simulator dihentikan")
