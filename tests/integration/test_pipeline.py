"""End to end on the real Kafka and chdb: simulated kelurahan changes through the API, the Faust worker and the
ClickHouse sink must equal an independent recount from the final states, for every category and level."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from connectors.simulator.penerima import kirim_ke_api
from connectors.simulator.perubahan import GeneratorPerubahan
from connectors.simulator.populasi import buat_populasi
from connectors.simulator.rekaman import keadaan_akhir_semua, snapshot
from satudata.kafka.topics import hub_topics
from satudata.penduduk import WITA
from satudata.settings import Settings
from satudata.statistik import KATEGORI
from satudata.wilayah import Tingkat, referensi_kota_bima
from tests.harness import Hub, running_hub
from tests.recount import hitung_ulang, rollup

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ACUAN = dt.datetime.now(WITA).date() + dt.timedelta(days=1)  # the date asked: after every simulated change
POPULASI = ACUAN - dt.timedelta(days=4)  # the snapshot's date, before the simulated changes


def simulated_stream(seed: int, skala: float, changes: int) -> tuple[list[dict[str, Any]], Counter[Any]]:
    pop = buat_populasi(seed, skala, POPULASI)
    records = list(snapshot(pop))
    mulai = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    # one change a second on average: the whole stream lies in the past, as the API demands
    records += list(GeneratorPerubahan(pop, seed + 1, mulai, jeda=dt.timedelta(seconds=1)).aliran(changes))
    semua = keadaan_akhir_semua(pop, STOK)
    return records, hitung_ulang({j: [[(dt.date.min, c)] for c in semua[j].values()] for j in STOK}, ACUAN)


STOK = ("penduduk", "keluarga", "bantuan-peserta")
KATEGORI_KODE = ("jenis-kelamin", "agama", "pendidikan-dalam-kk", "pekerjaan", "status-perkawinan")


async def clickhouse_counts(hub: Hub) -> Counter[tuple[str, str, str, int]]:
    """Current stocks of the code categories straight from agregat_harian (every day summed)."""
    rows = await hub.gudang.query(
        "SELECT kode_kelurahan, kategori, kode, jenis_kelamin, toInt64(sum(jumlah)) "
        "FROM {db}.agregat_harian FINAL WHERE has({k:Array(String)}, kategori) "
        "GROUP BY kode_kelurahan, kategori, kode, jenis_kelamin HAVING sum(jumlah) != 0",
        {"k": list(KATEGORI_KODE)},
    )
    return Counter({(r[0], r[1], r[2], int(r[3])): int(r[4]) for r in rows})


def tanpa_umur(counts: Counter[tuple[str, str, str, int]]) -> Counter[tuple[str, str, str, int]]:
    return Counter({k: n for k, n in counts.items() if k[1] in KATEGORI_KODE and n})


async def assert_api_matches(hub: Hub, expected: Counter[Any]) -> None:
    ref = referensi_kota_bima()
    wilayah = [ref.kota, *ref.semua(Tingkat.KECAMATAN), *ref.semua(Tingkat.KELURAHAN)]
    # every stock category; bantuan rows are programme names in the API and ids in the recount
    for kategori in (k.slug for k in KATEGORI.values() if not k.aliran and k.slug != "bantuan"):
        for w in wilayah:
            r = await hub.client.get(
                f"/v1/statistik/{kategori}", params={"wilayah": w.kode_bertitik, "per": ACUAN.isoformat()}
            )
            assert r.status_code == 200, r.text
            body = r.json()
            want = rollup(expected, w.kode, kategori)
            total = sum(want.values())
            rows = {b["kode"]: b for b in body["baris"] if b["jenis"] == "kode"}
            summary = {b["nama"]: b for b in body["baris"] if b["jenis"] == "ringkasan"}
            for kode, row in rows.items():
                assert row["laki_laki"] == want[(kode, 1)], (kategori, w.kode, kode)
                assert row["perempuan"] == want[(kode, 2)], (kategori, w.kode, kode)
                assert row["jumlah"] == want[(kode, 0)] + want[(kode, 1)] + want[(kode, 2)]
            belum = sum(n for (kode, _), n in want.items() if kode == "")
            assert summary["TOTAL"]["jumlah"] == total
            assert summary["BELUM MENGISI"]["jumlah"] == belum
            assert summary["JUMLAH"]["jumlah"] + belum == total


async def test_stream_equals_recount_for_every_category_and_level(settings: Settings, tmp_path: Path) -> None:
    settings = settings.model_copy(update={"tanggal_acuan": ACUAN})
    records, expected = simulated_stream(seed=11, skala=0.03, changes=4000)
    async with running_hub(settings, tmp_path / "logs") as hub:
        sent = await kirim_ke_api(records, hub.url, batch=2000)
        assert sent.ditolak == 0, sent.alasan_penolakan
        counts = await hub.wait_drained()
        assert await clickhouse_counts(hub) == tanpa_umur(expected)
        await assert_api_matches(hub, expected)
    aliran, ingest = counts["aliran"], counts["ingest"]
    assert isinstance(aliran, dict) and isinstance(ingest, dict)
    assert aliran["masuk"] == len(records) == ingest["diterima"]
    assert aliran["diterapkan"] + aliran["dead_letter"] == aliran["masuk"]
    assert aliran["dead_letter"] == 0
    assert hub_topics(settings).penduduk.partitions == 4
