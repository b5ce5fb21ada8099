"""A synthetic Kota Bima: residents (penduduk) in families (KK) over the 41 kelurahan, with their event logs,
social assistance programmes and issued letters.

:class:`Populasi` is the state of the city, one table per record type (docs/rekaman.md); :func:`buat_populasi`
builds it from the distributions of :mod:`connectors.simulator.sebaran` and :mod:`connectors.simulator.atribut`.
A few percent of every code field is deliberately empty (``None``): OpenSID reports those as BELUM MENGISI.
Everything is drawn from one ``random.Random(seed)``: the same seed, scale and date give the same city.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.simulator.atribut import (
    KELAS_SOSIAL,
    KOLOM_TAMBAHAN,
    PELUANG_TIDAK_TETAP,
    atribut_tambahan,
    pilih_suku,
)
from connectors.simulator.bantuan import isi_bantuan_awal
from connectors.simulator.dasar import JENIS, KELUARGA, PENDUDUK, Kunci
from connectors.simulator.keluarga import tetapkan_kepala
from connectors.simulator.peristiwa import isi_log_awal
from connectors.simulator.sebaran import (
    AGAMA,
    CACAT,
    GOLONGAN_DARAH,
    PELUANG_KOSONG,
    PELUANG_LAKI,
    TARGET_KECAMATAN,
    TEMPAT_LAHIR,
    WARGANEGARA,
    Klaster,
    alamat_acak,
    awalan_nik,
    buat_klaster,
    nama_acak,
    pilih_pekerjaan,
    pilih_pendidikan,
    susun_keluarga,
    tanggal_lahir_acak,
    umur_pada,
)
from connectors.simulator.surat import isi_surat_awal
from satudata.wilayah import Tingkat, referensi_kota_bima

__all__ = [
    "DAFTAR_KOLOM", "KOLOM_CITRA", "TANGGAL_ACUAN_BAKU", "Keluarga", "Kunci", "Populasi", "buat_citra",
    "buat_populasi", "keluarga_baru", "keluarga_dari", "tetapkan_kepala",
]  # fmt: skip

TANGGAL_ACUAN_BAKU = dt.date(2025, 12, 31)
# The resident image: OpenSID tweb_penduduk column names, in this order.
KOLOM_CITRA = (
    "nik", "nama", "no_kk", "id_kk", "kode_kelurahan", "dusun", "rw", "rt", "alamat_sekarang", "sex",
    "tempatlahir", "tanggallahir", "agama_id", "pendidikan_kk_id", "pekerjaan_id", "status_kawin", "kk_level",
    "warganegara_id", "golongan_darah_id", "cacat_id", *KOLOM_TAMBAHAN, "status_dasar",
)  # fmt: skip
# Code column of the image → OpenSID code list name (satudata.kode.daftar).
DAFTAR_KOLOM: dict[str, str] = {
    "sex": "jenis_kelamin", "agama_id": "agama", "pendidikan_kk_id": "pendidikan_kk",
    "pekerjaan_id": "pekerjaan", "status_kawin": "status_kawin", "kk_level": "hubungan_kk",
    "warganegara_id": "warganegara", "golongan_darah_id": "golongan_darah", "cacat_id": "cacat",
    "status_dasar": "status_dasar", "pendidikan_sedang_id": "pendidikan_sedang", "status": "status_penduduk",
    "sakit_menahun_id": "sakit_menahun", "cara_kb_id": "cara_kb", "hamil": "hamil", "id_asuransi": "asuransi",
    "ktp_el": "ktp_el", "status_rekam": "status_rekam",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Keluarga:
    """What the members of one KK share: kelurahan, KK ids, cluster and address (and, for a new KK, the date
    it was registered)."""

    kode_kelurahan: str
    id_kk: int
    no_kk: str
    klaster: Klaster
    alamat: str
    tgl_daftar: dt.date | None = None

    @property
    def kunci(self) -> Kunci:
        return (self.kode_kelurahan, self.id_kk)


@dataclass(slots=True)
class Populasi:
    """Current state ("the truth") of the city: images keyed ``(kode_kelurahan, id)`` per record type
    (``tabel[jenis]``; ``penduduk`` is ``tabel["penduduk"]``), versions, id counters and the status history
    (``riwayat``: per ``(jenis, key)`` of residents and families, the ``(berlaku, active)`` transitions after
    the snapshot; ``dihapus``: the hard deletes and their dates)."""

    seed: int
    skala: float
    tanggal_acuan: dt.date
    penduduk: dict[Kunci, dict[str, Any]] = field(default_factory=dict)
    versi: dict[Kunci, int] = field(default_factory=dict)  # kept for hard-deleted records too
    id_berikut: dict[str, int] = field(default_factory=dict)  # next free local id per kelurahan
    id_kk_berikut: dict[str, int] = field(default_factory=dict)
    klaster: dict[str, list[Klaster]] = field(default_factory=dict)
    serial: dict[str, int] = field(default_factory=dict)  # last NIK/KK serial per 12-digit prefix
    tabel: dict[str, dict[Kunci, dict[str, Any]]] = field(default_factory=dict)
    versi_jenis: dict[str, dict[Kunci, int]] = field(default_factory=dict)
    id_jenis: dict[tuple[str, str], int] = field(default_factory=dict)  # last id per (jenis, kelurahan)
    riwayat: dict[tuple[str, Kunci], list[tuple[dt.date, bool]]] = field(default_factory=dict)
    dihapus: dict[tuple[str, Kunci], dt.date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tabel[PENDUDUK], self.versi_jenis[PENDUDUK] = self.penduduk, self.versi
        for jenis in JENIS:
            self.tabel.setdefault(jenis, {})
            self.versi_jenis.setdefault(jenis, {})

    def id_baru(self, kode_kelurahan: str) -> int:
        """A fresh local record id of the kelurahan (ids are never reused, like an auto-increment)."""
        self.id_berikut[kode_kelurahan] += 1
        return self.id_berikut[kode_kelurahan] - 1

    def id_kk_baru(self, kode_kelurahan: str) -> int:
        self.id_kk_berikut[kode_kelurahan] += 1
        return self.id_kk_berikut[kode_kelurahan] - 1

    def id_baru_jenis(self, jenis: str, kode_kelurahan: str) -> int:
        """A fresh local id of a record of type ``jenis`` in the kelurahan (1, 2, 3… per kelurahan and type)."""
        if jenis == PENDUDUK:
            return self.id_baru(kode_kelurahan)
        if jenis == KELUARGA:
            return self.id_kk_baru(kode_kelurahan)
        nilai = self.id_jenis.get((jenis, kode_kelurahan), 0) + 1
        self.id_jenis[(jenis, kode_kelurahan)] = nilai
        return nilai

    def simpan(self, jenis: str, citra: dict[str, Any]) -> Kunci:
        """Add a new image of another type than penduduk under a fresh id (written to its ``id`` field)."""
        kode = str(citra["kode_kelurahan"])
        citra["id"] = self.id_baru_jenis(jenis, kode)
        return self.simpan_dengan(jenis, (kode, citra["id"]), citra)

    def simpan_dengan(self, jenis: str, kunci: Kunci, citra: dict[str, Any]) -> Kunci:
        self.tabel[jenis][kunci] = citra
        self.versi_jenis[jenis][kunci] = 1
        return kunci

    def catat_riwayat(self, jenis: str, kunci: Kunci, berlaku: dt.date, aktif: bool, *, baru: bool) -> None:
        """Record that ``kunci`` became active (alive) or not as of ``berlaku``; a key of the initial
        population first gets its implicit ``(tanggal_acuan, True)``."""
        riwayat = self.riwayat.get((jenis, kunci))
        if riwayat is None:
            riwayat = self.riwayat[(jenis, kunci)] = [] if baru else [(self.tanggal_acuan, True)]
        riwayat.append((berlaku, aktif))

    def _serial(self, awalan: str, batas: int) -> int:
        nilai = self.serial.get(awalan, 0) + 1
        if nilai >= batas:
            raise RuntimeError(f"nomor urut untuk awalan {awalan} sudah habis")
        self.serial[awalan] = nilai
        return nilai

    def nik_baru(self, awalan: str, lahir: dt.date, perempuan: bool) -> str:
        """16-digit NIK: 6-digit kecamatan of first registration + DDMMYY (women DD+40) + serial."""
        tengah = f"{lahir.day + (40 if perempuan else 0):02d}{lahir.month:02d}{lahir.year % 100:02d}"
        return f"{awalan}{tengah}{self._serial(awalan + tengah, 10_000):04d}"

    def nik_sementara(self, kode_kelurahan: str) -> str:
        """Temporary NIK: ``"0"`` + 10-digit kode kelurahan + 5-digit serial."""
        return f"0{kode_kelurahan}{self._serial('0' + kode_kelurahan, 100_000):05d}"

    def no_kk_baru(self, kode_kelurahan: str, terbit: dt.date) -> str:
        tengah = f"{terbit.day:02d}{terbit.month:02d}{terbit.year % 100:02d}"
        awalan = kode_kelurahan[:6] + tengah
        return f"{awalan}{self._serial(awalan, 10_000):04d}"

    def tambah(self, citra: dict[str, Any], versi: int = 1) -> Kunci:
        """Add a new image under a fresh local id of its kelurahan; returns the key."""
        kunci = (str(citra["kode_kelurahan"]), self.id_baru(str(citra["kode_kelurahan"])))
        self.penduduk[kunci] = citra
        self.versi[kunci] = versi
        return kunci


def keluarga_baru(
    pop: Populasi, rng: random.Random, kode_kelurahan: str, tanggal: dt.date, *, baru: bool = False
) -> Keluarga:
    """A new KK of the kelurahan and its ``keluarga`` image (head still unset: see :func:`tetapkan_kepala`).

    ``baru``: registered on ``tanggal`` (a family formed or arrived now); else some time in the last 20 years.
    """
    klaster = rng.choice(pop.klaster[kode_kelurahan])
    terbit = tanggal if baru else max(dt.date(2005, 1, 1), tanggal - dt.timedelta(days=rng.randint(0, 7300)))
    kk = Keluarga(
        kode_kelurahan,
        pop.id_kk_baru(kode_kelurahan),
        pop.no_kk_baru(kode_kelurahan, terbit),
        klaster,
        alamat_acak(rng, klaster),
        terbit,
    )
    pop.simpan_dengan(KELUARGA, kk.kunci, {
        "id": kk.id_kk, "no_kk": kk.no_kk, "nik_kepala": None, "kode_kelurahan": kode_kelurahan,
        "dusun": klaster[0], "rw": klaster[1], "rt": klaster[2], "alamat": kk.alamat,
        "kelas_sosial": KELAS_SOSIAL.ambil(rng) if rng.random() > 0.02 else None, "status_dasar": 1,
        "tgl_daftar": terbit.isoformat(), "jenis_kelamin_kepala": None,
    })  # fmt: skip
    return kk


def keluarga_dari(citra: Mapping[str, Any]) -> Keluarga:
    """The KK of an existing resident (to add a newborn or a newcomer to it)."""
    return Keluarga(
        str(citra["kode_kelurahan"]), int(citra["id_kk"]), str(citra["no_kk"]),
        (str(citra["dusun"]), str(citra["rw"]), str(citra["rt"])), str(citra["alamat_sekarang"]),
    )  # fmt: skip


def buat_citra(
    pop: Populasi, rng: random.Random, kk: Keluarga, *, sex: int, lahir: dt.date, kk_level: int,
    status_kawin: int, agama: int, tanggal: dt.date, awalan: str, kosong: float = 1.0, suku: str | None = None,
    tidak_tetap: float = PELUANG_TIDAK_TETAP,
) -> dict[str, Any]:  # fmt: skip
    """One resident image. ``kosong`` scales the share of empty code fields (0 = none empty); ``suku`` is the
    family's; ``tidak_tetap`` is the chance of status 2 (TIDAK TETAP)."""
    umur = umur_pada(lahir, tanggal)
    pekerjaan = pilih_pekerjaan(rng, umur, sex)
    keluarga = pop.tabel[KELUARGA].get(kk.kunci)
    r = rng.random()
    if r < 0.002 * kosong:
        nik = "0"
    elif r < 0.012 * kosong:
        nik = pop.nik_sementara(kk.kode_kelurahan)
    else:
        nik = pop.nik_baru(awalan, lahir, sex == 2)
    citra: dict[str, Any] = {
        "nik": nik, "nama": nama_acak(rng, sex, agama), "no_kk": kk.no_kk, "id_kk": kk.id_kk,
        "kode_kelurahan": kk.kode_kelurahan, "dusun": kk.klaster[0], "rw": kk.klaster[1], "rt": kk.klaster[2],
        "alamat_sekarang": kk.alamat, "sex": sex,
        "tempatlahir": TEMPAT_LAHIR.ambil(rng) if rng.random() > 0.005 * kosong else None,
        "tanggallahir": lahir.isoformat(), "agama_id": agama, "pendidikan_kk_id": pilih_pendidikan(rng, umur),
        "pekerjaan_id": pekerjaan, "status_kawin": status_kawin, "kk_level": kk_level,
        "warganegara_id": WARGANEGARA.ambil(rng), "golongan_darah_id": GOLONGAN_DARAH.ambil(rng),
        "cacat_id": CACAT.ambil(rng),
        **atribut_tambahan(
            rng, sex=sex, umur=umur, lahir=lahir, status_kawin=status_kawin, pekerjaan=pekerjaan,
            kelas_sosial=keluarga["kelas_sosial"] if keluarga else None, suku=suku, tanggal=tanggal,
            kosong=kosong, tidak_tetap=tidak_tetap,
        ),
        "status_dasar": 1,
    }  # fmt: skip
    if kosong:
        for kolom, p in PELUANG_KOSONG.items():
            if rng.random() < p * kosong:
                citra[kolom] = None
    return citra


