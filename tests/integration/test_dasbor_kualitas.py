"""The data-quality board gives ``GET /v1/kualitas-data``'s figures for the same wilayah and date.

The hand-made data of :mod:`tests.integration.test_kualitas` (whose right answers that test checks against
the API) goes through the real pipeline; then every panel of the board is expanded as Grafana would expand it
(:mod:`grafana.ekspansi`) for the kota, one kecamatan and one kelurahan, run on ClickHouse and compared with the
API's rows — and no panel may show a NIK or a name.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import struct
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from grafana import kualitas as papan
from grafana.ekspansi import SEMUA, Konteks, ekspansi
from grafana.papan import semua_dasbor
from satudata.kafka.topics import hub_topics
from satudata.kualitas import ATURAN, BIDANG, HARI_AKTIF, KODE_TIDAK_VALID, aktif, sql_aktif
from satudata.perubahan import WITA
from satudata.settings import Settings
from tests.harness import Hub, running_hub
from tests.integration.test_dasbor import opsi_variabel, panels
from tests.integration.test_kualitas import A, B, C, avro_kode_salah, data_uji, kualitas

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

Hasil = dict[str, list[dict[str, Any]]]  # panel title → rows as {column: value}


async def kirim(hub: Hub, settings: Settings, now: dt.datetime, per: dt.date) -> None:
    """test_kualitas's records: residents of A and B, rejections, a surat, and two dead letters (one from C,
    ten days old; one unreadable message keyed to A)."""
    di_a, di_b, ditolak = data_uji(now.isoformat(), per)
    for rekaman in (di_a + ditolak, di_b):
        r = await hub.client.post("/v1/penduduk/events", json={"records": rekaman})
        assert r.status_code == 200, r.text
    topik = hub_topics(settings).penduduk.name
    schema_id = int((await hub.client.get(f"/registry/subjects/{topik}-value/versions/1")).json()["id"])
    lama = now - dt.timedelta(days=10)
    producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topik, avro_kode_salah(schema_id, C, lama), key=f"{C}:9".encode(),
                                     timestamp_ms=int(lama.timestamp() * 1000))  # fmt: skip
        rusak = struct.pack(">bI", 0, schema_id) + b"\x02\xff\xff\xff"
        await producer.send_and_wait(topik, rusak, key=f"{A}:99".encode())
    finally:
        await producer.stop()
    await hub.wait_drained()


async def jalankan(hub: Hub, model: dict[str, Any], ctx: Konteks) -> Hasil:
    out: Hasil = {}
    for p in panels(model):
        for t in p.get("targets", []):
            kolom, _, baris = await hub.gudang.query_kolom(ekspansi(t["rawSql"], ctx))
            out[p["title"]] = [dict(zip(kolom, b, strict=True)) for b in baris]
    return out


def _ts(nilai: Any) -> float | None:
    if nilai is None:
        return None
    if isinstance(nilai, str):
        nilai = dt.datetime.fromisoformat(nilai)
    waktu: dt.datetime = nilai if nilai.tzinfo else nilai.replace(tzinfo=dt.UTC)
    return round(waktu.timestamp(), 3)


def per_kode(baris: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {b["Kode"]: b for b in baris}


def bandingkan(h: Hasil, api: list[dict[str, Any]], ringkasan: dict[str, Any]) -> None:
    """Every figure of the board against the API's kelurahan rows and summary row."""
    kel = {b["kode"]: b for b in api}
    (kartu_aktif,) = h["Kelurahan aktif"]
    assert (kartu_aktif["Aktif"], kartu_aktif["Kelurahan"]) == (
        ringkasan["kelurahan_aktif"], ringkasan["jumlah_kelurahan"])  # fmt: skip
    aktif = per_kode(h["Keaktifan kelurahan"])
    assert set(aktif) == set(kel)
    for kode, b in kel.items():
        x = aktif[kode]
        assert (x["Status"] == "Aktif", _ts(x["Data terakhir"]), x["Event diterima"]) == (
            b["aktif"], _ts(b["peristiwa_terakhir"]), b["jumlah_event"]), kode  # fmt: skip
        assert (x["Hari sejak data terakhir"] is None) == (b["peristiwa_terakhir"] is None), kode
    assert _ts(h["Data terakhir"][0]["Data terakhir"]) == _ts(ringkasan["peristiwa_terakhir"])

    # BELUM MENGISI: per field over the selection, per kelurahan and field, and over all fields
    judul = {k: j for k, (_, j) in BIDANG.items()}
    per_kolom = {b["Kolom"]: b for b in h["BELUM MENGISI per kolom"]}
    assert list(per_kolom) == list(judul.values())
    hidup = ringkasan["penduduk_hidup"]
    for k, j in judul.items():
        x, y = per_kolom[j], ringkasan["belum_mengisi"][k]
        assert (x["BELUM MENGISI"], x["Penduduk hidup"]) == (y["jumlah"], hidup), k
        assert x["Persen"] == pytest.approx(100 * y["rasio"], abs=1e-9), k
    assert [(b["Kolom"], b["Persen"]) for b in h["BELUM MENGISI per kolom (%)"]] == [
        (b["Kolom"], b["Persen"]) for b in h["BELUM MENGISI per kolom"]]  # fmt: skip
    kosong = sum(y["jumlah"] for y in ringkasan["belum_mengisi"].values())
    semua = round(100 * kosong / (len(BIDANG) * hidup), 2) if hidup else 0
    assert h["BELUM MENGISI"][0]["BELUM MENGISI"] == pytest.approx(semua, abs=1e-9)
    belum = per_kode(h["BELUM MENGISI per kelurahan (%)"])
    assert set(belum) == set(kel)
    for kode, b in kel.items():
        assert belum[kode]["Penduduk hidup"] == b["penduduk_hidup"], kode
        for k, j in judul.items():
            assert belum[kode][j] == pytest.approx(100 * b["belum_mengisi"][k]["rasio"], abs=1e-9), (kode, k)

    # rejections at the edge, dead letters, invalid codes
    assert h["Ditolak di API"][0]["Ditolak"] == sum(ringkasan["ditolak"].values())
    assert h["Dead letter"][0]["Dead letter"] == sum(ringkasan["dead_letter"].values())
    assert h["Kode tidak valid"][0]["Kode tidak valid"] == ringkasan["kode_tidak_valid"]
    alasan = {b["Alasan"]: b for b in h["Penolakan dan dead letter per alasan"]}
    assert KODE_TIDAK_VALID in alasan
    assert {a: b["Ditolak di API"] for a, b in alasan.items() if b["Ditolak di API"]} == ringkasan["ditolak"]
    assert {a: b["Dead letter"] for a, b in alasan.items() if b["Dead letter"]} == ringkasan["dead_letter"]
    tolak = per_kode(h["Penolakan dan dead letter per kelurahan"])
    assert set(tolak) == set(kel)
    for kode, b in kel.items():
        x = tolak[kode]
        assert (x["Ditolak di API"], x["Dead letter"]) == (
            sum(b["ditolak"].values()), sum(b["dead_letter"].values())), kode  # fmt: skip
        assert x["Kode tidak valid (API)"] + x["Kode tidak valid (aliran)"] == b["kode_tidak_valid"], kode
    seri = h["Penolakan dan dead letter per interval"]  # the range holds everything received
    assert sum(b["Ditolak di API"] for b in seri) == sum(ringkasan["ditolak"].values())
    assert sum(b["Dead letter"] for b in seri) == sum(ringkasan["dead_letter"].values())

    # duplicate NIK, impossible combinations
    (nik,) = h["NIK ganda"]
    assert (nik["Antar kelurahan"], nik["Dalam kelurahan"]) == (
        ringkasan["nik_ganda"],
        ringkasan["nik_ganda_dalam"],
    )
    ganda = per_kode(h["NIK ganda per kelurahan"])
    assert {k: (x["NIK juga di kelurahan lain"], x["NIK ganda dalam kelurahan"]) for k, x in ganda.items()} == {
        k: (b["nik_ganda"], b["nik_ganda_dalam"]) for k, b in kel.items()}  # fmt: skip
    assert h["Kombinasi mustahil"][0]["Kombinasi mustahil"] == sum(ringkasan["kombinasi_mustahil"].values())
    uraian = {a.uraian: a.kode for a in ATURAN}
    assert {uraian[b["Aturan"]]: b["Penduduk"] for b in h["Kombinasi mustahil per aturan"]} == ringkasan[
        "kombinasi_mustahil"]  # fmt: skip
    mustahil = per_kode(h["Kombinasi mustahil per kelurahan"])
    assert {k: {a.kode: x[a.kode] for a in ATURAN} for k, x in mustahil.items()} == {
        k: b["kombinasi_mustahil"] for k, b in kel.items()}  # fmt: skip
    assert all(x["Jumlah"] == sum(x[a.kode] for a in ATURAN) for x in mustahil.values())


