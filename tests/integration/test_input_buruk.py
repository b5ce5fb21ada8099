"""Bad input: every rejection reason at the API edge, and every dead-letter path in the stream.

Nothing is lost: in = applied + rejected + dead-lettered, checked through the counts endpoint.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from satudata.avro import catalog, encode_body, frame
from satudata.kafka.topics import hub_topics
from satudata.penduduk import SCHEMA_NAME
from satudata.settings import Settings
from tests.harness import running_hub

pytestmark = pytest.mark.integration

NOW = dt.datetime.now(dt.UTC)


def change(**over: Any) -> dict[str, Any]:
    data = {
        "nik": "5272014101900001",
        "nama": "Siti Aminah",
        "sex": 2,
        "tanggallahir": "1990-01-01",
        "agama_id": 1,
        "status_dasar": 1,
    }
    extra = over.pop("data", {})
    base: dict[str, Any] = {
        "op": "create",
        "kode_kelurahan": "5272011001",
        "id": 7,
        "version": 1,
        "ts": NOW.isoformat(),
        "data": None if extra is None else data | extra,
    }
    return base | over


REJECTED: list[tuple[str, Any]] = [
    ("bukan-objek", ["bukan", "objek"]),
    ("op-tidak-valid", change(op="upsert")),
    ("kode-kelurahan-tidak-dikenal", change(kode_kelurahan="5272019999")),
    ("kode-kelurahan-tidak-dikenal", change(kode_kelurahan="52.72")),
    ("id-tidak-valid", change(id=0)),
    ("id-tidak-valid", change(id="7")),
    ("versi-tidak-valid", change(version=-1)),
    ("waktu-tidak-valid", change(ts="kemarin")),
    ("waktu-tidak-valid", change(ts="2026-01-01T10:00:00")),  # no time zone
    ("waktu-tidak-valid", change(ts=(NOW + dt.timedelta(days=1)).isoformat())),
    ("data-wajib", change(data=None)),
    (
        "event-id-tidak-valid",
        change(event_id=""),
    ),
    ("nik-tidak-valid", change(data={"nik": "52720141019000"})),
    ("nik-tidak-valid", change(data={"nik": "ABCDEFGHIJKLMNOP"})),
    ("nama-kosong", change(data={"nama": "  "})),
    ("no-kk-tidak-valid", change(data={"no_kk": "123"})),
    ("kode-kelurahan-tidak-cocok", change(data={"kode_kelurahan": "52.72.02.1004"})),
    ("tipe-tidak-valid", change(data={"rt": 1.5})),
    ("kode-di-luar-daftar", change(data={"sex": 3})),
    ("kode-di-luar-daftar", change(data={"agama_id": 8})),
    ("kode-di-luar-daftar", change(data={"pekerjaan_id": 90})),
    ("kode-di-luar-daftar", change(data={"status_dasar": 5})),
    ("kode-di-luar-daftar", change(data={"sex": "laki-laki"})),
    ("tanggal-lahir-tidak-wajar", change(data={"tanggallahir": "1899-12-31"})),
    (
        "tanggal-lahir-tidak-wajar",
        change(data={"tanggallahir": (NOW + dt.timedelta(days=2)).date().isoformat()}),
    ),
    ("tanggal-lahir-tidak-wajar", change(data={"tanggallahir": "31-12-1990"})),
]
ACCEPTED = [
    change(id=1),
    change(
        id=2, kode_kelurahan="52.72.05.1010", data={"nik": "0", "agama_id": "1"}
    ),  # dotted, "0", text code
    change(
        id=3, data={"nik": "0527201100100001", "sex": None, "tanggallahir": None}
    ),  # temporary NIK, BELUM MENGISI
    change(id=1, version=2, op="delete", data=None),
]


async def test_api_rejects_each_bad_record_with_a_reason(settings: Settings, tmp_path: Path) -> None:
    async with running_hub(settings, tmp_path / "logs", workers=0) as hub:
        body = [raw for _, raw in REJECTED] + ACCEPTED
        r = await hub.client.post("/v1/penduduk/events", json={"records": body})
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["ditolak"] == len(REJECTED) and out["diterima"] == len(ACCEPTED)
        for (kode, _), hasil in zip(REJECTED, out["hasil"], strict=False):
            assert hasil["status"] == "ditolak"
            assert kode in hasil["kode_alasan"], (kode, hasil)
            assert all(isinstance(a, str) and a for a in hasil["alasan"])
        assert all(h["status"] == "diterima" and h["event_id"] for h in out["hasil"][len(REJECTED) :])

        bad_json = await hub.client.post(
            "/v1/penduduk/events", content=b'{"records": [', headers={"content-type": "application/json"}
        )
        assert bad_json.status_code == 422
        assert bad_json.json()["detail"] == "badan permintaan bukan JSON yang valid"
        not_batch = await hub.client.post("/v1/penduduk/events", json=[change()])
        assert not_batch.status_code == 422 and "records" in not_batch.json()["detail"]
        too_big = await hub.client.post("/v1/penduduk/events", json={"records": [change()] * 5001})
        assert too_big.status_code == 413 and "maksimal 5000" in too_big.json()["detail"]

        counts = await hub.counts()
        ingest, aliran = counts["ingest"], counts["aliran"]
        assert isinstance(ingest, dict) and isinstance(aliran, dict)
        assert ingest == {
            "masuk": len(body),
            "diterima": len(ACCEPTED),
            "ditolak": len(REJECTED),
            "alasan_penolakan": ingest["alasan_penolakan"],
        }
        assert sum(ingest["alasan_penolakan"].values()) == len(REJECTED)
        assert aliran["masuk"] == len(ACCEPTED)  # only accepted records reached Kafka


def _avro_bytes(schema_id: int, sumber: str | None = None, **after: Any) -> bytes:
    image = {"id": 9, "nik": "0", "nama": "X", "kode_kelurahan": "5272011001", "status_dasar": 1} | after
    env = {
        "event_id": "e",
        "op": "create",
        "before": None,
        "after": image,
        "ingest_ts_ms": NOW,
        "source": {
            "system": "uji",
            "kode_kelurahan": sumber or image["kode_kelurahan"],
            "record_id": 9,
            "version": 1,
            "ts_ms": NOW,
        },
    }
    return frame(schema_id, encode_body(catalog().parsed(SCHEMA_NAME), env))


async def test_stream_dead_letters_what_it_cannot_process(settings: Settings, tmp_path: Path) -> None:
    topics = hub_topics(settings)
    async with running_hub(settings, tmp_path / "logs", workers=0) as hub:
        good = await hub.client.post("/v1/penduduk/events", json={"records": [change(id=9)]})
        assert good.json()["diterima"] == 1
        schema_id = int(
            (await hub.client.get(f"/registry/subjects/{topics.penduduk.name}-value/versions/1")).json()["id"]
        )
        bad: list[tuple[str, bytes, bytes | None]] = [
            ("format-bukan-confluent", b"5272011001:9", b'{"op": "create"}'),
            ("skema-tidak-dikenal", b"5272011001:9", struct.pack(">bI", 0, 99_999) + b"\x00"),
            ("avro-rusak", b"5272011001:9", struct.pack(">bI", 0, schema_id) + b"\x02\xff\xff\xff"),
            ("kode-di-luar-daftar", b"5272011001:9", _avro_bytes(schema_id, sex=7)),
            (
                "kode-kelurahan-tidak-dikenal",
                b"5272019999:9",
                _avro_bytes(schema_id, kode_kelurahan="5272019999"),
            ),
            ("kunci-tidak-cocok", b"5272011001:10", _avro_bytes(schema_id)),
            (
                "kode-kelurahan-tidak-cocok",
                b"5272011001:9",
                _avro_bytes(schema_id, sumber="5272011001", kode_kelurahan="5272021004"),
            ),
            ("pesan-kosong", b"5272011001:9", None),
        ]
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
        await producer.start()
        try:
            for _, key, value in bad:
                await producer.send_and_wait(topics.penduduk.name, value, key=key)
        finally:
            await producer.stop()
        hub.start_worker()
        counts = await hub.wait_drained()
        aliran = counts["aliran"]
        assert isinstance(aliran, dict)
        assert aliran["masuk"] == 1 + len(bad) == aliran["diterapkan"] + aliran["dead_letter"]
        assert aliran["dead_letter"] == len(bad)
        assert sorted(aliran["alasan_dead_letter"].items()) == sorted(
            {kode: sum(1 for k, _, _ in bad if k == kode) for kode, _, _ in bad}.items()
        )

        consumer = AIOKafkaConsumer(
            topics.dlq.name,
            bootstrap_servers=settings.bootstrap_servers,
            auto_offset_reset="earliest",
            group_id=None,
        )
        await consumer.start()
        try:
            got = await consumer.getmany(timeout_ms=10_000, max_records=100)
        finally:
            await consumer.stop()
        letters = [m for ms in got.values() for m in ms]
        assert len(letters) == len(bad)
        by_reason = {dict(m.headers)["satudata.alasan.kode"].decode(): m for m in letters}
        for kode, key, value in bad:
            m = by_reason[kode]
            assert m.key == key and m.value == value  # original bytes kept
            headers = dict(m.headers)
            assert headers["satudata.sumber.topik"].decode() == topics.penduduk.name
            assert headers["satudata.alasan"].decode()
        stat = (await hub.client.get("/v1/statistik/jenis-kelamin", params={"wilayah": "5272011001"})).json()
        assert next(b for b in stat["baris"] if b["nama"] == "TOTAL")["jumlah"] == 1
