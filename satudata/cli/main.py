"""``satudata``: perintah untuk menjalankan hub Satu Data Kota Bima (mode lokal, worker, API, simulator, bench)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from satudata.cli.grafana import grafana_app
from satudata.kafka.broker import BrokerError, KafkaBroker, ensure_kafka_libs
from satudata.settings import Settings, get_settings

app = typer.Typer(help="Hub integrasi Satu Data Kota Bima.", no_args_is_help=True, add_completion=False)
kafka_app = typer.Typer(help="Broker Kafka lokal (KRaft, dari Maven Central).", no_args_is_help=True)
app.add_typer(kafka_app, name="kafka")
app.add_typer(grafana_app, name="grafana")
console = Console()

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Folder data lokal (bawaan: .data).")]


def _settings(data_dir: Path | None) -> Settings:
    return get_settings(data_dir=data_dir) if data_dir else get_settings()


def broker_untuk(settings: Settings) -> KafkaBroker:
    return KafkaBroker(settings.data_dir / "kafka", settings.kafka_port, heap=settings.kafka_heap)


@kafka_app.command("fetch")
def kafka_fetch() -> None:
    """Unduh jar Kafka dari Maven Central (sekali saja; disimpan di .cache)."""
    with console.status("Mengunduh Kafka dari Maven Central…"):
        libs = ensure_kafka_libs()
    console.print(f"[green]Kafka siap[/] di {libs}")


@kafka_app.command("up")
def kafka_up(data_dir: DataDir = None) -> None:
    """Nyalakan broker Kafka lokal di latar belakang (hentikan dengan `satudata kafka down`)."""
    settings = _settings(data_dir)
    broker = broker_untuk(settings)
    try:
        with console.status("Menyalakan Kafka…"):
            broker.start()
    except BrokerError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    broker.detach()
    console.print(f"Kafka berjalan di [bold]{broker.bootstrap}[/] (data: {broker.home})")


@kafka_app.command("down")
def kafka_down(data_dir: DataDir = None) -> None:
    """Hentikan broker Kafka lokal yang dinyalakan dengan `satudata kafka up`."""
    home = broker_untuk(_settings(data_dir)).home
    if KafkaBroker.stop_detached(home):
        console.print("Kafka berhenti")
    else:
        console.print("Tidak ada broker Kafka lokal yang berjalan")


@app.command("topik")
def topik(data_dir: DataDir = None) -> None:
    """Buat topik-topik hub (jumlah partisi eksplisit) di broker yang sedang berjalan."""
    from satudata.kafka.topics import ensure_topics, hub_topics

    settings = _settings(data_dir)
    dibuat = asyncio.run(ensure_topics(settings.bootstrap_servers, hub_topics(settings).all()))
    console.print(f"Topik dibuat: {', '.join(dibuat) or '(semua sudah ada)'}")


@app.command("api")
def api(data_dir: DataDir = None) -> None:
    """Jalankan API (ingest, statistik, registry skema) dengan uvicorn."""
    import uvicorn

    from api.main import create_app

    settings = _settings(data_dir)
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port, log_level="warning")


@app.command("worker")
def worker(
    data_dir: DataDir = None,
    loglevel: Annotated[str | None, typer.Option(help="Tingkat log (bawaan: SATUDATA_LOG_LEVEL).")] = None,
) -> None:
    """Jalankan worker Faust (boleh lebih dari satu; partisi dibagi)."""
    from streams.worker import run_worker

    settings = _settings(data_dir)
    run_worker(settings, loglevel or settings.log_level)


@app.command("sink")
def sink(data_dir: DataDir = None) -> None:
    """Jalankan sink ClickHouse sendiri (untuk server ClickHouse; di mode lokal sink berjalan di dalam API)."""
    from streams.sink import jalankan_sink

    asyncio.run(jalankan_sink(_settings(data_dir)))


@app.command("reconcile")
def reconcile(
    data_dir: DataDir = None,
    per: Annotated[
        str | None, typer.Option(help="Tanggal acuan YYYY-MM-DD (bawaan: hari ini, WITA).")
    ] = None,
    bulan_dari: Annotated[str | None, typer.Option(help="Bulan pertama laporan YYYY-MM.")] = None,
    bulan_sampai: Annotated[str | None, typer.Option(help="Bulan terakhir laporan YYYY-MM.")] = None,
    basis: Annotated[str, typer.Option(help="Basis laporan bulanan: peristiwa atau lapor.")] = "peristiwa",
) -> None:
    """Hitung ulang semua statistik dari keadaan rekaman dan bandingkan dengan agregat (keluar 1 bila selisih)."""
    from satudata.cli.rekonsiliasi import jalankan

    tanggal = dt.date.fromisoformat(per) if per else None
    raise typer.Exit(jalankan(_settings(data_dir).api_url, tanggal, bulan_dari, bulan_sampai, basis))


@app.command("simulate")
def simulate(
    data_dir: DataDir = None,
    laju: Annotated[float, typer.Option(help="Perubahan per detik setelah muatan awal.")] = 200.0,
    skala: Annotated[float, typer.Option(help="Skala populasi (1.0 ≈ 165 ribu penduduk).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Benih acak (hasil sama untuk benih sama).")] = 2026,
    jumlah: Annotated[int, typer.Option(help="Jumlah perubahan lalu berhenti (0 = terus).")] = 0,
    kafka: Annotated[bool, typer.Option("--kafka", help="Tulis langsung ke Kafka, bukan lewat API.")] = False,
    lanjut: Annotated[
        bool, typer.Option("--lanjut", help="Lanjutkan simulasi sebelumnya di folder data.")
    ] = False,
) -> None:
    """Simulasikan Kota Bima (41 kelurahan): muatan awal lalu aliran kelahiran, kematian, pindah, edit."""
    from satudata.cli.simulasi import jalankan_simulasi

    jalankan_simulasi(
        _settings(data_dir),
        console,
        laju=laju,
        skala=skala,
        seed=seed,
        jumlah=jumlah,
        langsung_kafka=kafka,
        lanjut=lanjut,
    )


@app.command("up")
def up(
    data_dir: DataDir = None,
    simulasi: Annotated[bool, typer.Option("--simulasi/--tanpa-simulasi", help="Jalankan simulator.")] = True,
    laju: Annotated[float, typer.Option(help="Laju simulator (perubahan per detik).")] = 200.0,
    skala: Annotated[float, typer.Option(help="Skala populasi simulator.")] = 1.0,
) -> None:
    """Mode lokal: Kafka, API, worker Faust dan simulator, dengan tampilan langsung. Ctrl-C untuk berhenti."""
    from satudata.cli.lokal import jalankan_lokal

    jalankan_lokal(_settings(data_dir), console, simulasi=simulasi, laju=laju, skala=skala)


@app.command("bench")
def bench(
    uji: Annotated[
        Literal["aliran", "muat", "kueri", "panel"],
        typer.Argument(
            help="aliran (bawaan): laju konsumsi+decode mentah vs pipeline, dan kesegaran (penduduk saja). "
            "muat: muatan awal Kota Bima (semua jenis rekaman) ujung ke ujung ke hub kosong. "
            "kueri: latensi setiap statistik dan laporan bulanan lewat API dan SQL, pada skala Kota Bima dan "
            "NTB (didahului muatan awal seperti muat). "
            "panel: latensi kueri setiap panel dasbor Grafana pada skala Kota Bima (didahului muatan awal)."
        ),
    ] = "aliran",
    skala: Annotated[float, typer.Option(help="Skala populasi (1.0 ≈ 165 ribu penduduk).")] = 1.0,
    perubahan: Annotated[int, typer.Option(help="(aliran) Perubahan setelah snapshot di topik.")] = 50_000,
    laju: Annotated[float, typer.Option(help="(aliran) Laju untuk uji kesegaran (event/detik).")] = 1000.0,
    durasi: Annotated[float, typer.Option(help="(aliran) Lama uji kesegaran (detik).")] = 30.0,
    seed: Annotated[int, typer.Option(help="(muat, kueri) Benih populasi sintetis.")] = 7,
    kelurahan: Annotated[
        int, typer.Option(min=1, help="(kueri) Jumlah kelurahan sampel (acak, dari benih).")
    ] = 8,
    ntb: Annotated[
        bool,
        typer.Option(
            "--ntb/--tanpa-ntb",
            help="(kueri) Ukur juga pada skala NTB: agregat Kota Bima disalin 33× dengan kode wilayah sintetis.",
        ),
    ] = True,
    tulis: Annotated[
        bool | None,
        typer.Option(
            "--tulis/--tanpa-tulis",
            help="Tambahkan hasil ke docs/BENCHMARKS.md (bawaan: ya untuk aliran, tidak untuk muat dan kueri).",
        ),
    ] = None,
    keluaran: Annotated[
        Path | None, typer.Option(help="Tulis juga bagian Markdown hasil ke berkas ini (ditimpa).")
    ] = None,
    worker: Annotated[int, typer.Option(min=1, help="Jumlah proses worker Faust.")] = 1,
    ulang: Annotated[
        int, typer.Option(min=1, help="(panel) Ulangan setiap kueri panel per pilihan wilayah.")
    ] = 3,
) -> None:
    """Benchmark hub; hasilnya dicetak sebagai bagian Markdown untuk docs/BENCHMARKS.md (lihat argumen UJI)."""
    if uji == "muat":
        from satudata.cli.bench_muat import bench_muat

        hasil = bench_muat(
            get_settings(),
            console,
            skala=skala,
            seed=seed,
            workers=worker,
            tulis=bool(tulis),
            keluaran=keluaran,
        )
        if not hasil.seimbang:
            console.print("[red]masuk ≠ diterapkan + dead letter, atau ada record ditolak / dead letter[/]")
            raise typer.Exit(1)
        return
    if uji == "panel":
        from satudata.cli.bench_panel import bench_panel

        bench_panel(
            get_settings(), console, skala=skala, seed=seed, workers=worker, n_kelurahan=kelurahan, ulang=ulang,
            tulis=bool(tulis), keluaran=keluaran,
        )  # fmt: skip
        return
    if uji == "kueri":
        from satudata.cli.bench_kueri import bench_kueri

        bench_kueri(
            get_settings(), console, skala=skala, seed=seed, workers=worker, n_kelurahan=kelurahan, ntb=ntb,
            tulis=bool(tulis), keluaran=keluaran,
        )  # fmt: skip
        return
    from satudata.cli.bench import bench as jalankan_bench

    jalankan_bench(
        get_settings(),
        console,
        skala=skala,
        perubahan=perubahan,
        laju=laju,
        durasi=durasi,
        tulis=True if tulis is None else tulis,
        workers=worker,
        keluaran=keluaran,
    )


def main() -> None:
    app()
