"""``satudata bench panel``: latency of every dashboard panel's query at Kota Bima scale.

After the initial load of ``bench muat`` (same hub, same process), every ClickHouse target of every generated
dashboard (:func:`grafana.papan.semua_dasbor`) is expanded the way Grafana and the ClickHouse plugin expand it
(:mod:`grafana.ekspansi`, default time range: the last 30 days, as-of date today) and run on chdb for the city
("All"), every kecamatan and a sample of kelurahan, ``--ulang`` times each. A panel's p95 is over all its runs;
the target is p95 ≤ 100 ms per panel.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from grafana.ekspansi import SEMUA, Konteks, ekspansi
from grafana.papan import semua_dasbor
from satudata.cli.bench import (
    HubBench,
    catatan_hub,
    mesin,
    persentil,
    umumkan,
)
from satudata.cli.bench_muat import HasilMuat, baris_muat, setelah_muatan_awal
from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from satudata.wilayah import Tingkat, referensi_kota_bima

TARGET_MS = 100.0
INTERVAL_S = 1800  # Grafana's $__interval for 30 days on a ~1,400 px wide panel


@dataclass
class HasilPanel:
    muat: HasilMuat
    ulang: int
    kelurahan: list[str]
    per_panel: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    per_tingkat: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))


def _panels(model: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in model["panels"]:
        out += p.get("panels", []) if p["type"] == "row" else [p]
    return out


def pilihan(model: dict[str, Any], kel: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(level, selection): the city, each kecamatan, and the sampled kelurahan."""
    ref = referensi_kota_bima()
    kec = [w.kode for w in ref.semua(Tingkat.KECAMATAN)]
    nama = {v["name"] for v in model["templating"]["list"]}
    out: list[tuple[str, dict[str, Any]]] = []
    if "kecamatan" not in nama:
        return [("kota", {})]
    semua_kec = any(v["name"] == "kecamatan" and v.get("includeAll") for v in model["templating"]["list"])
    if semua_kec:
        out.append(("kota", {"kecamatan": SEMUA, "kelurahan": SEMUA}))
    out += [("kecamatan", {"kecamatan": [k], "kelurahan": SEMUA}) for k in kec]
    out += [("kelurahan", {"kecamatan": [k[:6]], "kelurahan": [k]}) for k in kel]
    return out


async def _opsi(gudang: Gudang, model: dict[str, Any], ctx: Konteks) -> dict[str, list[str]]:
    opsi: dict[str, list[str]] = {}
    for v in model["templating"]["list"]:
        if v["type"] == "query":
            q = ekspansi(v["query"], Konteks(ctx.dari, ctx.sampai, ctx.interval_detik, ctx.pilihan, opsi))
            opsi[v["name"]] = [str(r[0]) for r in await gudang.query(q)]
    return opsi


async def ukur_panel(
    hub: HubBench, muat: HasilMuat, console: Console, *, seed: int, n_kel: int, ulang: int
) -> HasilPanel:
    gudang = hub.gudang
    semua_kel = [w.kode for w in referensi_kota_bima().semua(Tingkat.KELURAHAN)]
    kel = sorted(random.Random(seed).sample(semua_kel, min(n_kel, len(semua_kel))))
    hasil = HasilPanel(muat, ulang, kel)
    sampai = dt.datetime.now(dt.UTC)
    dari = sampai - dt.timedelta(days=30)
    dasbor = semua_dasbor(hub.settings.clickhouse_database)
    kerja = []
    for _, model in dasbor:
        for tingkat, pil in pilihan(model, kel):
            ctx = Konteks(dari, sampai, INTERVAL_S, pil, {})
            ctx = Konteks(dari, sampai, INTERVAL_S, pil, await _opsi(gudang, model, ctx))
            for p in _panels(model):
                for t in p.get("targets", []):
                    if "rawSql" in t:
                        kerja.append((model["title"], p["title"], tingkat, ekspansi(t["rawSql"], ctx)))
    with Progress(console=console, transient=True) as progress:
        tugas = progress.add_task("Kueri panel", total=len(kerja) * ulang)
        for dasbor_judul, panel_judul, tingkat, sql in kerja:
            await gudang.query(sql)  # warm-up, not counted
            for _ in range(ulang):
                t0 = time.perf_counter()
                await gudang.query(sql)
                ms = (time.perf_counter() - t0) * 1000
                hasil.per_panel[(dasbor_judul, panel_judul)].append(ms)
                hasil.per_tingkat[tingkat].append(ms)
                progress.advance(tugas)
    return hasil


def format_panel(h: HasilPanel, catatan: str, seed: int) -> str:
    p95 = {k: persentil(sorted(v), 95) for k, v in h.per_panel.items()}
    per_dasbor: dict[str, list[float]] = defaultdict(list)
    for (d, _), v in p95.items():
        per_dasbor[d].append(v)
    baris = [
        f"| {d} | {len(v)} | {persentil(sorted(v), 50):.1f} | {max(v):.1f} | {sum(x > TARGET_MS for x in v)} |"
        for d, v in per_dasbor.items()
    ]
    tingkat = [
        f"| {t} | {len(v):,} | {persentil(sorted(v), 50):.1f} | {persentil(sorted(v), 95):.1f} | {max(v):.1f} |"
        for t, v in h.per_tingkat.items()
    ]
    terburuk = sorted(p95.items(), key=lambda kv: -kv[1])[:10]
    lambat = sum(v > TARGET_MS for v in p95.values())
    verdict = "met" if not lambat else f"NOT met: {lambat} of {len(p95)} panels above {TARGET_MS:.0f} ms"
    return "\n".join([
        "", f"## Dashboard panel queries — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "",
        f"Machine: {mesin()}. {catatan} Seed {seed}. Load: {baris_muat(h.muat)[0][1]}.",
        f"Every ClickHouse target of every generated dashboard, expanded as Grafana does (last 30 days, as-of "
        f"today), run on chdb for the city, each kecamatan and {len(h.kelurahan)} sampled kelurahan, "
        f"{h.ulang}× each after one warm-up run. A panel's p95 is over all its runs.",
        f"**Target p95 ≤ {TARGET_MS:.0f} ms per panel: {verdict}.**", "",
        "| Dashboard | panels | median panel p95 (ms) | worst panel p95 (ms) | panels > target |",
        "|---|---:|---:|---:|---:|", *baris, "",
        "| Selection | queries | p50 (ms) | p95 (ms) | max (ms) |", "|---|---:|---:|---:|---:|", *tingkat, "",
        "Slowest panels (p95 ms): " + "; ".join(f"{d} / {p}: {v:.0f}" for (d, p), v in terburuk) + ".", "",
    ])  # fmt: skip


def bench_panel(
    settings: Settings, console: Console, *, skala: float, seed: int, workers: int, n_kelurahan: int, ulang: int,
    tulis: bool, keluaran: Path | None,
) -> HasilPanel:  # fmt: skip
    hasil = setelah_muatan_awal(
        settings, console,
        lambda hub, muat: ukur_panel(hub, muat, console, seed=seed, n_kel=n_kelurahan, ulang=ulang),
        skala=skala, seed=seed, workers=workers,
    )  # fmt: skip
    umumkan(
        format_panel(hasil, catatan_hub(settings, skala, workers), seed),
        console,
        tulis=tulis,
        keluaran=keluaran,
    )
    return hasil
