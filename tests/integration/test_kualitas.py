"""Data-quality figures end to end (API → Kafka → Faust → ClickHouse → ``GET /v1/kualitas-data``), with
hand-made records whose right answers are known: a missing agama, codes rejected at the edge, dead letters
(one of them ten days old), the same NIK in two kelurahan and twice in one, a KK head aged 8, a pregnant man
and every other impossible combination, next to residents just inside the rules, dead or deleted ones and a
kelurahan that sent nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import struct
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from satudata.avro import catalog, encode_body, frame
from satudata.kafka.topics import hub_topics
from satudata.kontribusi import KOLOM_PENDUDUK
from satudata.kualitas import ATURAN
from satudata.penduduk import SCHEMA_NAME
from satudata.perubahan import WITA
from satudata.settings import Settings
from tests.contoh_rekaman import perubahan
from tests.harness import Hub, running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

A, B, C = "5272011001", "5272051010", "5272011003"  # Paruga, a kelurahan of Mpunda, Sarae (like Paruga)
NAE = "5272011002"  # Rasanae Barat too: sends nothing
N1, N2, N3, N5 = "5272014101900001", "5272014101900002", "5272014101900003", "5272014101900005"
N6, N7, N8, N9 = "5272054101900006", "5272054101900007", "5272054101900008", "5272054101900009"
BIDANG = {**{slug: kolom for slug, (kolom, _) in KOLOM_PENDUDUK.items()}, "tanggal-lahir": "tanggallahir"}
NOL = dict.fromkeys((a.kode for a in ATURAN), 0)


def catatan(
    kel: str, rid: int, ts: str, nik: str | None = None, versi: int = 1, **data: Any
) -> dict[str, Any]:
    op = "delete" if nik is None else "create"
    image = None if nik is None else {"nik": nik, "nama": f"WARGA {rid}", "kode_kelurahan": kel, **data}
    return {"op": op, "kode_kelurahan": kel, "id": rid, "version": versi, "ts": ts, "data": image}


def data_uji(
    ts: str, per: dt.date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(residents of A, of B, records rejected at the edge); every resident living unless said otherwise."""

    def lahir(umur: int) -> str:
        return dt.date(per.year - umur, 1, 1).isoformat()  # exactly ``umur`` years old on per

    hidup = {"status_dasar": 1, "agama_id": 1}
    di_a = [
        catatan(A, 1, ts, N1, sex=2, tanggallahir=lahir(36), status_dasar=1),  # agama BELUM MENGISI
        catatan(A, 2, ts, N2, sex=1, tanggallahir=lahir(8), kk_level=1, **hidup),  # KK head aged 8
        catatan(A, 3, ts, N3, sex=1, tanggallahir=lahir(40), hamil=1, **hidup),  # a pregnant man
        catatan(A, 4, ts, N1, sex=2, tanggallahir=lahir(30), **hidup),  # N1 twice in A
        catatan(A, 5, ts, N5, sex=1, tanggallahir=lahir(10), kk_level=1, status_kawin=2, **hidup),  # 10: fine
    ]
    di_b = [
        catatan(B, 1, ts, N3, sex=2, tanggallahir=lahir(35), **hidup),  # N3 also in A
        catatan(B, 2, ts, N6, sex=2, tanggallahir=lahir(9), status_kawin=2, hamil=1, cara_kb_id=3, **hidup),
        catatan(B, 3, ts, N7, sex=2, tanggallahir=lahir(65), hamil=1, **hidup),
        catatan(B, 4, ts, N8, sex=1, tanggallahir=lahir(15), ktp_el=2, status_kawin=1, pendidikan_kk_id=8,
                **hidup),
        catatan(B, 5, ts, N9, sex=2, tanggallahir=lahir(16), ktp_el=2, status_kawin=2, pendidikan_kk_id=7,
                **hidup),  # married at 16 with a KTP-EL, diploma III: fine
        catatan(B, 6, ts, "0", sex=1, tanggallahir=lahir(5), cara_kb_id=100, ktp_el=3, **hidup),
        catatan(B, 7, ts, "0", sex=1, kk_level=1, **hidup),  # no birth date: no age rule; NIK "0" twice
        catatan(B, 8, ts, N1, sex=1, tanggallahir=lahir(5), kk_level=1, status_dasar=2, agama_id=1),  # dead
        catatan(B, 9, ts, N1, sex=1, tanggallahir=lahir(5), kk_level=1, **hidup),
        catatan(B, 9, ts, versi=2),  # ... deleted
    ]  # fmt: skip
    ditolak = [
        catatan(A, 6, ts, "5272014101900010", sex=1, agama_id=8, status_dasar=1),  # kode-di-luar-daftar
        catatan(A, 7, ts, "123", sex=1, status_dasar=1),  # nik-tidak-valid
        catatan("5272019999", 8, ts, "5272014101900011", status_dasar=1),  # no such kelurahan: in no row
    ]
    return di_a, di_b, ditolak


