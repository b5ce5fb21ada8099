"""Point in time and laporan bulanan end to end (API → Kafka → Faust → ClickHouse → API), with hand-made
histories whose right answers are known: a late-reported death, a deletion, a move across kecamatan, a
family, a letter. Every statistic is asked as of dates before, between and after the changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from satudata.settings import Settings
from tests.contoh_rekaman import perubahan
from tests.harness import Hub, running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

A, B = "5272011001", "5272051010"  # Paruga (Rasanae Barat) and a kelurahan of another kecamatan


def ts(tanggal: str) -> str:
    return f"{tanggal}T09:00:00+08:00"


def penduduk(rid: int, versi: int, tanggal: str, kel: str = A, **kw: Any) -> dict[str, Any]:
    berlaku = kw.pop("berlaku", None)
    op = kw.pop("op", "create" if versi == 1 else "update")
    data = {"kode_kelurahan": kel, "nik": f"52720141019{rid:05d}", **kw}
    rec = perubahan("penduduk", op=op, id=rid, version=versi, ts=ts(tanggal), kode_kelurahan=kel, data=data)
    if op == "delete":
        rec["data"] = None
    if berlaku:
        rec["berlaku"] = berlaku
    rec["jenis"] = "penduduk"
    return rec


def lain(jenis: str, rid: int, dicatat: str, kel: str = A, **data: Any) -> dict[str, Any]:
    rec = perubahan(
        jenis, id=rid, version=1, ts=ts(dicatat), kode_kelurahan=kel, data={"kode_kelurahan": kel, **data}
    )
    rec["jenis"] = jenis
    return rec


RECORDS = [
    # 1: a man born 1980, living in A from 10 Jan; died 5 Mar, reported 2 Apr (with its log_penduduk row).
    penduduk(1, 1, "2026-01-10", sex=1, tanggallahir="1980-03-20", agama_id=1, status_dasar=1),
    penduduk(1, 2, "2026-04-02", sex=1, tanggallahir="1980-03-20", agama_id=1, status_dasar=2, berlaku="2026-03-05"),
    lain("peristiwa", 1, "2026-04-02", id_pend=1, kode_peristiwa=2, tgl_peristiwa="2026-03-05",
         tgl_lapor="2026-04-02", ref_pindah=None, kode_kelurahan_tujuan=None, jenis_kelamin=1, warganegara_id=1),
    # 2: a woman in A from 10 Jan, hard-deleted on 15 Feb (no vital event: shows in "selisih").
    penduduk(2, 1, "2026-01-10", sex=2, tanggallahir="2000-06-01", agama_id=2, status_dasar=1),
    penduduk(2, 2, "2026-02-15", op="delete"),
    # 3: a woman who moves from A to B on 20 Mar: PINDAH in A (status 3), a new record in B.
    penduduk(3, 1, "2026-01-10", sex=2, tanggallahir="2010-01-15", agama_id=1, status_dasar=1),
    penduduk(3, 2, "2026-03-20", sex=2, tanggallahir="2010-01-15", agama_id=1, status_dasar=3),
    penduduk(9, 1, "2026-03-20", kel=B, sex=2, tanggallahir="2010-01-15", agama_id=1, status_dasar=1),
    # a family in A with a male head, and a letter issued in March.
    lain("keluarga", 5, "2026-01-10", nik_kepala=1, jenis_kelamin_kepala=1, status_dasar=1),
    lain("surat", 4, "2026-03-11", tanggal="2026-03-11", status=1),
    # the same programme in two kelurahan (local ids 3 and 8), and a recipient of an unregistered one
    lain("bantuan-program", 3, "2026-01-10", nama="BPNT"),
    lain("bantuan-program", 8, "2026-01-10", kel=B, nama=" bpnt"),
    lain("bantuan-peserta", 1, "2026-01-12", program_id=3, jenis_kelamin=2),
    lain("bantuan-peserta", 1, "2026-01-12", kel=B, program_id=8, jenis_kelamin=1),
    lain("bantuan-peserta", 2, "2026-01-12", kel=B, program_id=5, jenis_kelamin=1),
]  # fmt: skip


async def tabel(hub: Hub, kategori: str, wilayah: str, per: str) -> dict[str, tuple[int, int]]:
    r = await hub.client.get(f"/v1/statistik/{kategori}", params={"wilayah": wilayah, "per": per})
    assert r.status_code == 200, r.text
    return {b["nama"] if b["jenis"] == "ringkasan" else b["kode"]: (b["laki_laki"], b["perempuan"])
            for b in r.json()["baris"] if b["jumlah"] or b["jenis"] == "ringkasan"}  # fmt: skip


async def laporan(hub: Hub, wilayah: str, bulan: int, basis: str) -> dict[str, dict[str, int]]:
    params: dict[str, Any] = {"wilayah": wilayah, "tahun": 2026, "bulan": bulan, "basis": basis}
    r = await hub.client.get("/v1/laporan-bulanan", params=params)
    assert r.status_code == 200, r.text
    return {b["kode"]: b["nilai"] for b in r.json()["baris"]}


async def test_statistics_and_monthly_report_as_of_any_date(settings: Settings, tmp_path: Path) -> None:
    async with running_hub(settings, tmp_path / "logs") as hub:
        for rec in RECORDS:
            jenis = rec.pop("jenis")
            r = await hub.client.post(f"/v1/{jenis}/events", json={"records": [rec]})
            assert r.status_code == 200 and r.json()["diterima"] == 1, r.text
        counts = await hub.wait_drained()
        assert counts["aliran"]["dead_letter"] == 0  # type: ignore[index]

        jk = await tabel(hub, "jenis-kelamin", A, "2026-02-01")
        assert jk["1"] == (1, 0) and jk["2"] == (0, 2) and jk["TOTAL"] == (1, 2)
        assert (await tabel(hub, "jenis-kelamin", A, "2026-02-20"))["TOTAL"] == (1, 1)  # 2 deleted
        assert (await tabel(hub, "jenis-kelamin", A, "2026-03-10"))["TOTAL"] == (0, 1)  # 1 died 5 Mar
        assert (await tabel(hub, "jenis-kelamin", A, "2026-03-25"))["TOTAL"] == (0, 0)  # 3 moved
        assert await tabel(hub, "agama", "Kel. Paruga", "2026-02-01") == await tabel(
            hub, "agama", A, "2026-02-01"
        )
        assert (await tabel(hub, "jenis-kelamin", B, "2026-03-25"))["TOTAL"] == (0, 1)
        assert (await tabel(hub, "jenis-kelamin", "5272", "2026-03-25"))["TOTAL"] == (0, 1)
        assert (await tabel(hub, "jenis-kelamin", A, "2025-12-31"))["TOTAL"] == (0, 0)  # before any
        # ages at the date asked: the man is 45 until his birthday on 20 Mar 2026 (he died before it)
        assert (await tabel(hub, "kelompok-umur", A, "2026-03-01"))["45-49"] == (1, 0)
        assert (await tabel(hub, "kelompok-umur", B, "2026-03-25"))["15-19"] == (0, 1)
        assert (await tabel(hub, "keluarga", A, "2026-02-01"))["1"] == (1, 0)

        bantuan = await tabel(hub, "bantuan", "5272", "2026-02-01")
        assert bantuan["BPNT"] == (1, 1) and bantuan["PROGRAM 5 (BELUM TERDAFTAR)"] == (1, 0)
        assert bantuan["TOTAL"] == (2, 1)
        surat = await hub.client.get("/v1/statistik/surat", params={"wilayah": A, "per": "2026-03-31"})
        assert {b["kode"]: b["jumlah"] for b in surat.json()["baris"]}["S-01"] == 1
        csv = await hub.client.get("/v1/statistik/agama", params={"wilayah": A, "per": "2026-02-01",
                                                                   "format": "csv"})  # fmt: skip
        assert csv.headers["content-type"].startswith("text/csv") and "ISLAM" in csv.text

        maret = await laporan(hub, A, 3, "peristiwa")
        assert maret["awal"]["jumlah"] == 2 and maret["akhir"]["jumlah"] == 0
        assert maret["mati"]["wni_l"] == 1 and maret["mati"]["jumlah"] == 1
        # the move out had no log_penduduk row here: it is visible as selisih, not hidden
        assert maret["selisih"]["jumlah"] == -1
        assert maret["awal"]["kk_l"] == 1
        februari = await laporan(hub, A, 2, "peristiwa")
        assert februari["akhir"] == maret["awal"]
        assert februari["selisih"]["jumlah"] == -1  # the deletion
        # on the report-date basis the death belongs to April, when it was reported
        assert (await laporan(hub, A, 3, "lapor"))["mati"]["jumlah"] == 0
        assert (await laporan(hub, A, 4, "lapor"))["mati"]["jumlah"] == 1
