"""Ingest of every record type through the API: ``POST /v1/{jenis}/events`` publishes valid changes to the
type's own source topic (Avro, registered under ``<topic>-value``) and rejects invalid ones with reasons."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer

from api.server import api_in_process
from satudata.jenis import JENIS
from satudata.kafka.topics import hub_topics
from satudata.perubahan import WITA
from satudata.serde import AvroSerde
from satudata.settings import Settings
from tests.contoh_rekaman import perubahan

pytestmark = pytest.mark.integration

# One invalid image per record type, with the reason the API must give.
BURUK: dict[str, tuple[str, dict[str, Any]]] = {
    "penduduk": ("nik-tidak-valid", {"nik": "123"}),
    "keluarga": ("no-kk-tidak-valid", {"no_kk": "KK-1"}),
    "peristiwa": ("urutan-tanggal-tidak-valid", {"tgl_lapor": "2026-06-01"}),
    "peristiwa-keluarga": ("kode-di-luar-daftar", {"id_peristiwa": 7}),
    "bantuan-program": ("kode-di-luar-daftar", {"asaldana": "APBN"}),
    "bantuan-peserta": ("peserta-tidak-valid", {"peserta": "bukan NIK"}),
    "surat": ("tipe-tidak-valid", {"tte": "mungkin"}),
}


async def _baca(settings: Settings, topic: str, n: int, timeout: float = 20.0) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    pesan: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        while len(pesan) < n and time.monotonic() < deadline:
            got = await consumer.getmany(timeout_ms=1000)
            pesan += [m for ms in got.values() for m in ms]
    finally:
        await consumer.stop()
    return pesan


async def test_every_record_type_is_ingested_to_its_own_topic(settings: Settings) -> None:
    sekarang = dt.datetime.now(dt.UTC)
    berlaku = sekarang.astimezone(WITA).date() - dt.timedelta(days=3)
    topics = hub_topics(settings)
    async with (
        api_in_process(settings) as app,
        httpx.AsyncClient(base_url=settings.api_url, timeout=60) as client,
    ):
        for nama in JENIS:
            kode, data = BURUK[nama]
            body = [
                perubahan(
                    nama, id=11, ts=sekarang.isoformat(), berlaku=berlaku.isoformat(), event_id=f"ev-{nama}"
                ),
                perubahan(nama, id=12, ts=sekarang.isoformat(), data=data),
                perubahan(nama, id=13, ts=sekarang.isoformat(), data={"kode_kelurahan": "52.72.02.1004"}),
            ]
            r = await client.post(f"/v1/{nama}/events", json={"records": body})
            assert r.status_code == 200, r.text
            out = r.json()
            assert (out["diterima"], out["ditolak"]) == (1, 2), out
            assert out["hasil"][0] == {
                "indeks": 0,
                "status": "diterima",
                "event_id": f"ev-{nama}",
                "alasan": [],
                "kode_alasan": [],
            }
            assert out["hasil"][1]["kode_alasan"] == [kode] and out["hasil"][1]["alasan"][0]
            assert out["hasil"][2]["kode_alasan"] == ["kode-kelurahan-tidak-cocok"]

        serde = AvroSerde(settings.registry_url)
        for nama, jenis in JENIS.items():
            topic = topics.sumber[nama].name
            pesan = await _baca(settings, topic, 1)
            assert len(pesan) == 1, (nama, pesan)
            m = pesan[0]
            assert m.key == b"5272011001:11"
            env = await serde.decode(m.value, jenis.schema_name)
            assert (env["event_id"], env["op"], env["berlaku"]) == (f"ev-{nama}", "create", berlaku)
            assert env["source"]["kode_kelurahan"] == "5272011001" and env["source"]["record_id"] == 11
            assert env["source"]["version"] == 3
            assert env["after"]["id"] == 11 and env["after"]["kode_kelurahan"] == "5272011001"
            versi = await client.get(f"/registry/subjects/{topic}-value/versions/latest")
            assert versi.status_code == 200 and versi.json()["subject"] == f"{topic}-value"
            assert f'"name":"{jenis.schema_name.rsplit(".", 1)[1]}"' in versi.json()["schema"]

        rows = await app.state.gudang.query(
            "SELECT jenis, alasan, toInt64(sum(jumlah)) FROM {db}.ingest_log FINAL GROUP BY jenis, alasan"
        )
        per_jenis: dict[str, dict[str, int]] = {}
        for jenis_nama, alasan, n in rows:
            per_jenis.setdefault(str(jenis_nama), {})[str(alasan)] = int(n)
        assert per_jenis == {
            nama: {"": 1, BURUK[nama][0]: 1} | {"kode-kelurahan-tidak-cocok": 1} for nama in JENIS
        }

        rusak = await client.post(
            "/v1/keluarga/events", content=b'{"records": [', headers={"content-type": "application/json"}
        )
        assert rusak.status_code == 422 and rusak.json()["detail"] == "badan permintaan bukan JSON yang valid"
        besar = await client.post("/v1/surat/events", json={"records": [perubahan("surat")] * 5001})
        assert besar.status_code == 413 and "maksimal 5000" in besar.json()["detail"]
        assert (await client.post("/v1/desa/events", json={"records": []})).status_code == 404

        openapi = (await client.get("/openapi.json")).json()
        for nama, jenis in JENIS.items():
            op = openapi["paths"][f"/v1/{nama}/events"]["post"]
            assert op["summary"].startswith("Kirim perubahan data") and jenis.tabel in op["description"]

        await app.state.publishers.stop()  # the broker can no longer be reached through the producer
        gagal = await client.post(
            "/v1/surat/events", json={"records": [perubahan("surat", id=21, ts=sekarang.isoformat())]}
        )
        assert gagal.status_code == 503 and "kirim ulang" in gagal.json()["detail"]
