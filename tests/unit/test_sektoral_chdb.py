"""Sectoral indicators on chdb: the compiled SQL (``satudata.sektoral.sql``) run over hand-made record versions
whose right answers are known, through to the suppressed cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from satudata.citra import Pseudonim, padat
from satudata.sektoral import Sektor, hitung, muat_semua, urai_sektor
from satudata.settings import Settings
from satudata.warehouse.client import Gudang
from satudata.warehouse.versi import baris, kolom, nama_tabel
from tests.unit.contoh_sektoral import ind, lihat, sektor

A, B = "5272011001", "5272051010"  # Paruga (Rasanae Barat) and Matakando (Mpunda)


PSEUDONIM = Pseudonim(b"uji")
SEKARANG = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)


@pytest.fixture
def gudang(chdb_path: Path, unique: str, tmp_path: Path) -> Gudang:
    settings = Settings(
        data_dir=tmp_path, clickhouse_dsn=f"chdb://{chdb_path}", clickhouse_database=f"t_{unique}"
    )
    gudang = Gudang(settings)
    gudang.migrate()
    return gudang


class Versi:
    """Writes record versions straight into ``<jenis>_versi`` (offsets in order of the calls)."""

    def __init__(self, gudang: Gudang) -> None:
        self.gudang = gudang
        self.offset = 0

    async def __call__(
        self, jenis: str, kel: str, rid: int, berlaku: str, citra: dict[str, Any] | None
    ) -> None:
        self.offset += 1
        tgl = dt.date.fromisoformat(berlaku).toordinal()
        data = None
        if citra is not None:
            data = padat(jenis, {k: dt.date.fromisoformat(v) if k == "tanggallahir" else v
                                 for k, v in citra.items()}, PSEUDONIM)  # fmt: skip
        row = baris(jenis, [kel, rid, self.offset, tgl, tgl, self.offset, data], 0, SEKARANG)
        await self.gudang.insert(nama_tabel(jenis), [row], kolom(jenis))


async def tabel(
    gudang: Gudang, s: Sektor, kode: str, kolom_wilayah: str, wilayah: str, per: str
) -> dict[Any, Any]:
    (i,) = [x for x in s.indikator if x.kode == kode]
    hasil = await hitung(gudang, s, i, kolom_wilayah, wilayah, dt.date.fromisoformat(per))
    return {(x.kode, x.jenis_kelamin) if i.rincian.jenis_kelamin else x.kode: lihat(x) for x in hasil}


PENDIDIKAN = urai_sektor(
    sektor(
        ind("sd", syarat={"umur": {"dari": 7, "sampai": 12}}, rincian=["jenis_kelamin", "pendidikan_sedang_id"]),
        ind("aps", satuan="persen", pembagi={"umur": {"dari": 7, "sampai": 12}},
            syarat={"pendidikan_sedang_id": [4, 6]}),
        sembunyikan_di_bawah=0,
    ),
    "sektoral/uji.yaml",
)  # fmt: skip


@pytest.mark.integration
async def test_residents_are_counted_as_of_the_date_with_their_age_on_it(gudang: Gudang) -> None:
    v = Versi(gudang)
    anak = {"status_dasar": 1, "pendidikan_sedang_id": 4}
    await v("penduduk", A, 1, "2026-01-10", anak | {"sex": 1, "tanggallahir": "2014-05-10"})
    await v(
        "penduduk", A, 1, "2026-03-05", anak | {"sex": 1, "tanggallahir": "2014-05-10", "status_dasar": 2}
    )
    await v("penduduk", A, 2, "2026-01-10", anak | {"sex": 2, "tanggallahir": "2019-02-01"})  # 7 on 1 Feb
    await v("penduduk", A, 3, "2026-01-10", {"status_dasar": 1, "sex": 2, "tanggallahir": "2013-06-30",
                                             "pendidikan_sedang_id": 18})  # fmt: skip
    await v("penduduk", A, 5, "2026-01-10", {"status_dasar": 1, "sex": 1, "tanggallahir": "2017-01-01"})
    await v("penduduk", A, 5, "2026-04-01", None)  # deleted
    await v("penduduk", B, 4, "2026-01-10", {"status_dasar": 1, "sex": 1, "tanggallahir": "2016-01-01"})
    await v("penduduk", A, 6, "2026-01-10", {"status_dasar": 1, "sex": 1})  # no birth date: no age

    async def sd(per: str, kolom_wilayah: str = "kode_kelurahan", wilayah: str = A) -> dict[Any, Any]:
        t = await tabel(gudang, PENDIDIKAN, "sd", kolom_wilayah, wilayah, per)
        return {k: n for k, n in t.items() if n}

    assert await sd("2026-01-09") == {}
    assert await sd("2026-01-31") == {("4", "L"): 1, ("4", None): 1, ("18", "P"): 1, ("18", None): 1,
                                      ("777", "L"): 1, ("777", None): 1,
                                      ("888", "L"): 2, ("888", "P"): 1, ("888", None): 3}  # fmt: skip
    assert (await sd("2026-02-01"))[("4", None)] == 2  # her 7th birthday
    feb = await sd("2026-03-04")
    assert (feb[("4", "L")], feb[("888", None)]) == (1, 4)
    maret = await sd("2026-03-05")  # he died that day: no longer counted
    assert ("4", "L") not in maret and maret[("888", None)] == 3
    assert (await sd("2026-04-01"))[("888", None)] == 2  # 5 deleted
    assert (await sd("2026-06-30"))[("888", None)] == 1  # 3 turned 13
    assert (await sd("2026-01-31", "kode_kota", "5272"))[("888", None)] == 4  # with 4 of kelurahan B
    assert await sd("2026-01-31", "kode_kecamatan", "527205") == {("777", "L"): 1, ("777", None): 1,
                                                                   ("888", "L"): 1, ("888", None): 1}  # fmt: skip
    assert await tabel(gudang, PENDIDIKAN, "aps", "kode_kelurahan", A, "2026-02-01") == {"888": (50.0, 2, 4)}
    assert await tabel(gudang, PENDIDIKAN, "aps", "kode_kelurahan", A, "2026-03-05") == {"888": (33.33, 1, 3)}


SOSIAL = urai_sektor(
    sektor(
        ind("cakupan", sumber="keluarga", satuan="persen", pembagi={}, syarat={"dengan": "bantuan-peserta"},
            rincian=["kelas_sosial"]),
        ind("peserta", sumber="bantuan-peserta", satuan="peserta", syarat={"sasaran": 2},
            rincian=["keluarga.kelas_sosial"]),
        ind("miskin", sumber="keluarga", satuan="keluarga", syarat={"kelas_sosial": [1, 2], "tanpa": "bantuan-peserta"},
            rincian=["jenis_kelamin", "kelas_sosial"]),
        ind("perorangan", sumber="bantuan-peserta", satuan="peserta",
            syarat={"penduduk.cacat_id": {"bukan": [7]}, "sasaran": 1}, rincian=["penduduk.cacat_id"]),
        ind("lansia", satuan="persen", pembagi={"umur": {"dari": 60}},
            syarat={"dengan": {"sumber": "bantuan-peserta", "syarat": {"sasaran": 1}}}),
        sembunyikan_di_bawah=0,
    ),
    "sektoral/uji.yaml",
)  # fmt: skip


@pytest.mark.integration
async def test_declared_joins_between_participants_families_and_residents(gudang: Gudang) -> None:
    v = Versi(gudang)
    for rid, kelas, jk in ((1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 3, 1), (5, None, 2)):
        await v("keluarga", A, rid, "2026-01-10", {"kelas_sosial": kelas, "status_dasar": 1,
                                                   "jenis_kelamin_kepala": jk})  # fmt: skip
    await v("keluarga", A, 6, "2026-01-10", {"kelas_sosial": 1, "status_dasar": 2})  # not active
    await v(
        "keluarga", B, 1, "2026-01-10", {"kelas_sosial": 5, "status_dasar": 1}
    )  # same id, other kelurahan
    for rid, kk in ((1, 1), (2, 1), (3, 3), (4, 6), (6, 99)):
        await v("bantuan-peserta", A, rid, "2026-01-10", {"program_id": rid, "sasaran": 2, "id_keluarga": kk})
    await v("bantuan-peserta", A, 3, "2026-05-01", None)  # family 3 leaves its programme
    await v("bantuan-peserta", B, 9, "2026-01-10", {"program_id": 1, "sasaran": 2, "id_keluarga": 4})
    await v(
        "penduduk",
        A,
        1,
        "2026-01-10",
        {"status_dasar": 1, "sex": 1, "tanggallahir": "1950-01-01", "cacat_id": 2},
    )
    await v(
        "penduduk",
        A,
        2,
        "2026-01-10",
        {"status_dasar": 1, "sex": 2, "tanggallahir": "1960-06-01", "cacat_id": 7},
    )
    await v("penduduk", A, 3, "2026-01-10", {"status_dasar": 1, "sex": 2, "tanggallahir": "1990-01-01"})
    await v("penduduk", A, 2, "2026-03-01", {"status_dasar": 2, "sex": 2, "tanggallahir": "1960-06-01"})
    for rid, pend in ((7, 1), (8, 2), (10, 3)):
        await v("bantuan-peserta", A, rid, "2026-01-10", {"program_id": 4, "sasaran": 1, "id_penduduk": pend})

    def t(kode: str, per: str = "2026-02-01") -> Any:
        return tabel(gudang, SOSIAL, kode, "kode_kelurahan", A, per)

    # families 1, 2 (kelas 1), 3 (2), 4 (3), 5 (none); 1 and 3 take part in a programme
    assert await t("cakupan") == {"1": (50.0, 1, 2), "2": (100.0, 1, 1), "3": (0.0, 0, 1), "4": (None, 0, 0),
                                  "5": (None, 0, 0), "777": (0.0, 0, 1), "888": (40.0, 2, 5)}  # fmt: skip
    assert (await t("cakupan", "2026-05-01"))["2"] == (0.0, 0, 1)
    # participations: 2 of family 1, 1 of family 3; inactive family 6 and unknown family 99 → BELUM MENGISI
    assert await t("peserta") == {"1": 2, "2": 1, "3": 0, "4": 0, "5": 0, "777": 2, "888": 5}
    # city-wide, B's participant 9 names family 4 of B, which does not exist (A's family 4 is another family)
    kota = {"1": 2, "2": 1, "3": 0, "4": 0, "5": 0, "777": 3, "888": 6}
    assert await tabel(gudang, SOSIAL, "peserta", "kode_kota", "5272", "2026-02-01") == kota
    miskin = await t("miskin")
    assert {k: n for k, n in miskin.items() if n} == {("1", "P"): 1, ("1", None): 1, ("888", "P"): 1,
                                                      ("888", None): 1}  # fmt: skip
    assert (await t("miskin", "2026-05-01"))[("2", None)] == 1  # family 3 without a programme from 1 May
    # participants linked to residents: 1 (CACAT NETRA) and 2 (TIDAK CACAT), 3 (not filled in)
    assert {k: n for k, n in (await t("perorangan")).items() if n} == {"2": 1, "777": 1, "888": 2}
    assert {k: n for k, n in (await t("perorangan", "2026-03-01")).items() if n} == {
        "2": 1,
        "777": 2,
        "888": 3,
    }
    assert await t("lansia") == {"888": (100.0, 2, 2)}
    assert await t("lansia", "2026-03-01") == {"888": (100.0, 1, 1)}  # 2 died


@pytest.mark.integration
async def test_the_shipped_dukcapil_sector_with_its_default_suppression(gudang: Gudang) -> None:
    dukcapil = muat_semua()["dukcapil"]
    v = Versi(gudang)
    rid = 0

    async def orang(n: int, **citra: Any) -> None:
        nonlocal rid
        for _ in range(n):
            rid += 1
            await v("penduduk", A, rid, "2026-01-10", {"status_dasar": 1, **citra})

    await orang(12, sex=1, tanggallahir="2015-01-01", akta_lahir="AL-1")
    await orang(3, sex=1, tanggallahir="2015-01-01", akta_lahir="")
    await orang(10, sex=2, tanggallahir="2016-01-01", akta_lahir="AL-2")
    await orang(
        10, sex=2, tanggallahir="2000-01-01", ktp_el=2, status_rekam=8, status_kawin=2, akta_perkawinan="1"
    )
    await orang(
        5, sex=1, tanggallahir="2010-01-01", status_kawin=2, ktp_el=1, status_rekam=2
    )  # married at 16
    await orang(2, sex=1, tanggallahir="2012-01-01", ktp_el=3)  # KIA holders: not wajib KTP
    await orang(1, sex=2, tanggallahir="1990-01-01", ktp_el=2, status_rekam=8, status_kawin=2)
    await orang(1, sex=1, tanggallahir="1980-01-01", status_kawin=1)
    await v("penduduk", A, rid, "2026-02-01", {"status_dasar": 2, "sex": 1, "tanggallahir": "1980-01-01"})

    akta = await tabel(gudang, dukcapil, "cakupan-akta-lahir", "kode_kelurahan", A, "2026-01-31")
    # 0–17: L 12 + 3 without akta + 5 married at 16 + 2 KIA → 22 of which 12 (3 + 5 + 2 without akta);
    # P 10 of 10; all 32 of 22 with akta
    assert akta == {
        ("888", "L"): (54.55, 12, 22),
        ("888", "P"): (100.0, 10, 10),
        ("888", None): (68.75, 22, 32),
    }
    ktp = await tabel(gudang, dukcapil, "cakupan-ktp-el", "kode_kelurahan", A, "2026-01-31")
    # wajib KTP: 11 women (all KTP-el), 5 married 16-year-olds and the man born 1980 (none)
    assert ktp == {("888", "L"): (0.0, 0, 6), ("888", "P"): (100.0, 11, 11), ("888", None): (64.71, 11, 17)}
    ktp_feb = await tabel(gudang, dukcapil, "cakupan-ktp-el", "kode_kelurahan", A, "2026-02-01")
    assert ktp_feb[("888", "L")] == (0.0, 0, 5)  # he died on 1 February
    rekam = await tabel(gudang, dukcapil, "wajib-ktp-menurut-status-rekam", "kode_kelurahan", A, "2026-01-31")
    # the man born 1980 has no status_rekam (1 → hidden); then the 5 BELUM REKAM men, or the L and all
    # columns would give him away; the totals stay (6 + 11 = 17 cannot be split back)
    assert {k: n for k, n in rekam.items() if n} == {
        ("2", "L"): "pelengkap", ("2", None): "pelengkap", ("8", "P"): 11, ("8", None): 11,
        ("777", "L"): "sel-kecil", ("777", None): "sel-kecil",
        ("888", "L"): 6, ("888", "P"): 11, ("888", None): 17,
    }  # fmt: skip
    nikah = await tabel(gudang, dukcapil, "cakupan-akta-perkawinan", "kode_kelurahan", A, "2026-01-31")
    # kawin: 10 women with akta and 1 without (a complement of 1: hidden), 5 men without; the men's cell is
    # hidden too, or L + P = all would give the women's back
    assert nikah == {("888", "L"): "pelengkap", ("888", "P"): "sel-kecil", ("888", None): (62.5, 10, 16)}
