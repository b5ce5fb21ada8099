"""``satudata reconcile``: asks the running API to reconcile and prints the differences (exit 1 on drift).

The API does the work because in local mode the embedded ClickHouse belongs to the API process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
from rich.console import Console
from rich.table import Table

BATAS_TAMPIL = 50  # rows printed; the JSON has them all


def jalankan(
    api_url: str,
    per: dt.date | None,
    bulan_dari: str | None,
    bulan_sampai: str | None,
    basis: str,
    console: Console | None = None,
) -> int:
    """Run the reconciliation; 0 when every figure reconciles, 1 on drift, 2 when the API cannot answer."""
    console = console or Console()
    params: dict[str, Any] = {"basis": basis}
    for nama, nilai in (("per", per), ("bulan_dari", bulan_dari), ("bulan_sampai", bulan_sampai)):
        if nilai is not None:
            params[nama] = str(nilai)
    try:
        with console.status("Menghitung ulang semua statistik dari keadaan rekaman…"):
            jawaban = httpx.get(f"{api_url}/v1/operasional/rekonsiliasi", params=params, timeout=600)
    except httpx.HTTPError as exc:
        console.print(f"[red]API {api_url} tidak dapat dihubungi: {exc}[/red]")
        return 2
    if jawaban.status_code != 200:
        console.print(f"[red]API menjawab {jawaban.status_code}: {jawaban.text}[/red]")
        return 2
    hasil = jawaban.json()
    rentang = f"{hasil['bulan'][0]}…{hasil['bulan'][-1]}" if hasil["bulan"] else "-"
    if hasil["cocok"]:
        console.print(
            f"[green]Cocok:[/green] semua statistik per {hasil['per']} dan laporan bulanan {rentang}."
        )
        return 0
    selisih = hasil["selisih"]
    tabel = Table(title=f"{len(selisih)} selisih (per {hasil['per']}, bulan {rentang})")
    for kolom in ("pemeriksaan", "wilayah", "kategori", "kode", "jk", "harapan", "nyata"):
        tabel.add_column(kolom, justify="right" if kolom in ("jk", "harapan", "nyata") else "left")
    for s in selisih[:BATAS_TAMPIL]:
        tabel.add_row(s["pemeriksaan"], s["wilayah"], s["kategori"], s["kode"] or "''",
                      str(s["jenis_kelamin"]), str(s["harapan"]), str(s["nyata"]))  # fmt: skip
    console.print(tabel)
    if len(selisih) > BATAS_TAMPIL:
        console.print(f"… dan {len(selisih) - BATAS_TAMPIL} lainnya (lihat /v1/operasional/rekonsiliasi).")
    return 1
