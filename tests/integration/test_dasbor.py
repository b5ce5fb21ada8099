"""Every panel of every generated dashboard, run on ClickHouse (chdb) filled by the real pipeline.

Without a Grafana server, the test does what Grafana and the ClickHouse plugin do to each target's SQL
(:mod:`grafana.ekspansi`: ``$__conditionalAll``, the variables, the plugin's macros for a fixed time range) for
three selections — all kecamatan; one kecamatan with all its kelurahan; one kelurahan — and asserts that the
query runs, returns the columns the panel reads (a time column for time series, the bar chart's label column,
numbers for cards) and returns rows. The category tables must also equal ``/v1/statistik`` for the same
wilayah and date, and the laporan bulanan ``/v1/laporan-bulanan``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from connectors.simulator.penerima import kirim_ke_api
from grafana.ekspansi import SEMUA, Konteks, ekspansi
from grafana.papan import semua_dasbor
from satudata.kafka.topics import hub_topics
from satudata.penduduk import WITA
from satudata.settings import Settings
from satudata.statistik import KATEGORI
from satudata.wilayah import Tingkat, referensi_kota_bima
from tests.contoh_rekaman import perubahan
from tests.harness import Hub, running_hub
from tests.integration.test_pipeline import ACUAN, simulated_stream

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

SAMPAI = dt.datetime.combine(ACUAN, dt.time(12), WITA)  # the as-of date of every panel is ACUAN
DARI = SAMPAI - dt.timedelta(days=30)


async def kirim_data_kotor(hub: Hub) -> None:
    """What the quality and operations boards exist for: records rejected at the edge (wrong kelurahan, bad
    NIK), two undecodable messages (dead letters), one NIK in two kelurahan and a pregnant man."""
    ts = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    salah = [
        perubahan("penduduk", id=900_000 + i, ts=ts, data={"kode_kelurahan": "52.72.02.1004"})
        for i in range(3)
    ]
    salah.append(perubahan("penduduk", id=900_010, ts=ts, data={"nik": "123"}))
    ganda = {"nik": "5272014101909999", "sex": 2, "hamil": 1, "status_dasar": 1}
    kembar = [
        perubahan("penduduk", id=900_020, ts=ts, data=ganda),
        perubahan("penduduk", id=900_021, ts=ts, kode_kelurahan="5272051010",
                  data={**ganda, "kode_kelurahan": "5272051010", "sex": 1}),
    ]  # fmt: skip
    r = await hub.client.post("/v1/penduduk/events", json={"records": salah + kembar})
    assert r.status_code == 200 and r.json()["ditolak"] == len(salah), r.text
    producer = AIOKafkaProducer(bootstrap_servers=hub.settings.bootstrap_servers, acks="all")
    await producer.start()
    try:
        for i in range(2):
            await producer.send_and_wait(
                hub_topics(hub.settings).penduduk.name, b"bukan avro", key=b"5272011001:%d" % i
            )
    finally:
        await producer.stop()


def panels(model: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for p in model["panels"]:
        if p["type"] == "row":
            yield from p.get("panels", [])
        else:
            yield p


def konteks(pilihan: dict[str, Any], opsi: dict[str, list[str]]) -> Konteks:
    return Konteks(DARI, SAMPAI, 3600, pilihan, opsi)


async def opsi_variabel(hub: Hub, model: dict[str, Any], pilihan: dict[str, Any]) -> dict[str, list[str]]:
    """Run each query variable (in order, as Grafana does) and return its option values."""
    opsi: dict[str, list[str]] = {}
    for v in model["templating"]["list"]:
        if v["type"] != "query":
            continue
        sql = ekspansi(v["query"], Konteks(DARI, SAMPAI, 3600, pilihan, opsi))
        rows = await hub.gudang.query(sql)
        assert rows, f"variable {v['name']} has no options"
        opsi[v["name"]] = [str(r[0]) for r in rows]
    return opsi


def periksa_bentuk(panel: dict[str, Any], kolom: list[str], tipe: list[str]) -> None:
    judul = panel["title"]
    assert kolom and len(set(kolom)) == len(kolom), (judul, kolom)
    dasar = [t.removeprefix("Nullable(").removeprefix("LowCardinality(") for t in tipe]
    angka = [t for t in dasar if t.startswith(("Int", "UInt", "Float", "Decimal"))]
    if panel["type"] == "timeseries":
        assert dasar[0].startswith("DateTime"), (judul, tipe)
        assert len(angka) == len(tipe) - 1, (judul, tipe)
    elif panel["type"] == "barchart":
        x = panel["options"]["xField"]
        assert x in kolom and dasar[kolom.index(x)] == "String", (judul, kolom, tipe)
        assert len(angka) == len(tipe) - 1, (judul, tipe)
    elif panel["type"] == "stat":
        unit = panel["fieldConfig"]["defaults"].get("unit", "")
        if unit.startswith("dateTime"):
            assert any(t.startswith("DateTime") for t in dasar), (judul, tipe)
        else:
            assert angka, (judul, tipe)
    elif panel["type"] == "bargauge":
        assert "String" in dasar and angka, (judul, tipe)
    else:
        assert panel["type"] == "table", judul


async def test_every_panel_runs_on_pipeline_data(settings: Settings, tmp_path: Path) -> None:
    records, _ = simulated_stream(seed=21, skala=0.02, changes=3000)
    ref = referensi_kota_bima()
    kec = ref.semua(Tingkat.KECAMATAN)[1]
    kel = next(w for w in ref.semua(Tingkat.KELURAHAN) if w.induk == kec.kode)
    pilihan_semua: list[dict[str, Any]] = [
        {"kecamatan": SEMUA, "kelurahan": SEMUA},
        {"kecamatan": [kec.kode], "kelurahan": SEMUA},
        {"kecamatan": [kec.kode], "kelurahan": [kel.kode]},
    ]
    async with running_hub(settings, tmp_path / "logs") as hub:
        sent = await kirim_ke_api(records, hub.url, batch=2000)
        assert sent.ditolak == 0
        await kirim_data_kotor(hub)
        await hub.wait_drained()
        dasbor = semua_dasbor(settings.clickhouse_database)
        assert {k.nama for k, _ in dasbor} >= {"openkab", "opendk"}
        dijalankan = 0
        gagal: list[str] = []
        kosong: list[str] = []
        for _, model in dasbor:
            for pilihan in pilihan_semua:
                if model["uid"] == "opendk-kecamatan" and pilihan["kecamatan"] == SEMUA:
                    pilihan = {**pilihan, "kecamatan": [ref.semua(Tingkat.KECAMATAN)[0].kode]}
                opsi = await opsi_variabel(hub, model, pilihan)
                ctx = konteks(pilihan, opsi)
                for panel in panels(model):
                    for target in panel.get("targets", []):
                        if "rawSql" not in target:
                            continue
                        sql = ekspansi(target["rawSql"], ctx)
                        try:
                            kolom, tipe, baris = await hub.gudang.query_kolom(sql)
                        except Exception as e:
                            gagal.append(f"{model['uid']} / {panel['title']} / {pilihan}: {e}"[:600])
                            continue
                        periksa_bentuk(panel, kolom, tipe)
                        if not baris:
                            kosong.append(f"{model['uid']} / {panel['title']} / {pilihan}")
                        dijalankan += 1
        assert not gagal, f"{len(gagal)} failed:\n" + "\n".join(gagal[:6])
        assert not kosong, f"{len(kosong)} empty:\n" + "\n".join(kosong)
        assert dijalankan > 300
        await tables_equal_api(hub, [(None, pilihan_semua[0]), (kec.kode, pilihan_semua[1]),
                                     (kel.kode, pilihan_semua[2])])  # fmt: skip
        await operasional_equal_api(hub, pilihan_semua[0])


async def tables_equal_api(hub: Hub, wilayah: list[tuple[str | None, dict[str, Any]]]) -> None:
    """The OpenKab category tables and laporan bulanan give the API's figures for the same wilayah and date."""
    model = next(m for k, m in semua_dasbor(hub.settings.clickhouse_database) if m["uid"] == "openkab-kota")
    per_judul = {p["title"]: p for p in panels(model)}
    for kode, pilihan in wilayah:
        ctx = konteks(pilihan, await opsi_variabel(hub, model, pilihan))
        for kat in KATEGORI.values():
            sql = ekspansi(per_judul[f"{kat.judul} — tabel"]["targets"][0]["rawSql"], ctx)
            _, _, rows = await hub.gudang.query_kolom(sql)
            params = {"per": ACUAN.isoformat(), **({"wilayah": kode} if kode else {})}
            if kat.aliran:
                params["dari"] = DARI.astimezone(WITA).date().isoformat()
            r = await hub.client.get(f"/v1/statistik/{kat.slug}", params=params)
            assert r.status_code == 200, r.text
            api = [
                (b["nama"], b["laki_laki"], b["perempuan"], b["jumlah"], b["persen"])
                for b in r.json()["baris"]
            ]
            papan = [(str(x[1]), int(x[2]), int(x[4]), int(x[6]), float(x[7])) for x in rows]
            assert papan == api, (kat.slug, kode)
        sql = ekspansi(per_judul["Laporan bulanan penduduk"]["targets"][0]["rawSql"], ctx)
        _, _, rows = await hub.gudang.query_kolom(sql)
        params = {"tahun": str(ACUAN.year), "bulan": str(ACUAN.month), **({"wilayah": kode} if kode else {})}
        r = await hub.client.get("/v1/laporan-bulanan", params=params)
        assert r.status_code == 200, r.text
        api_l = [[b["nilai"][k] for k in ("wni_l", "wni_p", "wna_l", "wna_p", "l", "p", "jumlah", "kk_l", "kk_p",
                                          "kk_jumlah")] for b in r.json()["baris"]]  # fmt: skip
        assert [[int(v) for v in x[2:]] for x in rows] == api_l, kode
        assert any(any(v for v in baris) for baris in api_l[1:6]), "no vital events in the month: weak test"


