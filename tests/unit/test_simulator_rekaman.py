"""Every record type of the synthetic city: presence, ids, events against resident changes, references, letters,
assistance, and the monthly report (laporan bulanan) identity recounted from the emitted records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from connectors.simulator import (
    JENIS,
    WITA,
    GeneratorPerubahan,
    Populasi,
    aktif_pada,
    buat_populasi,
    keadaan_akhir_semua,
    laporan_bulanan,
    snapshot,
)
from connectors.simulator.bantuan import UMUM
from satudata.wilayah import referensi_kota_bima

ACUAN = dt.date(2026, 6, 30)
MULAI = dt.datetime(2026, 7, 1, 8, 0, tzinfo=WITA)
Record = dict[str, Any]
Kunci = tuple[str, str, int]
STATUS = {2: 2, 3: 3, 4: 4, 6: 6}  # kode_peristiwa → status_dasar after it


def kunci(r: Record) -> Kunci:
    return r["jenis"], r["kode_kelurahan"], r["id"]


def hari(r: Record) -> str:
    return str(r["ts"])[:10]  # WITA (+08:00) ISO time: its date is the WITA date


def unik(records: list[Record]) -> list[Record]:
    """The records without re-sent duplicates, in emission order."""
    dilihat: set[str] = set()
    hasil = []
    for r in records:
        if r["event_id"] not in dilihat:
            dilihat.add(r["event_id"])
            hasil.append(r)
    return hasil


@pytest.fixture(scope="module")
def kota() -> tuple[Populasi, list[Record], list[Record]]:
    """A small city over about four months (changes every ~20 min, 2 letters per kelurahan per day)."""
    pop = buat_populasi(21, 0.05, ACUAN)
    awal = list(snapshot(pop))
    gen = GeneratorPerubahan(pop, 22, MULAI, jeda=dt.timedelta(minutes=20), surat_per_hari=2.0)
    return pop, awal, list(gen.aliran(25_000))


def test_setiap_jenis_ada_di_snapshot_dan_aliran(kota: tuple[Populasi, list[Record], list[Record]]) -> None:
    _, awal, rekaman = kota
    assert Counter(r["jenis"] for r in awal).keys() == set(JENIS) == {r["jenis"] for r in rekaman}
    assert all(r["op"] == "snapshot" and "berlaku" not in r for r in awal)
    ops = {(r["jenis"], r["op"]) for r in rekaman}
    for jenis in JENIS:
        assert (jenis, "create") in ops, jenis
    for jenis in ("penduduk", "keluarga", "bantuan-program", "surat"):
        assert (jenis, "update") in ops, jenis
    assert {("penduduk", "delete"), ("peristiwa", "delete"), ("bantuan-peserta", "delete")} <= ops
    assert hari(rekaman[-1]) > "2026-10-01"  # the stream spans months
    assert len({k[1:] for k in map(kunci, awal) if k[0] == "bantuan-program"}) >= 41 * 5


def test_deterministik_dan_id_naik_per_kelurahan_dan_jenis() -> None:
    def jalan(seed: int) -> tuple[list[Record], list[Record]]:
        pop = buat_populasi(seed, 0.02, ACUAN)
        gen = GeneratorPerubahan(
            pop, seed, MULAI, duplikat=0.0, acak_urutan=0.0, jeda=dt.timedelta(minutes=5)
        )
        return list(snapshot(pop)), list(gen.aliran(5000))

    awal, rekaman = jalan(3)
    assert (awal, rekaman) == jalan(3)
    assert rekaman != jalan(4)[1]
    terakhir: dict[tuple[str, str], int] = {}
    for r in awal:
        k = (r["jenis"], r["kode_kelurahan"])
        assert r["id"] == terakhir.get(k, 0) + 1, k  # 1, 2, 3… per kelurahan and type
        terakhir[k] = r["id"]
    for r in rekaman:
        k = (r["jenis"], r["kode_kelurahan"])
        if r["op"] == "create":
            assert r["id"] > terakhir.get(k, 0), r  # auto-increment: never reused
            terakhir[k] = r["id"]
        else:
            assert r["id"] <= terakhir[k]


def test_tiap_peristiwa_sesuai_perubahan_penduduk(kota: tuple[Populasi, list[Record], list[Record]]) -> None:
    _, awal, rekaman = kota
    ref = referensi_kota_bima()
    aliran = unik(rekaman)
    penduduk = {(r["kode_kelurahan"], r["id"], r["version"]): r for r in aliran if r["jenis"] == "penduduk"}
    # every resident change that carries an effective date (a create or a status change) and its log
    berlaku = {
        (k[0], k[1], r["op"]): r
        for k, r in penduduk.items()
        if "berlaku" in r and (r["op"] == "create" or r["data"]["status_dasar"] != 1)
    }
    logs = [r for r in aliran if r["jenis"] == "peristiwa" and r["op"] == "create"]

    def op(log: Record) -> str:
        return "create" if log["data"]["kode_peristiwa"] in (1, 5) else "update"

    assert sorted((r["kode_kelurahan"], r["data"]["id_pend"], op(r)) for r in logs) == sorted(berlaku)
    jeda = []
    for log in logs:
        citra = log["data"]
        res = berlaku[(log["kode_kelurahan"], citra["id_pend"], op(log))]
        assert citra["tgl_lapor"] == hari(log) == hari(res)
        assert res["berlaku"] == log["berlaku"] == citra["tgl_peristiwa"] <= citra["tgl_lapor"]
        assert citra["tgl_peristiwa"] >= ACUAN.isoformat()
        kode = citra["kode_peristiwa"]
        if kode in (1, 5):
            assert res["op"] == "create" and res["data"]["status_dasar"] == 1
            assert kode == 5 or res["data"]["tanggallahir"] == citra["tgl_peristiwa"]
        else:
            assert res["op"] == "update" and res["data"]["status_dasar"] == STATUS[kode]
        assert (citra["jenis_kelamin"], citra["warganegara_id"]) == (
            res["data"]["sex"],
            res["data"]["warganegara_id"],
        )
        assert (citra["sebab"] is not None) == (kode == 2) and (citra["ref_pindah"] is not None) == (
            kode == 3
        )
        if kode == 3:
            tujuan = citra["kode_kelurahan_tujuan"]
            assert (tujuan is not None) == (citra["ref_pindah"] in (1, 2))
            if tujuan is not None:
                assert ref.kelurahan(tujuan) and tujuan != log["kode_kelurahan"]
                assert (tujuan[:6] == log["kode_kelurahan"][:6]) == (citra["ref_pindah"] == 1)
        jeda.append(
            (dt.date.fromisoformat(citra["tgl_lapor"]) - dt.date.fromisoformat(citra["tgl_peristiwa"])).days
        )
    jumlah = Counter(log["data"]["kode_peristiwa"] for log in logs)
    assert all(jumlah[k] > 0 for k in range(1, 7)), jumlah
    assert jumlah[4] < jumlah[2] / 5 and jumlah[6] < jumlah[2] / 3  # the missing and leaving are rare
    assert (
        max(jeda) == 30 and sorted(jeda)[len(jeda) // 2] <= 3 and sum(j > 7 for j in jeda) > 0.05 * len(jeda)
    )
    lintas = [g for g in logs if g["data"]["tgl_peristiwa"][:7] != g["data"]["tgl_lapor"][:7]]
    assert len(lintas) > 20  # reported in the month after it happened
    assert sum(r["jenis"] == "peristiwa" for r in awal) > 0  # last year's births in the snapshot


def test_keluarga_dan_peserta_merujuk_rekaman_yang_ada(
    kota: tuple[Populasi, list[Record], list[Record]],
) -> None:
    pop, _, rekaman = kota
    akhir = keadaan_akhir_semua(pop)
    penduduk = {k: c for k, c in akhir["penduduk"].items() if c is not None}
    hidup = {k: c for k, c in penduduk.items() if c["status_dasar"] == 1}
    keluarga = {k: c for k, c in akhir["keluarga"].items() if c is not None}
    aktif = {k: c for k, c in keluarga.items() if c["status_dasar"] == 1}
    assert {(k[0], c["id_kk"]) for k, c in hidup.items()} == set(aktif)  # an active family has living members
    kepala: Counter[int | None] = Counter()
    for k, c in aktif.items():
        head = hidup[(k[0], c["nik_kepala"])]
        assert (
            head["id_kk"] == k[1] and head["no_kk"] == c["no_kk"] and c["jenis_kelamin_kepala"] == head["sex"]
        )
        kepala[head["kk_level"]] += 1
    assert kepala[1] > 0.95 * len(aktif)
    berakhir = [c for c in keluarga.values() if c["status_dasar"] == 2]
    assert berakhir and all((c["kode_kelurahan"], c["nik_kepala"]) in penduduk for c in berakhir)
    program = {k: c for k, c in akhir["bantuan-program"].items() if c is not None}
    peserta = [c for c in akhir["bantuan-peserta"].values() if c is not None]
    for c in peserta:
        assert (c["kode_kelurahan"], c["program_id"]) in program
        if c["sasaran"] == 1:
            orang = hidup[(c["kode_kelurahan"], c["id_penduduk"])]
            assert (c["peserta"], c["jenis_kelamin"], c["id_keluarga"]) == (orang["nik"], orang["sex"], None)
        else:
            kk = aktif[(c["kode_kelurahan"], c["id_keluarga"])]
            assert (c["peserta"], c["jenis_kelamin"], c["id_penduduk"]) == (
                kk["no_kk"],
                kk["jenis_kelamin_kepala"],
                None,
            )
    kelas = Counter(
        aktif[(c["kode_kelurahan"], c["id_keluarga"])]["kelas_sosial"] for c in peserta if c["sasaran"] == 2
    )
    assert kelas[1] + kelas[2] > 0.6 * kelas.total() and kelas[1] / 17 > 4 * kelas[4] / 17
    nama = Counter(program[(c["kode_kelurahan"], c["program_id"])]["nama"] for c in peserta)
    assert all(nama[jp.nama] > 0 for jp in UMUM)
    for c in program.values():
        assert c["sasaran"] in (1, 2) and c["status"] in (0, 1) and c["sdate"] <= c["edate"]
        assert c["asaldana"] in ("Pusat", "Provinsi", "Kab/Kota", "Dana Desa", "Lain-lain (Hibah)")
    mati = {
        (r["kode_kelurahan"], r["data"]["id_pend"])
        for r in rekaman
        if r["jenis"] == "peristiwa" and r["data"]
    }
    assert not {(c["kode_kelurahan"], c["id_penduduk"]) for c in peserta if c["sasaran"] == 1} & (
        mati - set(hidup)
    )


def test_surat_mengalir_untuk_penduduk_hidup(kota: tuple[Populasi, list[Record], list[Record]]) -> None:
    _, awal, rekaman = kota
    hidup: dict[tuple[str, int], tuple[int, bool]] = {
        (r["kode_kelurahan"], r["id"]): (1, True) for r in awal if r["jenis"] == "penduduk"
    }
    dibuat: Counter[tuple[str, int]] = Counter()
    per_hari: Counter[str] = Counter()
    status: Counter[tuple[str, int]] = Counter()
    for r in unik(rekaman):
        k = (r["kode_kelurahan"], r["id"])
        if r["jenis"] == "penduduk" and r["version"] > hidup.get(k, (0, False))[0]:
            hidup[k] = (r["version"], r["op"] != "delete" and r["data"]["status_dasar"] == 1)
        elif r["jenis"] == "surat":
            status[(r["op"], r["data"]["status"])] += 1
            if r["op"] == "create":
                dibuat[k] += 1
                per_hari[hari(r)] += 1
                assert r["data"]["tanggal"] == hari(r) and hidup[(k[0], r["data"]["id_pend"])][1]
                assert r["data"]["kecamatan"] in (1, 2, 3) and isinstance(r["data"]["tte"], bool)
    assert max(dibuat.values()) == 1
    assert status[("create", 1)] > 6 * status[("create", 0)] > 0
    assert status[("update", 1)] >= 0.9 * status[("create", 0)]  # drafts printed later
    harian = sorted(per_hari.values())[1:-1]  # whole days only
    assert 41 * 2 * 0.7 < sum(harian) / len(harian) < 41 * 2 * 1.3
    nama = {r["data"]["nama_surat"] for r in rekaman if r["jenis"] == "surat" and r["data"]}
    assert {"Surat Keterangan Domisili", "Surat Keterangan Tidak Mampu", "Surat Pengantar SKCK"} <= nama


def _stok(aliran: list[Record], jenis: str, tanggal: str, dihapus: set[Kunci]) -> Counter[str]:
    """Independent recount: active records of ``jenis`` per kelurahan at the end of ``tanggal``, from every
    version's effective date (``berlaku``, else the date of ``ts``), leaving out the ``dihapus`` keys."""
    versi: dict[Kunci, list[tuple[int, str, bool]]] = {}
    for r in aliran:
        if r["jenis"] == jenis and kunci(r) not in dihapus:
            aktif = r["op"] != "delete" and r["data"]["status_dasar"] == 1
            versi.setdefault(kunci(r), []).append((r["version"], r.get("berlaku") or hari(r), aktif))
    hasil: Counter[str] = Counter()
    for k, semua in versi.items():
        semua.sort()
        assert [b for _, b, _ in semua] == sorted(b for _, b, _ in semua), k  # effective dates never go back
        status = [a for _, b, a in semua if b <= tanggal]
        hasil[k[1]] += bool(status) and status[-1]
    return +hasil


