"""The Sektoral boards show exactly ``GET /v1/sektoral/{sektor}``: for hand-made records sent through the whole
pipeline, every table panel of every sector board — expanded the way Grafana expands it, for the city, a
kecamatan and two kelurahan on two dates — gives the API's cells: the same rows, values, pembilang/pembagi and
the same cells hidden (NULL on the board). The records make small cells of both thresholds (5, and 10 for
kesehatan) and complementary ones, in rows (L + P = all) and in columns (codes + TOTAL)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from grafana.ekspansi import SEMUA, Konteks, ekspansi
from grafana.papan import SEKTORAL, semua_dasbor
from grafana.sektoral import judul_kolom, uid
from satudata.penduduk import WITA
from satudata.sektoral import Indikator, sektor_bawaan
from satudata.settings import Settings
from tests.harness import running_hub
from tests.integration.test_dasbor import panels
from tests.integration.test_sektoral import RECORDS, A, B, kirim, rekaman, warga

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

C, D = "5272011002", "5272011003"  # in A's kecamatan (Rasanae Barat)
DEWASA: dict[str, Any] = {"tanggallahir": "1980-05-01"}
BALITA: dict[str, Any] = {"tanggallahir": "2024-02-01"}
TAMBAHAN = [  # in C, so that A keeps test_sektoral's known cells
    # kesehatan (cells below 10 hidden): disability by type and sex, pregnant women, toddlers
    *(warga(C, i, "2026-01-12", sex=1, cacat_id=1, id_asuransi=2, **DEWASA) for i in range(100, 112)),
    *(warga(C, i, "2026-01-12", sex=2, cacat_id=1, id_asuransi=3, **DEWASA) for i in range(112, 115)),
    *(warga(C, i, "2026-01-12", sex=2, cacat_id=2, hamil=1, status_kawin=2, **DEWASA) for i in range(115, 126)),
    *(warga(C, i, "2026-01-12", sex=1, **BALITA) for i in range(126, 137)),
    *(warga(C, i, "2026-01-12", sex=2, **BALITA) for i in range(137, 139)),
    # pendidikan: children of 11 at school, one not; one of unknown sex
    *(warga(C, i, "2026-01-12", sex=1, pendidikan_sedang_id=4, tanggallahir="2015-03-01") for i in range(139, 145)),
    *(warga(C, i, "2026-01-12", sex=2, pendidikan_sedang_id=4, tanggallahir="2015-03-01") for i in range(145, 147)),
    warga(C, 147, "2026-01-12", sex=1, pendidikan_sedang_id=18, tanggallahir="2015-03-01"),
    warga(C, 148, "2026-01-12", pendidikan_sedang_id=4, tanggallahir="2015-03-01"),
    # sosial: Pra Sejahtera families without aid, 7 headed by a man and 3 by a woman
    *(rekaman("keluarga", C, i, "2026-01-12", no_kk=f"5272011002{i:06d}", nik_kepala=i, kelas_sosial=1,
              status_dasar=1, jenis_kelamin_kepala=1 if i < 17 else 2) for i in range(10, 20)),
    # the same kecamatan, another kelurahan; and a married woman of B with a marriage certificate
    *(warga(D, i, "2026-01-12", sex=1, cacat_id=1, **DEWASA) for i in range(200, 202)),
    warga(B, 202, "2026-01-12", sex=2, status_kawin=2, akta_perkawinan="AP-1", **DEWASA),
]  # fmt: skip
WILAYAH: list[tuple[str | None, dict[str, Any]]] = [
    (None, {"kecamatan": SEMUA, "kelurahan": SEMUA}),
    ("527201", {"kecamatan": ["527201"], "kelurahan": SEMUA}),
    (A, {"kecamatan": ["527201"], "kelurahan": [A]}),
    (C, {"kecamatan": ["527201"], "kelurahan": [C]}),
    (B, {"kecamatan": ["527205"], "kelurahan": [B]}),
]
TANGGAL = (dt.date(2026, 3, 1), dt.date(2026, 4, 10))

Cell = tuple[str, str, str | None, Any, Any, Any, bool]


def sel_papan(ind: Indikator, kolom: list[str], baris: list[tuple[Any, ...]]) -> list[Cell]:
    """A table panel's rows as the API's cells (NULL = hidden, NaN = a percentage of nobody): by code, a row
    per code and the numbers of L, P and all side by side; without codes, a row per L, P and TOTAL."""
    assert kolom == judul_kolom(ind)
    lebar = 3 if ind.persen else 1
    jk = {"Laki-laki": "L", "L": "L", "Perempuan": "P", "P": "P"}
    out: list[Cell] = []
    for b in baris:
        if ind.rincian.kolom is None:
            potongan = [("888", "TOTAL", jk.get(b[0]), b[1:])]
        else:
            potongan = [(b[0], b[1], jk.get(kolom[n].split(" ")[0]), b[n : n + lebar])
                        for n in range(2, len(kolom), lebar)]  # fmt: skip
        for kode, nama, label, isi in potongan:
            nilai = None if isinstance(isi[0], float) and math.isnan(isi[0]) else isi[0]
            tersembunyi = isi[0] is None
            assert not tersembunyi or all(x is None for x in isi)
            rinci = (isi[1], isi[2]) if ind.persen else (None, None)
            out.append((kode, nama, label, nilai, *rinci, tersembunyi))
    return out


def sel_api(ind: dict[str, Any]) -> list[Cell]:
    return [
        (
            s["kode"],
            s["nama"],
            s["jenis_kelamin"],
            s["nilai"],
            s["pembilang"],
            s["pembagi"],
            s["disembunyikan"],
        )
        for s in ind["sel"]
    ]


async def test_every_sector_board_equals_the_api(settings: Settings, tmp_path: Path) -> None:
    async with running_hub(settings, tmp_path / "logs") as hub:
        await kirim(hub, [*RECORDS, *TAMBAHAN])
        model = {m["uid"]: m for k, m in semua_dasbor(settings.clickhouse_database) if k == SEKTORAL}
        alasan: Counter[tuple[str, str, str]] = Counter()
        papan: dict[tuple[str, str, str | None, dt.date], list[Cell]] = {}
        for s in sektor_bawaan().values():
            sql = {
                p["title"]: p["targets"][0]["rawSql"] for p in panels(model[uid(s)]) if p["type"] == "table"
            }
            for per in TANGGAL:
                sampai = dt.datetime.combine(per, dt.time(12), WITA)
                for wilayah, pilihan in WILAYAH:
                    ctx = Konteks(sampai - dt.timedelta(days=30), sampai, 3600, pilihan, {})
                    params = {"per": per.isoformat(), **({"wilayah": wilayah} if wilayah else {})}
                    r = await hub.client.get(f"/v1/sektoral/{s.sektor}", params=params)
                    assert r.status_code == 200, r.text
                    for ind, ind_api in zip(s.indikator, r.json()["indikator"], strict=True):
                        kolom, _, baris = await hub.gudang.query_kolom(ekspansi(sql[ind.judul], ctx))
                        sel = sel_papan(ind, kolom, baris)
                        assert sel == sel_api(ind_api), (s.sektor, ind.kode, wilayah, per)
                        papan[(s.sektor, ind.kode, wilayah, per)] = sel
                        alasan.update(
                            (s.sektor, x["kode"], x["alasan"]) for x in ind_api["sel"] if x["alasan"]
                        )

        # the known cases, on the board itself: 1 of 7 boys has a birth certificate (hidden), so the girls' cell
        # is hidden too, and the total is shown
        akta = papan[("dukcapil", "cakupan-akta-lahir", A, TANGGAL[0])]
        assert [c[2:] for c in akta] == [("L", None, None, None, True), ("P", None, None, None, True),
                                         (None, 53.85, 7, 13, False)]  # fmt: skip
        # below 10: 2 girls of 13 toddlers, then the boys (11) as the complement; 11 pregnant women are shown
        assert [c[2:4] for c in papan[("kesehatan", "balita", C, TANGGAL[0])]] == [
            ("L", None),
            ("P", None),
            (None, 13),
        ]
        assert papan[("kesehatan", "ibu-hamil", C, TANGGAL[0])][0][3] == 11
        # CACAT FISIK: 3 women (hidden), so the men (12) too; the row's total is shown
        cacat = {(c[0], c[2]): c[3] for c in papan[("kesehatan", "penyandang-disabilitas", C, TANGGAL[0])]}
        assert (cacat[("1", "L")], cacat[("1", "P")]) == (None, None)
        # zeros are shown; a percentage of nobody is not a hidden cell
        assert papan[("kesehatan", "balita", B, TANGGAL[0])][2][3:] == (0, None, None, False)
        assert papan[("dukcapil", "cakupan-akta-perkawinan", C, TANGGAL[0])][0][3:] == (None, 0, 0, False)
        assert papan[("dukcapil", "cakupan-akta-perkawinan", C, TANGGAL[0])][2][3:] == (0.0, 0, 11, False)
        for sektor in ("dukcapil", "kesehatan", "pendidikan", "sosial"):
            assert alasan[(sektor, "888", "sel-kecil")], (sektor, alasan)
            assert any(n for (s, _, a), n in alasan.items() if (s, a) == (sektor, "pelengkap")), (
                sektor,
                alasan,
            )
        for sektor in (
            "kesehatan",
            "pendidikan",
        ):  # complementary cells in a code breakdown's rows and columns
            assert any(n for (s, k, a), n in alasan.items() if (s, a) == (sektor, "pelengkap") and k != "888")
