"""``satudata grafana …``: dashboards as code on a Grafana server (the logic lives in :mod:`grafana.sinkron`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from grafana.sinkron import HasilSinkron

grafana_app = typer.Typer(
    help="Dasbor Grafana sebagai kode: OpenKab, OpenDK per kecamatan, kualitas data, sektoral, operasional.",
    no_args_is_help=True,
)
console = Console()

WARNA = {
    "dibuat": "green",
    "diganti nama": "yellow",
    "dipindah": "yellow",
    "diperbarui": "yellow",
    "tetap": "dim",
    "OK": "green",
    "gagal": "bold red",
}


def tabel_hasil(hasil: HasilSinkron) -> Table:
    judul = "Rencana sinkronisasi Grafana (--dry-run: tidak ada yang ditulis)" if hasil.dry_run else None
    tabel = Table(title=judul or "Sinkronisasi Grafana")
    for kolom in ("Jenis", "Nama", "Status", "Keterangan"):
        tabel.add_column(kolom)
    for b in hasil.baris:
        warna = WARNA.get(b.status, "")
        tabel.add_row(
            str(b.jenis), b.nama, f"[{warna}]{b.status}[/]" if warna else str(b.status), b.keterangan
        )
    return tabel


@grafana_app.command("sync")
def sync(
    url: Annotated[
        str, typer.Option(envvar="GRAFANA_URL", help="Alamat Grafana, mis. http://localhost:3000.")
    ],
    token: Annotated[
        str,
        typer.Option(
            envvar="GRAFANA_TOKEN",
            help="Token service account Grafana berperan Admin (lebih aman lewat variabel GRAFANA_TOKEN).",
        ),
    ],
    dasbor: Annotated[
        Path | None,
        typer.Option("--dasbor", help="Folder JSON dasbor <keluarga>/*.json (bawaan: grafana/dashboards)."),
    ] = None,
    datasource: Annotated[
        str, typer.Option("--datasource", help="UID datasource ClickHouse yang diperiksa kesehatannya.")
    ] = "satudata-clickhouse",  # grafana.sinkron.DATASOURCE_UID (not imported here: keeps the CLI fast)
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Hanya tampilkan rencana perubahan; tidak menulis ke Grafana.")
    ] = False,
) -> None:
    """Sinkronkan folder, tim kecamatan, izin folder dan dasbor ke Grafana (aman diulang; hanya yang berubah ditulis).

    Keluar 1 bila Grafana tidak terjangkau, token ditolak, berkas dasbor tidak valid, atau datasource tidak sehat.
    """
    from grafana_client.api import GrafanaApi
    from grafana_client.client import GrafanaException

    from grafana.sinkron import DASBOR_BAWAAN, DasborTidakValid, GrafanaTidakTersedia, sinkronkan

    api = GrafanaApi.from_url(url, credential=token)
    try:
        hasil = sinkronkan(api, dasbor or DASBOR_BAWAAN, datasource_uid=datasource, dry_run=dry_run)
    except DasborTidakValid as exc:
        console.print(f"[red]Berkas dasbor tidak valid:[/] {exc}")
        raise typer.Exit(1) from exc
    except GrafanaTidakTersedia as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    except GrafanaException as exc:
        console.print(f"[red]Grafana menolak permintaan:[/] {exc.message} ({exc.response})")
        raise typer.Exit(1) from exc
    console.print(tabel_hasil(hasil))
    ringkas = f"{len(hasil.berubah)} perubahan" + (" direncanakan" if dry_run else "")
    if hasil.gagal:
        console.print(f"[red]{ringkas}; datasource {datasource} tidak sehat.[/]")
        raise typer.Exit(hasil.kode_keluar)
    console.print(
        f"[green]{ringkas}.[/]" if hasil.berubah else "[green]Semua sudah sesuai; tidak ada perubahan.[/]"
    )


@grafana_app.command("render")
def render(
    periksa: Annotated[
        bool, typer.Option("--periksa", help="Hanya periksa: keluar 1 bila berkas yang di-commit berbeda.")
    ] = False,
) -> None:
    """Tulis ulang JSON dasbor (grafana/dashboards) dan berkas provisioning dari kode."""
    from grafana.render import selisih, tulis

    if periksa:
        beda = selisih()
        for baris in beda:
            console.print(f"[red]{baris}[/]")
        if beda:
            console.print("Jalankan [bold]satudata grafana render[/] lalu commit hasilnya.")
            raise typer.Exit(1)
        console.print("[green]Dasbor dan provisioning sesuai dengan kode.[/]")
        return
    berubah = tulis()
    for rel in berubah:
        console.print(f"ditulis: grafana/{rel}")
    console.print(f"[green]{len(berubah)} berkas berubah.[/]" if berubah else "Tidak ada yang berubah.")
