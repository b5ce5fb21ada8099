"""Social assistance in the synthetic city: programmes (``program``, jenis ``bantuan-program``) of each
kelurahan and their participants (``program_peserta``, ``bantuan-peserta``).

Every kelurahan runs the nationwide programmes of :data:`UMUM` and one to three local ones of :data:`LOKAL`.
Participants are residents (sasaran 1: ``peserta`` is the NIK) or families (sasaran 2: the KK number), far
more often from poor families (kelas sosial 1–2). In the change stream participants are added and removed,
local programmes start and end, and whoever dies, leaves or is deleted loses their participations
(:meth:`~connectors.simulator.pencatat.Pencatat._lepas_peserta`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from connectors.simulator.dasar import KELUARGA, PENDUDUK, PESERTA, PROGRAM, Kunci, Perubahan
from connectors.simulator.pencatat import Pencatat
from connectors.simulator.sebaran import umur_citra

if TYPE_CHECKING:
    from connectors.simulator.populasi import Populasi

Syarat = Callable[[Mapping[str, Any], int], bool]  # (resident image, age) → eligible


@dataclass(frozen=True, slots=True)
class JenisProgram:
    """A kind of programme: sasaran 1 (penduduk) or 2 (keluarga), the ASALDANA label, the base share of
    eligible targets enrolled, who is eligible (sasaran 1) and the card number prefix (if any)."""

    nama: str
    sasaran: int
    asaldana: str
    peluang: float
    syarat: Syarat | None = None
    kartu: str | None = None
    aktif: bool = True


UMUM = (
    JenisProgram("PKH", 2, "Pusat", 0.06, kartu="6013"),
    JenisProgram("BPNT", 2, "Pusat", 0.09, kartu="6013"),
    JenisProgram("PBI JK", 1, "Pusat", 0.12, lambda c, _u: c["id_asuransi"] == 2, kartu="0001"),
    JenisProgram("BLT Dana Kelurahan", 2, "Dana Desa", 0.02),
)
LOKAL = (
    JenisProgram("Beasiswa Pendidikan Kota Bima", 1, "Kab/Kota", 0.05, lambda c, u: 7 <= u <= 22),
    JenisProgram("Bantuan Alat Tangkap Nelayan", 1, "Provinsi", 0.2, lambda c, _u: c["pekerjaan_id"] in (11, 21)),
    JenisProgram("Bantuan Lansia Terlantar", 1, "Provinsi", 0.06, lambda c, u: u >= 60),
    JenisProgram("Bantuan Modal Usaha Mikro", 1, "Lain-lain (Hibah)", 0.04,
                 lambda c, _u: c["pekerjaan_id"] in (8, 84, 88)),
    JenisProgram("Bantuan Penyandang Disabilitas", 1, "Pusat", 0.3, lambda c, _u: c["cacat_id"] in range(1, 7)),
    JenisProgram("Rehab Rumah Tidak Layak Huni", 2, "Kab/Kota", 0.012),
    JenisProgram("Bantuan Jamban Sehat", 2, "Lain-lain (Hibah)", 0.01),
    JenisProgram("BLT BBM 2022", 2, "Pusat", 0.05, kartu="6013", aktif=False),
)  # fmt: skip
KATALOG = {j.nama: j for j in (*UMUM, *LOKAL)}
FAKTOR_KELAS = {1: 3.0, 2: 1.8, 3: 0.5, 4: 0.1, 5: 0.05}  # enrolment relative to the base share


def citra_program(jp: JenisProgram, kode: str, sdate: dt.date, edate: dt.date) -> dict[str, Any]:
    return {
        "id": None, "kode_kelurahan": kode, "nama": jp.nama, "sasaran": jp.sasaran, "asaldana": jp.asaldana,
        "sdate": sdate.isoformat(), "edate": edate.isoformat(), "status": 1 if jp.aktif else 0,
    }  # fmt: skip


def _periode(rng: random.Random, jp: JenisProgram, tanggal: dt.date) -> tuple[dt.date, dt.date]:
    tahun = tanggal.year
    if not jp.aktif:
        return dt.date(2022, 9, 1), dt.date(2022, 12, 31)
    if jp in UMUM:
        mulai = dt.date(tahun - 2 if jp.nama == "PBI JK" else tahun, 1, 1)
        return mulai, dt.date(tahun + 1 if jp.nama == "PBI JK" else tahun, 12, 31)
    return tanggal - dt.timedelta(days=rng.randint(30, 700)), dt.date(tahun + rng.randint(0, 1), 12, 31)


def citra_peserta(
    rng: random.Random, pop: Populasi, program: Kunci, sasaran: tuple[str, Kunci]
) -> dict[str, Any]:
    """A participant image of ``program`` for a resident ``(PENDUDUK, key)`` or a family ``(KELUARGA, key)``."""
    jp = KATALOG[pop.tabel[PROGRAM][program]["nama"]]
    jenis, k = sasaran
    kartu = None
    if jp.kartu is not None:  # KIS: 13 digits, KKS: 16
        kartu = (
            f"{jp.kartu}{rng.randrange(10**8, 10**9) if jp.sasaran == 1 else rng.randrange(10**11, 10**12)}"
        )
    if jenis == PENDUDUK:
        c = pop.penduduk[k]
        nomor, id_pend, id_kk, sex = c["nik"], k[1], None, c["sex"]
    else:
        c = pop.tabel[KELUARGA][k]
        nomor, id_pend, id_kk, sex = c["no_kk"], None, k[1], c["jenis_kelamin_kepala"]
    return {
        "id": None, "kode_kelurahan": program[0], "program_id": program[1], "sasaran": jp.sasaran,
        "peserta": nomor, "no_id_kartu": kartu, "id_penduduk": id_pend, "id_keluarga": id_kk,
        "jenis_kelamin": sex,
    }  # fmt: skip


def _faktor(kelas: int | None) -> float:
    return 1.0 if kelas is None else FAKTOR_KELAS[kelas]


def _kelas(pop: Populasi, k: Kunci) -> int | None:
    keluarga = pop.tabel[KELUARGA].get((k[0], pop.penduduk[k]["id_kk"]))
    return keluarga["kelas_sosial"] if keluarga else None


def layak(pop: Populasi, jp: JenisProgram, sasaran: tuple[str, Kunci], tanggal: dt.date) -> float:
    """The chance that ``sasaran`` is enrolled in a programme of kind ``jp`` (0 if not eligible)."""
    jenis, k = sasaran
    if jenis == KELUARGA:
        return jp.peluang * _faktor(pop.tabel[KELUARGA][k]["kelas_sosial"])
    citra = pop.penduduk[k]
    if citra["nik"].startswith("0") or jp.syarat is None:
        return 0.0
    umur = umur_citra(citra, tanggal)
    if umur is None or not jp.syarat(citra, umur):
        return 0.0
    return jp.peluang * _faktor(_kelas(pop, k))


def isi_bantuan_awal(pop: Populasi, rng: random.Random) -> None:
    """The programmes of every kelurahan and their participants on ``tanggal_acuan``."""
    acuan = pop.tanggal_acuan
    orang: dict[str, list[tuple[Kunci, int, float]]] = {}  # kelurahan → (resident, age, class factor)
    for k, c in pop.penduduk.items():
        umur = umur_citra(c, acuan)
        if umur is not None and not c["nik"].startswith("0"):
            orang.setdefault(k[0], []).append((k, umur, _faktor(_kelas(pop, k))))
    keluarga: dict[str, list[Kunci]] = {}
    for kk in pop.tabel[KELUARGA]:
        keluarga.setdefault(kk[0], []).append(kk)
    for kode in pop.klaster:
        for jp in (*UMUM, *rng.sample(LOKAL, rng.randint(1, 3))):
            pk = pop.simpan(PROGRAM, citra_program(jp, kode, *_periode(rng, jp, acuan)))
            if jp.sasaran == 2:
                for kk in keluarga.get(kode, []):
                    if rng.random() < layak(pop, jp, (KELUARGA, kk), acuan):
                        pop.simpan(PESERTA, citra_peserta(rng, pop, pk, (KELUARGA, kk)))
                continue
            assert jp.syarat is not None
            for k, umur, faktor in orang.get(kode, []):
                if jp.syarat(pop.penduduk[k], umur) and rng.random() < jp.peluang * faktor:
                    pop.simpan(PESERTA, citra_peserta(rng, pop, pk, (PENDUDUK, k)))


class MutasiBantuan(Pencatat):
    """Changes of programmes and participants (a mixin of the change generator)."""

    def _bantuan_tambah(self) -> list[Perubahan]:
        """A new participant of an active programme of a random resident's kelurahan."""
        rng, pop = self._rng, self.populasi
        k = self._hidup.acak(rng)
        pk = None if k is None else self._program_aktif[k[0]].acak(rng)
        if pk is None:
            return []
        jp = KATALOG[pop.tabel[PROGRAM][pk]["nama"]]
        for _ in range(10):
            if jp.sasaran == 2:
                kk = self._aktif_kel[pk[0]].acak(rng)
                sasaran = None if kk is None else (KELUARGA, kk)
            else:
                kp = self._pilih_hidup(kode=pk[0])
                sasaran = None if kp is None else (PENDUDUK, kp)
            if sasaran is None or (pk[0], pk[1], sasaran[0], sasaran[1][1]) in self._terdaftar:
                continue
            if rng.random() < min(1.0, 6 * layak(pop, jp, sasaran, self._hari)):
                peserta = pop.simpan(PESERTA, citra_peserta(rng, pop, pk, sasaran))
                self._daftarkan_peserta(peserta, pop.tabel[PESERTA][peserta])
                return [self._catat(PESERTA, "create", peserta)]
        return []

    def _bantuan_hapus(self) -> list[Perubahan]:
        """A participant struck off the list."""
        pk = self._peserta.acak(self._rng)
        return [] if pk is None else [self._hapus_peserta(pk)]

    def _program_baru(self) -> list[Perubahan]:
        """A kelurahan starts a local programme it does not run yet."""
        kode = self._rng.choice(self._kelurahan)
        ada = {self.populasi.tabel[PROGRAM][pk]["nama"] for pk in self._program_aktif[kode]}
        pilihan = [jp for jp in LOKAL if jp.aktif and jp.nama not in ada]
        if not pilihan:
            return []
        jp, hari = self._rng.choice(pilihan), self._hari
        pk = self.populasi.simpan(PROGRAM, citra_program(jp, kode, hari, dt.date(hari.year, 12, 31)))
        self._program_aktif[kode].tambah(pk)
        return [self._catat(PROGRAM, "create", pk)]

    def _program_selesai(self) -> list[Perubahan]:
        """A local programme ends today (status 0; its participants stay on record)."""
        kode = self._rng.choice(self._kelurahan)
        tabel = self.populasi.tabel[PROGRAM]
        lokal = [pk for pk in self._program_aktif[kode] if KATALOG[tabel[pk]["nama"]] in LOKAL]
        if not lokal:
            return []
        pk = self._rng.choice(lokal)
        citra = tabel[pk]
        citra["status"] = 0
        citra["edate"] = max(citra["sdate"], self._hari.isoformat())
        self._program_aktif[kode].buang(pk)
        return [self._catat(PROGRAM, "update", pk)]