async def aturan_aktif_sama(hub: Hub, per: dt.date) -> None:
    """The board's activity condition agrees with the API's at the edges of the window (WITA days)."""
    jam = ((0, 0), (7, 59), (8, 0), (23, 59))  # 08:00 WITA is midnight UTC
    hari = (-1, 0, 1, HARI_AKTIF - 1, HARI_AKTIF)
    waktu = [
        dt.datetime.combine(per - dt.timedelta(days=d), dt.time(j, m), WITA) for d in hari for j, m in jam
    ]
    tanggal = f"toDate('{per}')"
    kolom = [
        sql_aktif(f"fromUnixTimestamp64Milli({int(w.timestamp() * 1000)}, 'UTC')", tanggal) for w in waktu
    ]
    (hasil,) = await hub.gudang.query(f"SELECT {', '.join(kolom)}, {sql_aktif('NULL', tanggal)}")
    assert [bool(x) for x in hasil] == [aktif(w, per, HARI_AKTIF) for w in waktu] + [False]


def tanpa_data_pribadi(h: Hasil, rahasia: set[str]) -> None:
    for judul, baris in h.items():
        for b in baris:
            for v in b.values():
                assert not any(r in str(v) for r in rahasia), (judul, v)


async def test_board_equals_api(settings: Settings, tmp_path: Path) -> None:
    wita = dt.datetime.now(WITA)
    if wita.time() >= dt.time(23, 55):  # every event must reach the hub on the day it was recorded
        await asyncio.sleep((dt.datetime.combine(wita.date(), dt.time(23, 59, 59), WITA) - wita).seconds + 2)
    now = dt.datetime.now(dt.UTC)
    per = now.astimezone(WITA).date()
    sampai = dt.datetime.combine(per, dt.time(23, 59), WITA)  # the as-of date is per
    di_a, di_b, ditolak = data_uji(now.isoformat(), per)
    rahasia = {str(r["data"][k]) for r in di_a + di_b + ditolak if r["data"] for k in ("nik", "nama")}
    rahasia = {r for r in rahasia if len(r) > 3} | {"WARGA"}
    async with running_hub(settings, tmp_path / "logs") as hub:
        await kirim(hub, settings, now, per)
        model = next(m for _, m in semua_dasbor(settings.clickhouse_database) if m["uid"] == papan.UID)
        kota = await kualitas(hub, "5272", per)
        baris_a = {b["kode"]: b for b in kota["baris"]}
        assert (baris_a[A]["aktif"], baris_a[B]["aktif"], baris_a[C]["aktif"]) == (True, True, False)
        assert kota["baris"][-1]["kode_tidak_valid"] == 2 and kota["baris"][-1]["nik_ganda"] == 2
        await aturan_aktif_sama(hub, per)
        for wilayah, pilihan in (
            ("5272", {"kecamatan": SEMUA, "kelurahan": SEMUA}),
            ("527201", {"kecamatan": ["527201"], "kelurahan": SEMUA}),
            (A, {"kecamatan": ["527201"], "kelurahan": [A]}),
        ):
            api = (await kualitas(hub, wilayah, per))["baris"]
            kel, ringkasan = (api, api[0]) if wilayah == A else (api[:-1], api[-1])
            ctx = Konteks(sampai - dt.timedelta(days=30), sampai, 3600, pilihan,
                          await opsi_variabel(hub, model, pilihan))  # fmt: skip
            h = await jalankan(hub, model, ctx)
            bandingkan(h, kel, ringkasan)
            tanpa_data_pribadi(h, rahasia)