def belum_mengisi(rekaman: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Expected BELUM MENGISI per field among the living residents of ``rekaman`` (independent recount)."""
    terakhir = {r["id"]: r["data"] for r in rekaman}
    hidup = [d for d in terakhir.values() if d is not None and d.get("status_dasar") == 1]
    out = {}
    for slug, kolom in BIDANG.items():
        n = sum(1 for d in hidup if d.get(kolom) is None)
        out[slug] = {"jumlah": n, "rasio": round(n / len(hidup), 4)}
    return out


def avro_kode_salah(schema_id: int, kel: str, now: dt.datetime) -> bytes:
    """A resident change with sex 7: decodes, then dead-letters as kode-di-luar-daftar."""
    image = {"id": 9, "nik": "0", "nama": "X", "kode_kelurahan": kel, "status_dasar": 1, "sex": 7}
    source = {"system": "uji", "kode_kelurahan": kel, "record_id": 9, "version": 1, "ts_ms": now}
    env = {
        "event_id": "e",
        "op": "create",
        "before": None,
        "after": image,
        "ingest_ts_ms": now,
        "source": source,
    }
    return frame(schema_id, encode_body(catalog().parsed(SCHEMA_NAME), env))


async def kualitas(hub: Hub, wilayah: str, per: dt.date, **params: Any) -> dict[str, Any]:
    r = await hub.client.get(
        "/v1/kualitas-data", params={"wilayah": wilayah, "per": per.isoformat(), **params}
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def per_kode(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["kode"]: b for b in body["baris"]}


async def test_data_quality_figures_per_kelurahan(settings: Settings, tmp_path: Path) -> None:
    wita = dt.datetime.now(WITA)
    if wita.time() >= dt.time(23, 55):  # every event must reach the hub on the day it was recorded
        await asyncio.sleep((dt.datetime.combine(wita.date(), dt.time(23, 59, 59), WITA) - wita).seconds + 2)
    now = dt.datetime.now(dt.UTC)
    per = now.astimezone(WITA).date()
    di_a, di_b, ditolak = data_uji(now.isoformat(), per)
    topics = hub_topics(settings)
    async with running_hub(settings, tmp_path / "logs") as hub:
        r = await hub.client.post("/v1/penduduk/events", json={"records": di_a + ditolak})
        assert r.status_code == 200 and (r.json()["diterima"], r.json()["ditolak"]) == (5, 3), r.text
        assert [h["kode_alasan"][0] for h in r.json()["hasil"][5:]] == [
            "kode-di-luar-daftar", "nik-tidak-valid", "kode-kelurahan-tidak-dikenal"]  # fmt: skip
        r = await hub.client.post("/v1/penduduk/events", json={"records": di_b})
        assert r.json()["diterima"] == len(di_b), r.text
        surat = perubahan("surat", id=1, version=1, ts=now.isoformat(), kode_kelurahan=B,
                          data={"kode_kelurahan": B, "tanggal": per.isoformat()})  # fmt: skip
        r = await hub.client.post("/v1/surat/events", json={"records": [surat]})
        assert r.json()["diterima"] == 1, r.text

        subject = f"{topics.penduduk.name}-value"
        schema_id = int((await hub.client.get(f"/registry/subjects/{subject}/versions/1")).json()["id"])
        lama = now - dt.timedelta(days=10)
        lama_ms = int(lama.timestamp() * 1000)
        producer = AIOKafkaProducer(bootstrap_servers=settings.bootstrap_servers, acks="all")
        await producer.start()
        try:  # a dead letter from C, sent ten days ago, and an unreadable message keyed to A, sent now
            await producer.send_and_wait(
                topics.penduduk.name,
                avro_kode_salah(schema_id, C, lama),
                key=f"{C}:9".encode(),
                timestamp_ms=lama_ms,
            )
            rusak = struct.pack(">bI", 0, schema_id) + b"\x02\xff\xff\xff"
            await producer.send_and_wait(topics.penduduk.name, rusak, key=f"{A}:99".encode())
        finally:
            await producer.stop()
        counts = await hub.wait_drained()
        aliran = counts["aliran"]
        assert isinstance(aliran, dict)
        assert aliran["alasan_dead_letter"] == {"kode-di-luar-daftar": 1, "avro-rusak": 1}
        sesudah = dt.datetime.now(dt.UTC)

        kota = await kualitas(hub, "5272", per)
        assert kota["per"] == per.isoformat() and kota["hari_aktif"] == 7
        assert kota["wilayah"]["tingkat"] == "kota" and len(kota["baris"]) == 42
        assert list(kota["aturan"]) == [a.kode for a in ATURAN] and list(kota["bidang"]) == list(BIDANG)
        baris = per_kode(kota)
        a, b, c, nae = baris[A], baris[B], baris[C], baris[NAE]

        # freshness
        assert a["aktif"] is True and b["aktif"] is True and c["aktif"] is False and nae["aktif"] is False
        assert now <= dt.datetime.fromisoformat(a["peristiwa_terakhir"]) <= sesudah
        assert a["peristiwa_terakhir"].endswith("+08:00")
        assert dt.datetime.fromisoformat(c["peristiwa_terakhir"]) == dt.datetime.fromtimestamp(
            lama_ms / 1000, dt.UTC
        )
        assert nae["peristiwa_terakhir"] is None
        assert (a["jumlah_event"], b["jumlah_event"], c["jumlah_event"], nae["jumlah_event"]) == (6, 11, 1, 0)
        assert [(x["jumlah_kelurahan"], x["kelurahan_aktif"], x["rasio_aktif"]) for x in (a, c)] == [
            (1, 1, 1.0), (1, 0, 0.0)]  # fmt: skip

        # BELUM MENGISI, from the aggregates
        assert (a["penduduk_hidup"], b["penduduk_hidup"], c["penduduk_hidup"]) == (5, 7, 0)
        assert a["belum_mengisi"] == belum_mengisi(di_a) and b["belum_mengisi"] == belum_mengisi(di_b)
        assert a["belum_mengisi"]["agama"] == {"jumlah": 1, "rasio": 0.2}
        assert a["belum_mengisi"]["hubungan-dalam-kk"] == {"jumlah": 3, "rasio": 0.6}
        assert b["belum_mengisi"]["tanggal-lahir"] == {"jumlah": 1, "rasio": round(1 / 7, 4)}
        assert b["belum_mengisi"]["agama"] == {"jumlah": 0, "rasio": 0.0}
        assert c["belum_mengisi"]["agama"] == {"jumlah": 0, "rasio": 0.0}

        # rejected at the edge, dead-lettered in the stream
        assert a["ditolak"] == {"kode-di-luar-daftar": 1, "nik-tidak-valid": 1} and b["ditolak"] == {}
        assert a["dead_letter"] == {"avro-rusak": 1} and c["dead_letter"] == {"kode-di-luar-daftar": 1}
        assert (a["kode_tidak_valid"], b["kode_tidak_valid"], c["kode_tidak_valid"]) == (1, 0, 1)
        assert (b["dead_letter"], c["ditolak"], nae["dead_letter"], nae["ditolak"]) == ({}, {}, {}, {})

        # duplicate NIK pseudonyms: N3 in A and B, N1 twice in A (the dead and the deleted N1 in B do not count)
        assert (a["nik_ganda"], a["nik_ganda_dalam"]) == (1, 2)
        assert (b["nik_ganda"], b["nik_ganda_dalam"]) == (1, 0)  # NIK "0" twice is no duplicate

        # impossible combinations
        assert a["kombinasi_mustahil"] == NOL | {"kepala-keluarga-di-bawah-10": 1, "hamil-laki-laki": 1}
        assert b["kombinasi_mustahil"] == NOL | {
            "kawin-di-bawah-10": 1,
            "hamil-umur-tidak-wajar": 2,
            "kb-di-bawah-10": 1,
            "ktp-el-di-bawah-17-belum-kawin": 1,
            "pendidikan-tinggi-di-bawah-18": 1,
        }
        assert c["kombinasi_mustahil"] == NOL == nae["kombinasi_mustahil"]
        assert (nae["penduduk_hidup"], nae["nik_ganda"], nae["jumlah_event"]) == (0, 0, 0)

        # the kota summary: sums of its 41 kelurahan (the rejection without a known kelurahan is in none)
        ringkasan = kota["baris"][-1]
        assert (ringkasan["jenis"], ringkasan["kode"], ringkasan["aktif"]) == ("ringkasan", "5272", None)
        assert (ringkasan["jumlah_kelurahan"], ringkasan["kelurahan_aktif"]) == (41, 2)
        assert ringkasan["rasio_aktif"] == round(2 / 41, 4)
        terakhir = max(dt.datetime.fromisoformat(x["peristiwa_terakhir"]) for x in (a, b))
        assert dt.datetime.fromisoformat(ringkasan["peristiwa_terakhir"]) == terakhir
        assert (ringkasan["jumlah_event"], ringkasan["penduduk_hidup"]) == (18, 12)
        assert ringkasan["belum_mengisi"]["agama"] == {"jumlah": 1, "rasio": round(1 / 12, 4)}
        assert ringkasan["ditolak"] == {"kode-di-luar-daftar": 1, "nik-tidak-valid": 1}
        assert ringkasan["dead_letter"] == {"avro-rusak": 1, "kode-di-luar-daftar": 1}
        assert ringkasan["kode_tidak_valid"] == 2
        assert (ringkasan["nik_ganda"], ringkasan["nik_ganda_dalam"]) == (2, 2)
        assert ringkasan["kombinasi_mustahil"] == {
            k: a["kombinasi_mustahil"][k] + b["kombinasi_mustahil"][k] for k in NOL
        }
        sepi = [x for x in kota["baris"][:-1] if x["kode"] not in (A, B, C)]
        assert len(sepi) == 38 and all(x["jumlah_event"] == 0 and x["aktif"] is False for x in sepi)

        # a kecamatan: its six kelurahan and its summary
        kec = await kualitas(hub, "52.72.01", per)
        assert [x["kode"] for x in kec["baris"]] == [
            "5272011001", "5272011002", "5272011003", "5272011004", "5272011013", "5272011014", "527201"]  # fmt: skip
        assert per_kode(kec)[A] == a and per_kode(kec)[C] == c
        r_kec = kec["baris"][-1]
        assert (r_kec["kelurahan_aktif"], r_kec["rasio_aktif"], r_kec["jumlah_event"]) == (1, 0.1667, 7)
        assert (r_kec["nik_ganda"], r_kec["kode_tidak_valid"], r_kec["penduduk_hidup"]) == (1, 2, 5)

        # one kelurahan: one row; the duplicate in B (outside the wilayah asked) still counts
        (satu,) = (await kualitas(hub, A, per))["baris"]
        assert satu == a

        # the activity window
        assert per_kode(await kualitas(hub, C, per, hari_aktif=10))[C]["aktif"] is False
        assert per_kode(await kualitas(hub, C, per, hari_aktif=11))[C]["aktif"] is True

        # as of a month earlier nothing had arrived yet
        dulu = (await kualitas(hub, "5272", per - dt.timedelta(days=30)))["baris"][-1]
        assert (dulu["jumlah_event"], dulu["kelurahan_aktif"], dulu["penduduk_hidup"]) == (0, 0, 0)
        assert (dulu["ditolak"], dulu["dead_letter"], dulu["nik_ganda"], dulu["kombinasi_mustahil"]) == (
            {}, {}, 0, NOL)  # fmt: skip

        # CSV: one column per figure
        r = await hub.client.get("/v1/kualitas-data", params={"wilayah": "527201", "per": per.isoformat(),
                                                              "format": "csv"})  # fmt: skip
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert f"kualitas-data_527201_{per.isoformat()}.csv" in r.headers["content-disposition"]
        header, *rows = [line.split(",") for line in r.text.strip().splitlines()]
        assert len(rows) == 7
        paruga = dict(zip(header, rows[0], strict=True))
        assert (paruga["kode"], paruga["aktif"], paruga["belum_mengisi_agama"]) == (A, "1", "1")
        assert paruga["rasio_belum_mengisi_agama"] == "0.2"
        assert (paruga["ditolak_kode_di_luar_daftar"], paruga["dead_letter_avro_rusak"]) == ("1", "1")
        assert (paruga["nik_ganda"], paruga["mustahil_hamil_laki_laki"], paruga["kode_tidak_valid"]) == (
            "1",
            "1",
            "1",
        )

        # bad requests
        assert (
            await hub.client.get("/v1/kualitas-data", params={"wilayah": "5272019999"})
        ).status_code == 404
        assert (await hub.client.get("/v1/kualitas-data", params={"hari_aktif": 0})).status_code == 422