def _isi_kelurahan(pop: Populasi, rng: random.Random, kode: str, jumlah: int) -> None:
    pop.klaster[kode] = buat_klaster(rng, max(1, round(jumlah / 3.69)))
    pop.id_berikut[kode] = pop.id_kk_berikut[kode] = 1
    p_laki = PELUANG_LAKI.get(kode[:6], 0.51)
    tanggal = pop.tanggal_acuan
    terisi = 0
    while terisi < jumlah:
        anggota = susun_keluarga(rng, p_laki)[: jumlah - terisi]
        kk = keluarga_baru(pop, rng, kode, tanggal)
        agama = AGAMA.ambil(rng)
        suku = pilih_suku(rng, agama)
        for i, (sex, umur, kk_level, status_kawin) in enumerate(anggota):
            lahir = tanggal_lahir_acak(rng, umur, tanggal)
            citra = buat_citra(
                pop, rng, kk, sex=sex, lahir=lahir, kk_level=kk_level, status_kawin=status_kawin,
                agama=agama if rng.random() > 0.003 else AGAMA.ambil(rng), tanggal=tanggal,
                awalan=awalan_nik(rng, kode), suku=suku,
            )  # fmt: skip
            k = pop.tambah(citra)
            if i == 0:
                tetapkan_kepala(pop, kk.kunci, k)
        terisi += len(anggota)