def test_laporan_bulanan_akhir_sama_dengan_awal_ditambah_mutasi(
    kota: tuple[Populasi, list[Record], list[Record]],
) -> None:
    pop, awal, rekaman = kota
    aliran = awal + unik(rekaman)
    final: dict[Kunci, Record] = {}
    for r in aliran:
        if kunci(r) not in final or r["version"] > final[kunci(r)]["version"]:
            final[kunci(r)] = r
    peristiwa = [
        r["data"]
        for k, r in final.items()
        if k[0] in ("peristiwa", "peristiwa-keluarga") and r["op"] != "delete"
    ]
    dihapus = {k for k, r in final.items() if r["op"] == "delete"}
    assert any(k[0] == "penduduk" for k in dihapus)
    bulan = [(2026, 7), (2026, 8), (2026, 9)]
    for tahun, b in bulan:
        mulai = dt.date(tahun, b, 1)
        akhir = (mulai + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        sebelum = (mulai - dt.timedelta(days=1)).isoformat()
        laporan = laporan_bulanan(pop, tahun, b)
        mutasi: dict[str, Counter[tuple[str, int]]] = {}
        for c in peristiwa:
            if mulai.isoformat() <= c["tgl_peristiwa"] <= akhir.isoformat():
                baris = ("p", c["kode_peristiwa"]) if "kode_peristiwa" in c else ("k", c["id_peristiwa"])
                mutasi.setdefault(c["kode_kelurahan"], Counter())[baris] += 1
        for jenis, masuk, keluar in (
            ("penduduk", [("p", 1), ("p", 5)], [("p", 2), ("p", 3), ("p", 4), ("p", 6)]),
            ("keluarga", [("k", 1), ("k", 5), ("k", 12)], [("k", 2), ("k", 3), ("k", 4), ("k", 6)]),
        ):
            awal_bulan = _stok(aliran, jenis, sebelum, dihapus)
            akhir_bulan = _stok(aliran, jenis, akhir.isoformat(), dihapus)
            assert awal_bulan == aktif_pada(pop, dt.date.fromisoformat(sebelum), jenis)
            assert akhir_bulan == aktif_pada(pop, akhir, jenis)
            for kode in sorted(pop.klaster):
                m = mutasi.get(kode, Counter())
                laporan_kel = laporan[kode]
                neto = sum(m[x] for x in masuk) - sum(m[x] for x in keluar)
                assert akhir_bulan[kode] == awal_bulan[kode] + neto, (tahun, b, jenis, kode, m)
                if jenis == "penduduk":
                    assert (laporan_kel["awal"], laporan_kel["akhir"]) == (
                        awal_bulan[kode],
                        akhir_bulan[kode],
                    )
                    assert (laporan_kel["lahir"], laporan_kel["mati"], laporan_kel["datang"]) == (
                        m[("p", 1)],
                        m[("p", 2)],
                        m[("p", 5)],
                    )
                    assert (laporan_kel["pindah"], laporan_kel["hilang"], laporan_kel["pergi"]) == (
                        m[("p", 3)],
                        m[("p", 4)],
                        m[("p", 6)],
                    )
                else:
                    assert (laporan_kel["kk_awal"], laporan_kel["kk_akhir"]) == (
                        awal_bulan[kode],
                        akhir_bulan[kode],
                    )
                    assert (
                        laporan_kel["kk_baru"] == m[("k", 1)] + m[("k", 12)]
                        and laporan_kel["kk_datang"] == m[("k", 5)]
                    )
    terakhir = dt.date.fromisoformat(hari(rekaman[-1]))
    assert _stok(aliran, "penduduk", terakhir.isoformat(), set()) == aktif_pada(
        pop, terakhir, dengan_dihapus=True
    )
    with pytest.raises(ValueError):
        aktif_pada(pop, ACUAN - dt.timedelta(days=1))


def test_jenis_terbatas_mengubah_kota_yang_sama() -> None:
    semua = GeneratorPerubahan(buat_populasi(5, 0.02, ACUAN), 5, MULAI)
    saja = GeneratorPerubahan(buat_populasi(5, 0.02, ACUAN), 5, MULAI, jenis={"penduduk"})
    a = [r for r in semua.aliran(3000) if r["jenis"] == "penduduk"]
    b = list(saja.aliran(len(a)))
    assert b[: len(a)] == a
    assert list(snapshot(saja.populasi, jenis=["surat"])) == [
        r for r in snapshot(semua.populasi) if r["jenis"] == "surat"
    ]
