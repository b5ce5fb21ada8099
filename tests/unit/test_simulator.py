"""The synthetic Kota Bima simulator: population, the new resident fields, and the change stream.

Other record types, events and the monthly report: test_simulator_rekaman.py; sinks: test_simulator_penerima.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections import Counter
from typing import Any

import pytest

from connectors.simulator import (
    KOLOM_CITRA,
    WITA,
    GeneratorPerubahan,
    Populasi,
    buat_populasi,
    keadaan_akhir,
    keadaan_akhir_semua,
    snapshot,
)
from connectors.simulator.populasi import DAFTAR_KOLOM
from connectors.simulator.sebaran import PELUANG_KOSONG, TARGET_KECAMATAN, umur_pada
from satudata.jenis import JENIS as JENIS_HUB
from satudata.jenis import periksa_perubahan
from satudata.kode import daftar
from satudata.perubahan import PerubahanValid
from satudata.wilayah import Tingkat, referensi_kota_bima

ACUAN = dt.date(2026, 6, 30)
MULAI = dt.datetime(2026, 7, 1, 8, 0, tzinfo=WITA)
Record = dict[str, Any]


@pytest.fixture(scope="module")
def kota() -> tuple[Populasi, float]:
    """The full-size city (≈165k residents) and how long it took to build."""
    awal = time.perf_counter()
    pop = buat_populasi(2026, 1.0, ACUAN)
    return pop, time.perf_counter() - awal


def kecil(seed: int = 7) -> Populasi:
    return buat_populasi(seed, 0.05, ACUAN)


def aliran(
    seed: int = 7, n: int = 6000, **opsi: Any
) -> tuple[Populasi, list[Record], list[Record], GeneratorPerubahan]:
    pop = kecil(seed)
    awal = list(snapshot(pop))
    gen = GeneratorPerubahan(pop, seed, MULAI, **opsi)
    return pop, awal, list(gen.aliran(n)), gen


def kunci(rec: Record) -> tuple[str, str, int]:
    return rec["jenis"], rec["kode_kelurahan"], rec["id"]


def penduduk(records: list[Record]) -> list[Record]:
    return [r for r in records if r["jenis"] == "penduduk"]


# -- population ---------------------------------------------------------------------------------------------


def test_populasi_deterministik() -> None:
    a, b, c = kecil(11), kecil(11), kecil(12)
    assert a.tabel == b.tabel and a.versi_jenis == b.versi_jenis
    assert list(snapshot(a)) == list(snapshot(b))
    assert a.penduduk != c.penduduk


def test_kota_penuh_sesuai_target(kota: tuple[Populasi, float]) -> None:
    pop, detik = kota
    assert detik < 10, f"membangun 165k penduduk butuh {detik:.1f} s"
    assert len(pop.penduduk) == pytest.approx(165_100, rel=0.01)
    jumlah_kk = len({(c["kode_kelurahan"], c["id_kk"]) for c in pop.penduduk.values()})
    assert jumlah_kk == pytest.approx(44_700, rel=0.03)
    per_kec = Counter(k[0][:6] for k in pop.penduduk)
    for kode, target in TARGET_KECAMATAN.items():
        assert per_kec[kode] == pytest.approx(target, rel=0.05)
    per_kel = Counter(k[0] for k in pop.penduduk)
    rata = len(pop.penduduk) / 41
    assert all(0.38 * rata <= n <= 2.05 * rata for n in per_kel.values()), per_kel
    sex = Counter(c["sex"] for c in pop.penduduk.values())
    assert 95 <= 100 * sex[1] / sex[2] <= 105


def test_41_kelurahan_terisi_dan_id_lokal() -> None:
    pop = kecil()
    ref = referensi_kota_bima()
    semua = {w.kode for w in ref.semua(Tingkat.KELURAHAN)}
    per_kel = Counter(k[0] for k in pop.penduduk)
    assert set(per_kel) == semua and len(semua) == 41
    assert min(per_kel.values()) >= 50
    for kode, n in per_kel.items():  # ids per kelurahan 1..n, like tweb_penduduk.id per config
        assert sorted(i for k, i in pop.penduduk if k == kode) == list(range(1, n + 1))
        klaster = pop.klaster[kode]
        assert 2 <= len({d for d, _, _ in klaster}) <= 6
        assert all(len(rw) == 3 and len(rt) == 3 and rw.isdigit() and rt.isdigit() for _, rw, rt in klaster)


def test_kode_dalam_daftar_opensid_dan_ada_yang_kosong(kota: tuple[Populasi, float]) -> None:
    pop, _ = kota
    citra = list(pop.penduduk.values())
    n = len(citra)
    for c in citra[:2000]:
        assert tuple(c) == KOLOM_CITRA
    for kolom, nama in DAFTAR_KOLOM.items():
        nilai = Counter(c[kolom] for c in citra)
        salah = {v for v in nilai if v is not None and v not in daftar(nama)}
        assert not salah, f"{kolom}: {salah}"
        if kolom in PELUANG_KOSONG:  # BELUM MENGISI is real data
            assert nilai[None] / n == pytest.approx(PELUANG_KOSONG[kolom], rel=0.35, abs=0.001), kolom
    assert all(c["status_dasar"] == 1 for c in citra)
    assert sum(c["tanggallahir"] is None for c in citra) / n == pytest.approx(0.005, rel=0.35)
    agama = Counter(c["agama_id"] for c in citra if c["agama_id"] is not None)
    assert 0.95 <= agama[1] / agama.total() <= 0.99 and {2, 3, 4, 5} <= set(agama)
    umur = [umur_pada(dt.date.fromisoformat(c["tanggallahir"]), ACUAN) for c in citra if c["tanggallahir"]]
    assert min(umur) == 0 and max(umur) <= 95
    assert 0.20 <= sum(u < 15 for u in umur) / len(umur) <= 0.35  # a young city
    anak = Counter(c["pekerjaan_id"] for c in citra if c["tanggallahir"] and c["tanggallahir"] > "2014-01-01")
    assert set(anak) <= {1, 3, None}


def test_nik_dan_no_kk(kota: tuple[Populasi, float]) -> None:
    pop, _ = kota
    citra = list(pop.penduduk.values())
    jenis = Counter("nol" if c["nik"] == "0" else "sementara" if c["nik"][0] == "0" else "tetap"
                    for c in citra)  # fmt: skip
    assert jenis["sementara"] / len(citra) == pytest.approx(0.01, rel=0.3)
    assert jenis["nol"] / len(citra) == pytest.approx(0.002, rel=0.4)
    tetap = [c for c in citra if c["nik"] != "0"]
    assert len({c["nik"] for c in tetap}) == len(tetap)
    assert all(len(c["nik"]) == 16 and c["nik"].isdigit() for c in tetap)
    assert all(len(c["no_kk"]) == 16 and c["no_kk"].startswith("5272") for c in citra)
    sementara = [c for c in tetap if c["nik"][0] == "0"]
    assert all(c["nik"][1:11] == c["kode_kelurahan"] for c in sementara)
    for c in tetap[:20_000]:
        if c["nik"][0] != "0" and c["sex"] is not None and c["tanggallahir"]:
            lahir = dt.date.fromisoformat(c["tanggallahir"])
            hari = int(c["nik"][6:8])
            assert hari == lahir.day + (40 if c["sex"] == 2 else 0)
            assert c["nik"][8:12] == f"{lahir.month:02d}{lahir.year % 100:02d}"
    asal = Counter(c["nik"][:6] == c["kode_kelurahan"][:6] for c in tetap if c["nik"][0] != "0")
    assert asal[True] / asal.total() > 0.8


# -- change stream ------------------------------------------------------------------------------------------


def test_aliran_deterministik_dan_campuran() -> None:
    _, _, a, gen = aliran(5, 3000)
    _, _, b, _ = aliran(5, 3000)
    assert a == b and len(a) >= 3000
    assert {r["op"] for r in a} == {"create", "update", "delete"}
    assert all(r["sistem"] == "SIMULATOR" and r["ts"].endswith("+08:00") for r in a)
    for jenis in ("lahir", "mati", "pindah_dalam", "pindah_kelurahan", "pindah_kecamatan", "pindah_masuk",
                  "ubah", "ganti_nik", "hapus", "duplikat", "acak_urutan", "keluarga_datang", "keluarga_pindah",
                  "pecah_kk", "surat", "bantuan_tambah", "bantuan_hapus", "pergi"):  # fmt: skip
        assert gen.statistik[jenis] > 0, jenis
    unik = {r["event_id"]: r for r in a}.values()
    batas = (MULAI.date() - dt.timedelta(days=31)).isoformat()  # newborns are at most 30 days old
    lahir = {(r["kode_kelurahan"], r["data"]["id_pend"]) for r in unik
             if r["jenis"] == "peristiwa" and r["op"] == "create" and r["data"]["kode_peristiwa"] == 1}  # fmt: skip
    bayi = {
        (r["kode_kelurahan"], r["id"]): r["data"]
        for r in unik
        if r["jenis"] == "penduduk" and r["op"] == "create"
    }
    assert len(lahir) == gen.statistik["lahir"] and lahir <= set(bayi)
    assert all(bayi[k]["kk_level"] == 4 and bayi[k]["status_kawin"] == 1 for k in lahir)
    assert all(bayi[k]["tanggallahir"] >= batas for k in lahir)


def test_semua_record_lolos_validasi_hub() -> None:
    ref = referensi_kota_bima()
    _, awal, rekaman, _ = aliran(9, 4000)
    sekarang = dt.datetime.fromisoformat(max(r["ts"] for r in rekaman)) + dt.timedelta(minutes=1)
    ditolak = [
        (r, hasil) for r in awal + rekaman
        if not isinstance(hasil := periksa_perubahan(JENIS_HUB[r["jenis"]], r, ref, sekarang=sekarang), PerubahanValid)
    ]  # fmt: skip
    assert not ditolak[:3]


def test_versi_naik_tegas_per_kunci() -> None:
    pop, awal, rekaman, _ = aliran(3, 6000)
    unik = {r["event_id"]: r for r in awal + rekaman}.values()
    versi: dict[tuple[str, str, int], list[int]] = {}
    waktu: dict[tuple[str, str, int], list[tuple[int, str]]] = {}
    for r in unik:
        versi.setdefault(kunci(r), []).append(r["version"])
        waktu.setdefault(kunci(r), []).append((r["version"], r["ts"]))
    for k, daftar_versi in versi.items():
        assert sorted(daftar_versi) == list(range(1, pop.versi_jenis[k[0]][k[1:]] + 1)), (
            k
        )  # no gaps, no repeats
        urut = [ts for _, ts in sorted(waktu[k])]
        assert urut == sorted(urut)
    assert set(versi) == {(j, *k) for j, semua in pop.versi_jenis.items() for k in semua}


def test_duplikat_membawa_event_id_yang_sama() -> None:
    _, _, rekaman, gen = aliran(4, 5000, duplikat=0.05, acak_urutan=0.0)
    pertama: dict[str, Record] = {}
    ganda = 0
    for r in rekaman:
        if r["event_id"] in pertama:
            ganda += 1
            assert r == pertama[r["event_id"]]
        else:
            pertama[r["event_id"]] = r
    assert ganda == gen.statistik["duplikat"]
    assert ganda / len(rekaman) == pytest.approx(0.05 / 1.05, rel=0.3)
    _, _, bersih, _ = aliran(4, 2000, duplikat=0.0, acak_urutan=0.0)
    assert len({r["event_id"] for r in bersih}) == len(bersih)


def test_acak_urutan_versi_lama_datang_belakangan() -> None:
    def terlambat(rekaman: list[Record]) -> Counter[str]:
        tertinggi: dict[tuple[str, str, int], int] = {}
        jumlah: Counter[str] = Counter()
        for r in rekaman:
            jumlah[r["jenis"]] += r["version"] < tertinggi.get(kunci(r), 0)
            tertinggi[kunci(r)] = max(tertinggi.get(kunci(r), 0), r["version"])
        return +jumlah

    _, _, acak, gen = aliran(6, 4000, duplikat=0.0, acak_urutan=0.05)
    jumlah = terlambat(acak)
    assert jumlah.total() == gen.statistik["acak_urutan"] > 0.012 * len(acak)
    assert len(jumlah) >= 3  # not only residents
    _, _, rapi, _ = aliran(6, 2000, duplikat=0.0, acak_urutan=0.0)
    assert not terlambat(rapi)


def test_pindah_antar_kecamatan_semantik_opensid() -> None:
    pop, awal, rekaman, gen = aliran(8, 6000, duplikat=0.0, acak_urutan=0.0)
    sudah_ada = {kunci(r) for r in awal}
    tujuan = {
        (r["kode_kelurahan"], r["data"]["id_pend"]): r["data"]
        for r in rekaman
        if r["jenis"] == "peristiwa" and r["op"] == "create" and r["data"]["kode_peristiwa"] == 3
    }
    pasangan = [
        (lama, baru) for lama, baru in itertools.pairwise(penduduk(rekaman))
        if lama["op"] == "update" and lama["data"]["status_dasar"] == 3 and baru["op"] == "create"
        and (baru["data"]["nik"], baru["data"]["nama"]) == (lama["data"]["nik"], lama["data"]["nama"])
    ]  # fmt: skip
    assert len(pasangan) == gen.statistik["pindah_kelurahan"] + gen.statistik["pindah_kecamatan"]
    antar_kec = [(a, b) for a, b in pasangan if a["kode_kelurahan"][:6] != b["kode_kelurahan"][:6]]
    assert len(antar_kec) == gen.statistik["pindah_kecamatan"] > 50
    for lama, baru in antar_kec:
        assert lama["data"]["kode_kelurahan"] == lama["kode_kelurahan"]  # the old record stays in A
        assert baru["data"]["kode_kelurahan"] == baru["kode_kelurahan"]
        assert baru["data"]["status_dasar"] == 1 and baru["version"] == 1 and kunci(baru) not in sudah_ada
        assert baru["data"]["tanggallahir"] == lama["data"]["tanggallahir"]
        assert pop.penduduk[kunci(lama)[1:]]["status_dasar"] == 3 or kunci(lama)[1:] not in pop.penduduk
        log = tujuan[(lama["kode_kelurahan"], lama["id"])]
        assert (log["kode_peristiwa"], log["ref_pindah"], log["kode_kelurahan_tujuan"]) == (
            3,
            2,
            baru["kode_kelurahan"],
        )
        assert baru["berlaku"] == lama["berlaku"] == log["tgl_peristiwa"]


def test_keadaan_akhir_sama_dengan_replay() -> None:
    pop, awal, rekaman, _ = aliran(10, 8000, duplikat=0.03, acak_urutan=0.03)
    replay: dict[tuple[str, str, int], tuple[int, Record | None]] = {}
    for r in awal + rekaman:
        k = kunci(r)
        if k not in replay or r["version"] > replay[k][0]:
            replay[k] = (r["version"], None if r["op"] == "delete" else r["data"])
    semua = keadaan_akhir_semua(pop)
    assert {k: data for k, (_, data) in replay.items()} == {
        (jenis, *k): citra for jenis, isi in semua.items() for k, citra in isi.items()
    }
    akhir = keadaan_akhir(pop)
    assert akhir == semua["penduduk"]
    assert any(v is None for v in akhir.values())
    assert any(v is None for v in semua["peristiwa"].values()) and any(
        v is None for v in semua["bantuan-peserta"].values()
    )
    hidup = sum(1 for v in akhir.values() if v is not None and v["status_dasar"] == 1)
    assert hidup == sum(1 for c in pop.penduduk.values() if c["status_dasar"] == 1)


def test_generator_menolak_waktu_tanpa_zona() -> None:
    with pytest.raises(ValueError):
        GeneratorPerubahan(kecil(), 1, dt.datetime(2026, 7, 1))  # noqa: DTZ001
    with pytest.raises(ValueError):
        GeneratorPerubahan(kecil(), 1, dt.datetime(2026, 1, 1, tzinfo=WITA))
    with pytest.raises(ValueError):
        GeneratorPerubahan(kecil(), 1, MULAI, jenis=["penduduk", "kartu"])


def test_kolom_baru_penduduk_masuk_akal(kota: tuple[Populasi, float]) -> None:
    pop, _ = kota
    citra = list(pop.penduduk.values())
    n = len(citra)

    def umur(c: Record) -> int:
        return umur_pada(dt.date.fromisoformat(c["tanggallahir"]), ACUAN)

    berumur = [(umur(c), c) for c in citra if c["tanggallahir"]]
    status = Counter(c["status"] for c in citra)
    assert status[None] == 0 and 0.95 < status[1] / n < 0.99
    sakit = Counter(c["sakit_menahun_id"] for c in citra)
    assert 0.9 < sakit[14] / n < 0.97 and len(sakit) >= 10
    for u, c in berumur:
        bisa = (
            c["sex"] in (2, None) and c["status_kawin"] in (2, None) and 15 <= u <= 49
        )  # None: emptied later
        assert c["cara_kb_id"] is None or bisa
        assert c["hamil"] in (None, 2) or bisa
        assert c["akta_perkawinan"] is None or c["status_kawin"] in (2, 3, 4, None)
        wajib = u >= 17 or c["status_kawin"] in (2, 3, 4)
        if c["status_rekam"] is not None and c["status_kawin"] is not None:  # BELUM WAJIB, KIA: children only
            assert (c["status_rekam"] == 1) != wajib and (c["ktp_el"] == 2) == (c["status_rekam"] > 2)
            assert c["ktp_el"] != 3 or not wajib
    subur = [c for u, c in berumur if c["sex"] == 2 and c["status_kawin"] == 2 and 15 <= u <= 49]
    hamil = Counter(c["hamil"] for c in subur)
    assert 0.03 < hamil[1] / len(subur) < 0.12 and hamil[2] > 0.8 * len(subur)
    assert 0.5 < sum(c["cara_kb_id"] not in (None, 100) for c in subur) / len(subur) < 0.75
    sedang = {u: Counter(c["pendidikan_sedang_id"] for v, c in berumur if v == u) for u in (1, 9, 14, 17, 40)}
    assert sedang[1].most_common(1)[0][0] == 1 and sedang[9].most_common(1)[0][0] == 4
    assert sedang[14].most_common(1)[0][0] == 6 and sedang[17].most_common(1)[0][0] == 7
    assert sedang[40].most_common(1)[0][0] == 18
    akta = {b: [c["akta_lahir"] is not None for u, c in berumur if b <= u < b + 10] for b in (5, 65)}
    assert sum(akta[5]) / len(akta[5]) > 0.85 > 0.25 > sum(akta[65]) / len(akta[65])
    assert all(a.startswith("5272-LT-") for c in citra if (a := c["akta_lahir"]))
    kawin = [c for c in citra if c["status_kawin"] == 2]
    assert 0.7 < sum(c["akta_perkawinan"] is not None for c in kawin) / len(kawin) < 0.9
    bpjs = [c for c in citra if c["bpjs_ketenagakerjaan"]]
    assert 0.03 < len(bpjs) / n < 0.12 and all(c["pekerjaan_id"] not in (1, 2, 3) for c in bpjs)
    suku = Counter(c["suku"] for c in citra)
    assert 0.8 < suku["MBOJO"] / n < 0.92 and {"BUGIS", "JAWA", "SASAK", "BALI"} <= set(suku)
    assert 0.005 < suku[None] / n < 0.04
    asuransi = Counter(c["id_asuransi"] for c in citra)
    assert asuransi[2] > 0.25 * n and asuransi[3] > 0.25 * n and {1, 4, 99} <= set(asuransi)
    assert 0.005 < sum(c["ktp_el"] is None for c in citra) / n < 0.02