def _bagi(target: float, bobot: list[float], rata: float) -> list[float]:
    """Split ``target`` by ``bobot``, keeping every share within ×0.4–×2 of the city-wide mean ``rata``."""
    bawah, atas = 0.4 * rata, 2.0 * rata
    bagian = [target * b / sum(bobot) for b in bobot]
    for _ in range(50):
        bagian = [min(atas, max(bawah, x)) for x in bagian]
        sisa = target - sum(bagian)
        bebas = [i for i, x in enumerate(bagian) if bawah < x < atas or (x <= bawah) == (sisa > 0)]
        if abs(sisa) < 0.5 or not bebas:
            break
        jumlah_bebas = sum(bagian[i] for i in bebas)
        for i in bebas:
            bagian[i] += sisa * bagian[i] / jumlah_bebas
    return bagian


def buat_populasi(seed: int, skala: float = 1.0, tanggal_acuan: dt.date = TANGGAL_ACUAN_BAKU) -> Populasi:
    """A synthetic Kota Bima: ≈165,000 × ``skala`` residents in ≈44,700 × ``skala`` KK, all alive.

    Besides residents and families it holds the log of the last year's births and new families, a handful of
    assistance programmes per kelurahan with their participants, and the letters of the last 30 days. Ages
    are as of ``tanggal_acuan`` (no date is later). Kecamatan totals follow
    :data:`TARGET_KECAMATAN`; kelurahan sizes vary roughly ×0.4–×2 around the city-wide mean.
    """
    if not skala > 0:
        raise ValueError("skala harus lebih besar dari 0")
    rng = random.Random(seed)
    pop = Populasi(seed, skala, tanggal_acuan)
    ref = referensi_kota_bima()
    rata_kota = sum(TARGET_KECAMATAN.values()) / len(ref.semua(Tingkat.KELURAHAN))
    for kec in ref.semua(Tingkat.KECAMATAN):
        target = TARGET_KECAMATAN[kec.kode] * skala
        kelurahan = ref.anak(kec.kode)
        bobot = [math.exp(rng.uniform(math.log(0.45), math.log(2.0))) for _ in kelurahan]
        for kel, jumlah in zip(kelurahan, _bagi(target, bobot, rata_kota * skala), strict=True):
            _isi_kelurahan(pop, rng, kel.kode, max(1, round(jumlah)))
    isi_log_awal(pop, rng)
    isi_bantuan_awal(pop, rng)
    isi_surat_awal(pop, rng)
    return pop
