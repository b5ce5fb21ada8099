"""Statistics below the kelurahan end to end (API → Kafka → Faust → ClickHouse → ``GET /v1/statistik-rinci``):
without a dusun/RW/RT filter every table equals ``/v1/statistik`` of the kelurahan at every date; with one, the
hand-made residents of that dusun, RW or RT, with small cells (1–4) and their complements hidden."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from api.routes.wilayah_rinci import KATEGORI_RINCI
from satudata.settings import Settings
from tests.harness import Hub, running_hub

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

A, B = "5272011001", "5272051010"  # Paruga (Rasanae Barat) and Matakando (Mpunda)
U1, U2, U3 = "LINGKUNGAN KAMPO", "LINGKUNGAN SAMBI", "LINGKUNGAN NAE"
SK, PL = "sel-kecil", "pelengkap"  # why a cell is hidden


def warga(kel: str, rid: int, tanggal: str, alamat: tuple[str, str, str] | None, versi: int = 1,
          **data: Any) -> dict[str, Any]:  # fmt: skip
    berlaku = data.pop("berlaku", None)
    image = None
    if alamat is not None:
        dusun, rw, rt = alamat
        image = {"nik": f"5272014101{rid:06d}", "nama": f"WARGA {rid}", "kode_kelurahan": kel, "dusun": dusun,
                 "rw": rw, "rt": rt, "status_dasar": 1, **data}  # fmt: skip
    op = "delete" if image is None else "create" if versi == 1 else "update"
    rec = {"op": op, "kode_kelurahan": kel, "id": rid, "version": versi, "ts": f"{tanggal}T09:00:00+08:00",
           "data": image}  # fmt: skip
    if berlaku:
        rec["berlaku"] = berlaku
    return rec


RT1, RT2, RT3, RT4 = (U1, "001", "001"), (U1, "001", "002"), (U2, "002", "001"), (U3, "003", "004")
RECORDS = [
    warga(A, 1, "2026-01-10", RT1, sex=1, tanggallahir="1980-03-20", agama_id=1, pekerjaan_id=1, cacat_id=7),
    warga(A, 2, "2026-01-10", RT1, sex=2, tanggallahir="1981-07-01", agama_id=1, status_kawin=2, hamil=1),
    warga(A, 3, "2026-01-10", RT1, sex=2, tanggallahir="2024-02-10", agama_id=1),  # a toddler
    warga(A, 4, "2026-01-10", RT2, sex=1, tanggallahir="1950-01-01", agama_id=2, cacat_id=1),
    warga(A, 5, "2026-01-10", RT2, sex=2, tanggallahir="2008-05-05", agama_id=None, pendidikan_sedang_id=7),
    warga(A, 6, "2026-01-10", RT3, sex=1, tanggallahir="1999-12-31", agama_id=1, golongan_darah_id=4),
    warga(A, 7, "2026-01-10", RT3, sex=1, agama_id=3),  # no birth date
    warga(A, 8, "2026-01-10", ("", "", ""), sex=2, tanggallahir="2001-01-01", agama_id=1),  # no address
    # 1 dies on 5 March (reported 2 April); 4 is deleted on 15 February; 6 moves from RT3 to RT1 on 1 March
    warga(A, 1, "2026-04-02", RT1, versi=2, sex=1, tanggallahir="1980-03-20", agama_id=1, status_dasar=2,
          berlaku="2026-03-05"),
    warga(A, 4, "2026-02-15", None, versi=2),
    warga(A, 6, "2026-03-01", RT1, versi=2, sex=1, tanggallahir="1999-12-31", agama_id=1, golongan_darah_id=4),
    warga(B, 1, "2026-01-10", RT1, sex=1, tanggallahir="1990-01-01", agama_id=1),  # same address, other kel.
    # a larger RT of B: 6 men and 7 women ISLAM, 2 women KRISTEN
    *(warga(B, 100 + i, "2026-01-10", RT4, sex=1 if i < 6 else 2, tanggallahir="1990-01-01",
            agama_id=1 if i < 13 else 2) for i in range(15)),
]  # fmt: skip
TANGGAL = ("2026-01-09", "2026-02-01", "2026-02-20", "2026-03-04", "2026-03-05", "2026-04-30")


async def tabel(hub: Hub, jalur: str, kategori: str, **params: str) -> list[dict[str, Any]]:
    r = await hub.client.get(f"/v1/{jalur}/{kategori}", params=params)
    assert r.status_code == 200, r.text
    baris: list[dict[str, Any]] = r.json()["baris"]
    return baris


async def jumlah(
    hub: Hub, kategori: str, per: str, wilayah: str = A, **filter_: str
) -> dict[str, tuple[Any, ...]]:
    """(laki_laki, perempuan, jumlah) of the non-empty rows and the summary rows; a hidden cell as its reason."""
    baris = await tabel(hub, "statistik-rinci", kategori, wilayah=wilayah, per=per, **filter_)
    return {b["nama"] if b["jenis"] == "ringkasan" else b["kode"]:
            tuple(b.get("alasan", {}).get(k) or b[k] for k in ("laki_laki", "perempuan", "jumlah"))
            for b in baris if b["jumlah"] != 0 or b["jenis"] == "ringkasan"}  # fmt: skip


async def test_statistics_below_the_kelurahan(settings: Settings, tmp_path: Path) -> None:
    async with running_hub(settings, tmp_path / "logs") as hub:
        for rec in RECORDS:
            r = await hub.client.post("/v1/penduduk/events", json={"records": [rec]})
            assert r.status_code == 200 and r.json()["diterima"] == 1, r.text
        counts = await hub.wait_drained()
        assert counts["aliran"]["dead_letter"] == 0  # type: ignore[index]

        # no filter: the same table as the maintained aggregates, for every category and date
        for kategori in KATEGORI_RINCI:
            for per in TANGGAL:
                rinci = await tabel(hub, "statistik-rinci", kategori, wilayah=A, per=per)
                assert rinci == await tabel(hub, "statistik", kategori, wilayah=A, per=per), (kategori, per)
        assert len(KATEGORI_RINCI) == 18

        assert (await jumlah(hub, "jenis-kelamin", "2026-02-01"))["TOTAL"] == (4, 4, 8)
        # a filter: counts of 1 to 4 hidden (and what would give them back), zero and 5 or more shown
        rt1 = await jumlah(hub, "jenis-kelamin", "2026-02-01", dusun=U1, rw="001", rt="001")
        assert rt1 == {"1": (SK, 0, SK), "2": (0, SK, SK), "JUMLAH": (SK, SK, SK), "BELUM MENGISI": (0, 0, 0),
                       "TOTAL": (SK, SK, SK)}  # fmt: skip
        assert (await jumlah(hub, "jenis-kelamin", "2026-02-01", dusun=U1))["TOTAL"] == (SK, SK, 5)  # 2 + 3
        assert (await jumlah(hub, "jenis-kelamin", "2026-02-01", rw="001"))["TOTAL"] == (SK, SK, 5)
        rt001 = await jumlah(hub, "jenis-kelamin", "2026-02-01", rt="001")  # RT 001 of both RW
        assert rt001["TOTAL"] == (SK, SK, 5)
        rt2 = await jumlah(hub, "jenis-kelamin", "2026-02-20", rw="001", rt="002")
        assert rt2["TOTAL"] == (0, SK, SK)  # 4 gone
        # 6 moved into RT1 on 1 March (his age row appears), 1 died there on 5 March (his row empties)
        assert (await jumlah(hub, "jenis-kelamin", "2026-03-04", rw="001", rt="001"))["TOTAL"] == (SK, SK, SK)
        assert (await jumlah(hub, "jenis-kelamin", "2026-03-05", rw="001", rt="001"))["TOTAL"] == (SK, SK, SK)
        sebelum = await jumlah(hub, "kelompok-umur", "2026-02-20", rw="001", rt="001")
        pindah = await jumlah(hub, "kelompok-umur", "2026-03-04", rw="001", rt="001")
        wafat = await jumlah(hub, "kelompok-umur", "2026-03-05", rw="001", rt="001")
        assert "25-29" not in sebelum and pindah["25-29"] == wafat["25-29"] == (SK, 0, SK)
        assert sebelum["45-49"] == pindah["45-49"] == (SK, 0, SK) and "45-49" not in wafat
        assert (await jumlah(hub, "jenis-kelamin", "2026-03-05", dusun=U2))["TOTAL"] == (SK, 0, SK)  # 7 stays
        assert (await jumlah(hub, "agama", "2026-02-01", dusun=U1, rt="002")) == {
            "2": (SK, 0, SK), "JUMLAH": (SK, 0, SK), "BELUM MENGISI": (0, SK, SK), "TOTAL": (SK, SK, SK)
        }  # fmt: skip
        # ages on the date asked: 2 is 44 (born 1 July 1981) until her birthday
        umur = await jumlah(hub, "kelompok-umur", "2026-06-30", dusun=U1, rw="001", rt="001")
        assert umur == {"0-4": (0, SK, SK), "25-29": (SK, 0, SK), "40-44": (0, SK, SK), "JUMLAH": (SK, SK, SK),
                        "BELUM MENGISI": (0, 0, 0), "TOTAL": (SK, SK, SK)}  # fmt: skip
        assert (await jumlah(hub, "kelompok-umur", "2026-07-01", rt="001", rw="001"))["45-49"] == (0, SK, SK)
        kosong = await jumlah(hub, "jenis-kelamin", "2026-02-01", dusun="LINGKUNGAN TIDAK ADA")
        assert kosong["TOTAL"] == (0, 0, 0)
        tanpa = await jumlah(hub, "jenis-kelamin", "2026-02-01", dusun="", rw="", rt="")  # empty: no filter
        assert tanpa["TOTAL"] == (4, 4, 8)

        # B's RT4: KRISTEN women (2) hidden, and ISLAM women, or JUMLAH - ISLAM would give them back
        nae = await jumlah(hub, "agama", "2026-02-01", wilayah=B, dusun=U3, rw="003", rt="004")
        assert nae == {"1": (6, PL, PL), "2": (0, SK, SK), "JUMLAH": (6, 9, 15), "BELUM MENGISI": (0, 0, 0),
                       "TOTAL": (6, 9, 15)}  # fmt: skip
        body = (await hub.client.get("/v1/statistik-rinci/agama", params={"wilayah": B, "per": "2026-02-01",
                                                                         "rt": "004"})).json()  # fmt: skip
        assert (body["sembunyikan_di_bawah"], body["sembunyikan_pelengkap"]) == (5, True)
        assert body["baris"][0] == {
            "kode": "1", "nama": "ISLAM", "jenis": "kode", "laki_laki": 6, "perempuan": None, "jumlah": None,
            "persen_laki_laki": 40.0, "persen_perempuan": None, "persen": None, "disembunyikan": True,
            "alasan": {"perempuan": PL, "jumlah": PL},
        }  # fmt: skip
        seluruh = await hub.client.get(
            "/v1/statistik-rinci/agama", params={"wilayah": B, "per": "2026-02-01"}
        )
        assert (seluruh.json()["sembunyikan_di_bawah"], seluruh.json()["baris"][0]["laki_laki"]) == (0, 7)
        assert seluruh.json()["baris"] == await tabel(hub, "statistik", "agama", wilayah=B, per="2026-02-01")

        r = await hub.client.get("/v1/statistik-rinci/agama", params={"wilayah": A, "per": "2026-02-01",
                                                                      "dusun": U1, "format": "csv"})  # fmt: skip
        assert r.headers["content-type"].startswith("text/csv") and "ISLAM" in r.text
        assert (
            'filename="agama_5272011001_dusun-LINGKUNGAN_KAMPO_2026-02-01.csv"'
            in r.headers["content-disposition"]
        )
        unduh = {b["nama"]: b for b in csv.DictReader(io.StringIO(r.text))}
        assert [unduh["ISLAM"][k] for k in ("laki_laki", "perempuan", "jumlah", "persen", "disembunyikan")] == [
            "", "", "", "", "1"
        ]  # fmt: skip
        assert [unduh["TOTAL"][k] for k in ("laki_laki", "perempuan", "jumlah", "persen", "disembunyikan")] == [
            "", "", "5", "100.0", "1"
        ]  # fmt: skip
        body = (await hub.client.get("/v1/statistik-rinci/agama", params={"wilayah": A, "rt": "001"})).json()
        assert (body["dusun"], body["rw"], body["rt"]) == (None, None, "001")

        for wilayah in ("52.72.01", "5272"):
            salah = await hub.client.get("/v1/statistik-rinci/agama", params={"wilayah": wilayah})
            assert salah.status_code == 400 and "hanya untuk satu kelurahan" in salah.json()["detail"]
        assert (await hub.client.get("/v1/statistik-rinci/agama")).status_code == 400
        assert (await hub.client.get("/v1/statistik-rinci/surat", params={"wilayah": A})).status_code == 404
        assert (
            await hub.client.get("/v1/statistik-rinci/agama", params={"wilayah": "5272019999"})
        ).status_code == 404