async def operasional_equal_api(hub: Hub, semua: dict[str, Any]) -> None:
    """With every kelurahan and a range holding every event, the Operasional board's ClickHouse cards and tables
    give ``/v1/operasional/hitungan``; its events-per-second series add up to the events card."""
    model = next(
        m for k, m in semua_dasbor(hub.settings.clickhouse_database) if m["uid"] == "operasional-hub"
    )
    per_judul = {p["title"]: p for p in panels(model)}
    ctx = konteks(semua, await opsi_variabel(hub, model, semua))

    async def baris(judul: str) -> list[tuple[Any, ...]]:
        _, _, rows = await hub.gudang.query_kolom(ekspansi(per_judul[judul]["targets"][0]["rawSql"], ctx))
        return [tuple(r) for r in rows]

    r = await hub.client.get("/v1/operasional/hitungan")
    assert r.status_code == 200, r.text
    aliran, ingest = r.json()["aliran"], r.json()["ingest"]
    assert aliran["dead_letter"] > 0 and ingest["ditolak"] > 0, "no dirty data: weak test"
    kartu = {j: int((await baris(j))[0][0]) for j in ("Peristiwa diproses", "Diterapkan", "Dead letter",
                                                      "Ditolak di pintu masuk")}  # fmt: skip
    assert kartu == {
        "Peristiwa diproses": aliran["diterapkan"] + aliran["dead_letter"],
        "Diterapkan": aliran["diterapkan"],
        "Dead letter": aliran["dead_letter"],
        "Ditolak di pintu masuk": ingest["ditolak"],
    }
    proses = await baris("Hasil pemrosesan per topik dan alasan")
    assert sum(int(x[3]) for x in proses if x[1] == "diterapkan") == aliran["diterapkan"]
    dlq: dict[str, int] = {}
    for x in proses:
        if x[1] == "dead letter":
            dlq[str(x[2])] = dlq.get(str(x[2]), 0) + int(x[3])
    assert dlq == aliran["alasan_dead_letter"]
    hasil: dict[str, int] = {}
    for x in await baris("Hasil ingest per jenis dan alasan"):
        hasil[str(x[1])] = hasil.get(str(x[1]), 0) + int(x[2])
    assert hasil.pop("diterima") == ingest["diterima"] and hasil == ingest["alasan_penolakan"]
    laju = await baris("Peristiwa per detik per jenis — ClickHouse")
    assert (
        round(sum(float(v) for x in laju for v in x[1:]) * ctx.interval_detik) == kartu["Peristiwa diproses"]
    )
