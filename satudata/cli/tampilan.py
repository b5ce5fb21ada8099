"""The live Rich view of ``satudata up``: events/s, consumer lag, population per kecamatan, DLQ count."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Group
from rich.panel import Panel
from rich.table import Table

from satudata.wilayah import Tingkat, referensi_kota_bima


@dataclass
class Pengamatan:
    """One poll of the API, plus the previous one for rates."""

    waktu: float = 0.0
    diterapkan: int = 0
    masuk: int = 0
    dead_letter: int = 0
    ditolak_api: int = 0
    penduduk: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # kecamatan → (L, P, total)
    diperbarui: str | None = None
    laju: float = 0.0
    galat: str | None = None


def amati(client: httpx.Client, sebelumnya: Pengamatan | None) -> Pengamatan:
    obs = Pengamatan(waktu=time.monotonic())
    try:
        hit = client.get("/v1/operasional/hitungan").json()
        obs.diterapkan = hit["aliran"]["diterapkan"]
        obs.masuk = hit["aliran"]["masuk"]
        obs.dead_letter = hit["aliran"]["dead_letter"]
        obs.ditolak_api = hit["ingest"]["ditolak"]
        for kec in referensi_kota_bima().semua(Tingkat.KECAMATAN):
            body: dict[str, Any] = client.get(
                "/v1/statistik/jenis-kelamin", params={"wilayah": kec.kode}
            ).json()
            total = next(b for b in body["baris"] if b["nama"] == "TOTAL")
            obs.penduduk[kec.nama] = (total["laki_laki"], total["perempuan"], total["jumlah"])
            obs.diperbarui = max(filter(None, [obs.diperbarui, body.get("diperbarui")]), default=None)
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        obs.galat = f"API belum menjawab: {exc}"
    if sebelumnya is not None and obs.waktu > sebelumnya.waktu and obs.galat is None:
        obs.laju = max(0.0, (obs.diterapkan - sebelumnya.diterapkan) / (obs.waktu - sebelumnya.waktu))
    return obs


def render(obs: Pengamatan, api_url: str) -> Panel:
    ringkas = Table.grid(padding=(0, 3))
    ringkas.add_row(
        "Event/detik",
        f"[bold]{obs.laju:,.0f}[/]",
        "Lag konsumen",
        f"{obs.masuk - obs.diterapkan - obs.dead_letter:,}",
    )
    ringkas.add_row(
        "Event diproses", f"{obs.diterapkan:,}", "Dead-letter (DLQ)", f"[red]{obs.dead_letter:,}[/]"
    )
    ringkas.add_row("Ditolak di API", f"{obs.ditolak_api:,}", "Terakhir diperbarui", obs.diperbarui or "-")
    tabel = Table(title="Penduduk hidup per kecamatan", expand=True)
    for kolom in ("Kecamatan", "Laki-laki", "Perempuan", "Jumlah"):
        tabel.add_column(kolom, justify="left" if kolom == "Kecamatan" else "right")
    total = [0, 0, 0]
    for nama, (lk, pr, n) in obs.penduduk.items():
        tabel.add_row(nama, f"{lk:,}", f"{pr:,}", f"{n:,}")
        total = [total[0] + lk, total[1] + pr, total[2] + n]
    tabel.add_row("[bold]Kota Bima[/]", *(f"[bold]{v:,}[/]" for v in total))
    isi: list[Any] = [ringkas, tabel]
    if obs.galat:
        isi.append(f"[yellow]{obs.galat}[/]")
    return Panel(
        Group(*isi),
        title="Satu Data Kota Bima — hub (mode lokal)",
        subtitle=f"API {api_url}/docs · Ctrl-C untuk berhenti",
    )
