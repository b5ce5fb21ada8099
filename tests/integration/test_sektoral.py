"""Sectoral indicators end to end (API → Kafka → Faust → ClickHouse → ``GET /v1/sektoral``), with hand-made
records whose right answers are known: a death reported late, families with and without a programme,
suppressed cells, CSV, and the errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from satudata.settings import Settings
from tests.harness import Hub, running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

A, B = "5272011001", "5272051010"  # Paruga (Rasanae Barat) and Matakando (Mpunda)


def ts(tanggal: str) -> str:
    return f"{tanggal}T09:00:00+08:00"


def rekaman(jenis: str, kel: str, rid: int, tanggal: str, versi: int = 1, **data: Any) -> dict[str, Any]:
    berlaku = data.pop("berlaku", None)
    rec = {"op": "create" if versi == 1 else "update", "kode_kelurahan": kel, "id": rid, "version": versi,
           "ts": ts(tanggal), "data": {"kode_kelurahan": kel, **data}, "jenis": jenis}  # fmt: skip
    if berlaku:
        rec["berlaku"] = berlaku
    return rec


def warga(kel: str, rid: int, tanggal: str, versi: int = 1, **data: Any) -> dict[str, Any]:
    nik = f"5272014101{rid:06d}"
    return rekaman(
        "penduduk", kel, rid, tanggal, versi, nik=nik, nama=f"WARGA {rid}", **{"status_dasar": 1, **data}
    )


ANAK: dict[str, Any] = {"tanggallahir": "2015-01-01"}
RECORDS = [
    # six girls with a birth certificate, six boys without, one more boy with one: he died on 5 March 2026,
    # reported on 2 April
    *(warga(A, i, "2026-01-10", sex=2, akta_lahir=f"AL-{i}", **ANAK) for i in range(1, 7)),
    *(warga(A, i, "2026-01-10", sex=1, akta_lahir="", **ANAK) for i in range(7, 13)),
    warga(A, 13, "2026-01-10", sex=1, akta_lahir="AL-13", **ANAK),
    warga(A, 13, "2026-04-02", versi=2, sex=1, akta_lahir="AL-13", berlaku="2026-03-05", **ANAK | {"status_dasar": 2}),
    warga(B, 1, "2026-01-10", sex=1, akta_lahir="AL-B1", **ANAK),
    # six Pra Sejahtera families; family 1 joins a programme on 1 February
    *(rekaman("keluarga", A, i, "2026-01-10", no_kk=f"5272010101{i:06d}", nik_kepala=i, kelas_sosial=1,
              status_dasar=1, jenis_kelamin_kepala=1) for i in range(1, 7)),
    rekaman("bantuan-peserta", A, 1, "2026-02-01", program_id=3, sasaran=2, peserta="5272010101000001",
            id_keluarga=1, jenis_kelamin=1),
]  # fmt: skip


async def kirim(hub: Hub, records: list[dict[str, Any]] = RECORDS) -> None:
    """Send each record on its own through the API (each must be accepted) and wait until drained."""
    for rec in records:
        rec = dict(rec)
        jenis = rec.pop("jenis")
        r = await hub.client.post(f"/v1/{jenis}/events", json={"records": [rec]})
        assert r.status_code == 200 and r.json()["diterima"] == 1, r.text
    counts = await hub.wait_drained()
    assert counts["aliran"]["dead_letter"] == 0  # type: ignore[index]


async def indikator(hub: Hub, sektor: str, kode: str, **params: str) -> dict[Any, Any]:
    r = await hub.client.get(f"/v1/sektoral/{sektor}", params=params)
    assert r.status_code == 200, r.text
    (ind,) = [i for i in r.json()["indikator"] if i["kode"] == kode]
    out: dict[Any, Any] = {}
    for s in ind["sel"]:
        nilai = s["alasan"] or (
            s["nilai"] if s["pembagi"] is None else (s["nilai"], s["pembilang"], s["pembagi"])
        )
        out[(s["kode"], s["jenis_kelamin"])] = nilai
    return out


async def test_sectoral_indicators_as_of_any_date(settings: Settings, tmp_path: Path) -> None:
    async with running_hub(settings, tmp_path / "logs") as hub:
        await kirim(hub)

        daftar = (await hub.client.get("/v1/sektoral")).json()
        assert [s["sektor"] for s in daftar] == ["dukcapil", "kesehatan", "pendidikan", "sosial"]
        assert daftar[0]["indikator"][0]["kode"] == "cakupan-akta-lahir"

        # 1 March: the boy with a certificate is alive; 1 of 7 boys (hidden), then the girls' cell too
        maret = await indikator(hub, "dukcapil", "cakupan-akta-lahir", wilayah=A, per="2026-03-01")
        assert maret == {("888", "L"): "sel-kecil", ("888", "P"): "pelengkap", ("888", None): (53.85, 7, 13)}
        # 10 March: he died on 5 March (reported in April), so he is no longer counted
        setelah = await indikator(hub, "dukcapil", "cakupan-akta-lahir", wilayah=A, per="2026-03-10")
        assert setelah == {
            ("888", "L"): (0.0, 0, 6),
            ("888", "P"): (100.0, 6, 6),
            ("888", None): (50.0, 6, 12),
        }
        kota = await indikator(hub, "dukcapil", "cakupan-akta-lahir", wilayah="52.72", per="2026-03-10")
        assert kota[("888", None)] == (53.85, 7, 13)  # the boy of B too

        sebelum = await indikator(hub, "sosial", "keluarga-miskin-tanpa-bantuan", wilayah=A, per="2026-01-31")
        assert (sebelum[("1", "L")], sebelum[("888", None)]) == (6, 6)
        sesudah = await indikator(hub, "sosial", "keluarga-miskin-tanpa-bantuan", wilayah=A, per="2026-02-01")
        assert (sesudah[("1", "L")], sesudah[("2", "L")], sesudah[("888", None)]) == (5, 0, 5)
        cakupan = await indikator(hub, "sosial", "cakupan-bantuan-keluarga", wilayah=A, per="2026-02-01")
        assert cakupan[("1", None)] == cakupan[("888", None)] == "sel-kecil"  # 1 of 6

        r = await hub.client.get("/v1/sektoral/dukcapil", params={"wilayah": A, "per": "2026-03-10"})
        body = r.json()
        assert body["wilayah"]["kode"] == "52.72.01.1001" and body["sembunyikan_di_bawah"] == 5
        assert body["diperbarui"] is not None

        unduh = await hub.client.get("/v1/sektoral/dukcapil",
                                     params={"wilayah": A, "per": "2026-03-10", "format": "csv"})  # fmt: skip
        assert unduh.headers["content-type"].startswith("text/csv")
        assert "sektoral_dukcapil_5272011001_2026-03-10.csv" in unduh.headers["content-disposition"]
        baris = list(csv.DictReader(io.StringIO(unduh.text)))
        akta = [b for b in baris if b["indikator"] == "cakupan-akta-lahir"]
        assert [(b["jenis_kelamin"], b["nilai"], b["pembilang"], b["pembagi"]) for b in akta] == [
            ("L", "0.0", "0", "6"), ("P", "100.0", "6", "6"), ("", "50.0", "6", "12")
        ]  # fmt: skip

        tidak_ada = await hub.client.get("/v1/sektoral/pertanian")
        assert tidak_ada.status_code == 404 and "dukcapil" in tidak_ada.json()["detail"]
        assert (
            await hub.client.get("/v1/sektoral/sosial", params={"wilayah": "5272999999"})
        ).status_code == 404
