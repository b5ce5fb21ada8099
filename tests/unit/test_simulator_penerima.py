"""Sinks of the simulator (the ingest API, Kafka publishers) and the ``satudata simulate`` command, without a
broker: a stand-in hub and stand-in publishers."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from rich.console import Console

from connectors.simulator import (
    JENIS,
    WITA,
    GagalKirim,
    GeneratorPerubahan,
    Populasi,
    buat_populasi,
    kirim_ke_api,
    kirim_ke_kafka,
    snapshot,
)
from satudata.cli import simulasi
from satudata.settings import Settings

ACUAN = dt.date(2026, 6, 30)


def kecil(seed: int = 7) -> Populasi:
    return buat_populasi(seed, 0.05, ACUAN)


def hub_tiruan(gagal_dulu: int = 1, status_gagal: int = 503) -> tuple[FastAPI, list[int]]:
    """A tiny stand-in for the ingest endpoint, only to exercise the client — NOT the hub's real API.

    Fails the first ``gagal_dulu`` requests with ``status_gagal``, then rejects records whose id is a
    multiple of 7 and accepts the rest.
    """
    app = FastAPI()
    panggilan: list[int] = []

    @app.post("/v1/penduduk/events")
    async def terima(request: Request) -> JSONResponse:
        records = (await request.json())["records"]
        panggilan.append(len(records))
        if len(panggilan) <= gagal_dulu:
            return JSONResponse({"detail": "sibuk"}, status_code=status_gagal)
        hasil = [
            {"indeks": i, "status": "ditolak", "alasan": ["id kelipatan tujuh"]} if r["id"] % 7 == 0
            else {"indeks": i, "status": "diterima", "alasan": []}
            for i, r in enumerate(records)
        ]  # fmt: skip
        ditolak = sum(h["status"] == "ditolak" for h in hasil)
        return JSONResponse({"diterima": len(records) - ditolak, "ditolak": ditolak, "hasil": hasil})

    return app, panggilan


async def test_kirim_ke_api_menghitung_dan_mengulang_503() -> None:
    app, panggilan = hub_tiruan(gagal_dulu=1)
    records = list(snapshot(kecil()))[:2500]
    progres: list[tuple[int, int]] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        hasil = await kirim_ke_api(
            iter(records), "http://hub/", batch=1000, client=client, jeda_ulang=0.01,
            progress=lambda a, b: progres.append((a, b)),
        )  # fmt: skip
    ditolak = sum(r["id"] % 7 == 0 for r in records)
    assert (hasil.dikirim, hasil.diterima, hasil.ditolak) == (2500, 2500 - ditolak, ditolak)
    assert hasil.alasan_penolakan == Counter({"id kelipatan tujuh": ditolak})
    assert panggilan == [1000, 1000, 1000, 500]  # the first batch twice: once 503, once accepted
    assert progres[-1] == (2500, 2500 - ditolak) and len(progres) == 3


async def test_kirim_ke_api_menyerah_setelah_percobaan_habis() -> None:
    app, panggilan = hub_tiruan(gagal_dulu=99)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        with pytest.raises(GagalKirim, match="5 percobaan"):
            await kirim_ke_api(list(snapshot(kecil()))[:10], "http://hub", client=client, jeda_ulang=0.001)
    assert len(panggilan) == 5
    app, panggilan = hub_tiruan(gagal_dulu=1, status_gagal=422)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        with pytest.raises(GagalKirim, match="HTTP 422"):
            await kirim_ke_api(list(snapshot(kecil()))[:10], "http://hub", client=client)
    assert len(panggilan) == 1
    with pytest.raises(ValueError):
        await kirim_ke_api([], "http://hub", batch=5001)


async def test_kirim_ke_kafka_dan_laju() -> None:
    class PenerbitSatu:
        def __init__(self) -> None:
            self.batch: list[int] = []

        async def publish(self, records: list[dict[str, Any]]) -> int:
            self.batch.append(len(records))
            return len(records) - sum(1 for r in records if r["id"] % 10 == 0)

    penerbit = PenerbitSatu()
    records = list(snapshot(kecil()))[:300]
    awal = time.perf_counter()
    hasil = await kirim_ke_kafka(records, penerbit, batch=50, laju=1000)
    lama = time.perf_counter() - awal
    ditolak = sum(r["id"] % 10 == 0 for r in records)
    assert penerbit.batch == [50] * 6
    assert (hasil.dikirim, hasil.diterima, hasil.ditolak) == (300, 300 - ditolak, ditolak)
    assert lama >= 0.24  # 250 records had to wait for the pace of 1000/s before the last batch


def campuran(n: int = 6000) -> list[dict[str, Any]]:
    """Snapshot records of every type, then a stream with duplicates and reorders."""
    pop = buat_populasi(3, 0.02, ACUAN)
    awal = list(snapshot(pop))
    gen = GeneratorPerubahan(pop, 3, dt.datetime(2026, 7, 1, 8, tzinfo=WITA), duplikat=0.05, acak_urutan=0.05)
    return awal[::10] + list(gen.aliran(n))


def hub_semua_jenis() -> tuple[FastAPI, list[tuple[str, list[dict[str, Any]]]]]:
    """A stand-in hub with an ingest endpoint per record type; accepts all but records of id 3."""
    app = FastAPI()
    diterima: list[tuple[str, list[dict[str, Any]]]] = []

    @app.post("/v1/{jenis}/events")
    async def terima(jenis: str, request: Request) -> JSONResponse:
        records = (await request.json())["records"]
        if jenis not in JENIS:
            return JSONResponse({"detail": "tidak ada"}, status_code=404)
        diterima.append((jenis, records))
        hasil = [{"indeks": i, "status": "ditolak" if r["id"] == 3 else "diterima", "alasan": ["tiga"]}
                 for i, r in enumerate(records)]  # fmt: skip
        ditolak = sum(h["status"] == "ditolak" for h in hasil)
        return JSONResponse({"diterima": len(records) - ditolak, "ditolak": ditolak, "hasil": hasil})

    return app, diterima


def urutan_per_kunci(records: list[dict[str, Any]]) -> dict[tuple[str, str, int], list[str]]:
    hasil: dict[tuple[str, str, int], list[str]] = {}
    for r in records:
        hasil.setdefault((r.get("jenis", "penduduk"), r["kode_kelurahan"], r["id"]), []).append(r["event_id"])
    return hasil


async def test_kirim_ke_api_per_jenis_menjaga_urutan_per_kunci() -> None:
    app, diterima = hub_semua_jenis()
    records = campuran()
    records[0] = {k: v for k, v in records[0].items() if k != "jenis"}  # no "jenis": a resident
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        hasil = await kirim_ke_api(records, "http://hub", batch=700, client=client)
    assert all(r.get("jenis", "penduduk") == jenis for jenis, batch in diterima for r in batch)
    assert "jenis" not in diterima[0][1][0]
    assert {jenis for jenis, _ in diterima} == set(JENIS)
    terkirim = [r for _, batch in diterima for r in batch]
    assert urutan_per_kunci(terkirim) == urutan_per_kunci(records)
    jenis = Counter(r.get("jenis", "penduduk") for r in records)
    assert hasil.dikirim_per_jenis == jenis and hasil.dikirim == len(records)
    ditolak = Counter(r.get("jenis", "penduduk") for r in records if r["id"] == 3)
    assert hasil.diterima_per_jenis == jenis - ditolak and hasil.ditolak == ditolak.total()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub") as client:
        with pytest.raises(GagalKirim, match="jenis record tidak dikenal"):
            await kirim_ke_api([{**records[1], "jenis": "kartu"}], "http://hub", client=client)


class PenerbitPalsu:
    def __init__(self, tolak: int = 0) -> None:
        self.records: list[dict[str, Any]] = []
        self.tolak = tolak

    async def publish(self, records: list[dict[str, Any]]) -> int:
        self.records += records
        return len(records) - sum(1 for r in records if r["id"] == self.tolak)


async def test_kirim_ke_kafka_satu_penerbit_per_jenis() -> None:
    records = campuran(3000)
    penerbit = {jenis: PenerbitPalsu(tolak=3) for jenis in JENIS if jenis != "surat"}
    progres: list[tuple[int, int]] = []
    hasil = await kirim_ke_kafka(records, penerbit, batch=500, progress=lambda a, b: progres.append((a, b)))
    for jenis, p in penerbit.items():
        assert p.records == [r for r in records if r["jenis"] == jenis]
    surat = sum(r["jenis"] == "surat" for r in records)
    ditolak = sum(r["id"] == 3 and r["jenis"] != "surat" for r in records)
    assert (hasil.dikirim, hasil.ditolak) == (len(records), surat + ditolak)
    assert hasil.alasan_penolakan["tidak ada publisher untuk jenis surat"] == surat > 0
    assert hasil.diterima_per_jenis["surat"] == 0 and progres[-1] == (len(records), hasil.diterima)


async def test_perintah_simulate_menghitung_per_jenis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terkirim: list[dict[str, Any]] = []

    async def kirim_palsu(records: Any, *args: Any, **kwargs: Any) -> Any:
        penerbit = PenerbitPalsu()
        hasil = await kirim_ke_kafka(records, penerbit, batch=kwargs.get("batch", 1000))
        terkirim.extend(penerbit.records)
        return hasil

    monkeypatch.setattr(simulasi, "kirim_ke_api", kirim_palsu)
    settings = Settings(data_dir=tmp_path)
    console = Console(record=True, width=120)
    opsi: dict[str, Any] = {"laju": 500.0, "skala": 0.01, "seed": 4, "jumlah": 1200, "langsung_kafka": False}
    await simulasi.simulasikan(settings, console, lanjut=False, **opsi)
    snapshot_n = sum(r["op"] == "snapshot" for r in terkirim)
    assert {r["jenis"] for r in terkirim if r["op"] == "snapshot"} == set(JENIS)
    assert len(terkirim) - snapshot_n >= 1200
    keluaran = console.export_text()
    assert "Snapshot" in keluaran and "bantuan-peserta" in keluaran and "Selesai" in keluaran
    await simulasi.simulasikan(settings, console, lanjut=True, **{**opsi, "jumlah": 300})
    baru = terkirim[snapshot_n:]
    dibuat = {r["event_id"]: (r["jenis"], r["kode_kelurahan"], r["id"]) for r in baru if r["op"] == "create"}
    assert len(set(dibuat.values())) == len(dibuat)  # the continued stream carries on, never repeats a key
    assert "Melanjutkan simulasi" in console.export_text()
