"""Population and family events of the change stream: births, deaths, the missing, residents leaving,
moves inside and out of the city, newcomers and whole families arriving or leaving, and split families.

Every event writes the resident changes (effective, ``berlaku``, on the event's date), a ``log_penduduk``
record per resident and, where a family begins or ends, a ``log_keluarga`` record; a head who leaves is
succeeded (:func:`~connectors.simulator.keluarga.pengganti_kepala`) or ends the family, and the
participations of whoever leaves are removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from connectors.simulator.dasar import KELUARGA, PENDUDUK, Kunci, Perubahan
from connectors.simulator.keluarga import pengganti_kepala, tetapkan_kepala
from connectors.simulator.pencatat import Pencatat
from connectors.simulator.peristiwa import (
    HILANG,
    JEDA,
    JEDA_KELUARGA,
    KK_BARU,
    KK_BERAKHIR,
    KK_DATANG,
    KK_PECAH,
    LAHIR,
    MATI,
    PENOLONG,
    PERGI,
    PINDAH_KELUAR,
    PINDAH_MASUK,
    SEBAB,
    STATUS_SETELAH,
)
from connectors.simulator.populasi import Keluarga, buat_citra, keluarga_baru, keluarga_dari
from connectors.simulator.sebaran import AGAMA, ASAL_LUAR, susun_keluarga, tanggal_lahir_acak, umur_citra

_Terlibat = list[tuple[str, Kunci]]


class MutasiPenduduk(Pencatat):
    """The kinds of change that alter who lives where (a mixin of the change generator)."""

    # -- leaving: died, moved out, missing, gone --

    def _rencana(self, k: Kunci) -> tuple[Kunci | None, Kunci | None, _Terlibat]:
        """The family ``k`` heads (if any), its successor, and every record the departure changes."""
        kk = self._kepala.get(k)
        terlibat: _Terlibat = [(PENDUDUK, k)]
        if kk is None:
            return None, None, terlibat
        pengganti = pengganti_kepala(self.populasi, (a for a in self._anggota[kk] if a != k))
        terlibat.append((KELUARGA, kk))
        if pengganti is not None:
            terlibat.append((PENDUDUK, pengganti))
        return kk, pengganti, terlibat

    def _tinggalkan(
        self, k: Kunci, kode: int, tanggal: dt.date, lapor: dt.date, kk: Kunci | None, pengganti: Kunci | None,
        **isi: Any,
    ) -> list[Perubahan]:  # fmt: skip
        """Resident ``k`` leaves the living population by event ``kode`` on ``tanggal`` (its record first)."""
        pop = self.populasi
        pop.penduduk[k]["status_dasar"] = STATUS_SETELAH[kode]
        self._keluar(k)
        pop.catat_riwayat(PENDUDUK, k, tanggal, False, baru=False)
        hasil = [self._catat(PENDUDUK, "update", k, tanggal), self._log(k, kode, tanggal, lapor, **isi)]
        hasil += self._lepas_peserta((PENDUDUK, k))
        if kk is not None:
            hasil += self._ganti_kepala(kk, k, pengganti, KK_BERAKHIR[kode], tanggal, lapor)
        return hasil

    def _ganti_kepala(
        self, kk: Kunci, lama: Kunci, baru: Kunci | None, id_peristiwa: int, tanggal: dt.date, lapor: dt.date
    ) -> list[Perubahan]:
        """The head ``lama`` left: ``baru`` takes over, or (nobody left) the family ends."""
        pop = self.populasi
        del self._kepala[lama]
        if baru is None:
            pop.tabel[KELUARGA][kk]["status_dasar"] = 2
            self._aktif_kel[kk[0]].buang(kk)
            del self._anggota[kk]
            pop.catat_riwayat(KELUARGA, kk, tanggal, False, baru=False)
            rec = self._catat(KELUARGA, "update", kk, tanggal)
            return [
                rec,
                self._log_kk(kk, id_peristiwa, tanggal, lapor, lama[1]),
                *self._lepas_peserta((KELUARGA, kk)),
            ]
        pop.penduduk[baru]["kk_level"] = 1
        self._kepala[baru] = kk
        tetapkan_kepala(pop, kk, baru)
        hasil = [self._catat(PENDUDUK, "update", baru, tanggal), self._catat(KELUARGA, "update", kk, tanggal)]
        return hasil + self._sinkron_peserta((KELUARGA, kk))

    def _keluar_karena(self, k: Kunci, kode: int, **isi: Any) -> list[Perubahan]:
        kk, pengganti, terlibat = self._rencana(k)
        tanggal, lapor = self._tanggal(JEDA[kode], terlibat)
        return self._tinggalkan(k, kode, tanggal, lapor, kk, pengganti, **isi)

    def _mati(self) -> list[Perubahan]:
        calon = [k for k in (self._hidup.acak(self._rng) for _ in range(3)) if k is not None]
        if not calon:
            return []
        k = max(calon, key=lambda c: umur_citra(self.populasi.penduduk[c], self._hari) or 40)
        return self._keluar_karena(
            k, MATI, sebab=SEBAB.ambil(self._rng), penolong_mati=PENOLONG.ambil(self._rng)
        )

    def _hilang(self) -> list[Perubahan]:
        k = self._pilih_hidup(lambda c: (umur_citra(c, self._hari) or 30) >= 10)
        return [] if k is None else self._keluar_karena(k, HILANG)

    def _pergi(self) -> list[Perubahan]:
        """A resident with status 2 (TIDAK TETAP) leaves for good."""
        for _ in range(4):
            k = self._tidak_tetap.acak(self._rng)
            if k is None:
                return []
            if self.populasi.penduduk[k]["status"] == 2:
                return self._keluar_karena(k, PERGI)
            self._tidak_tetap.buang(k)
        return []

    def _pindah_keluar(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        ref = 3 if self._rng.random() < 0.75 else 4
        return [] if k is None else self._keluar_karena(k, PINDAH_KELUAR, ref_pindah=ref)

    def _keluarga_pindah(self) -> list[Perubahan]:
        """A whole family leaves the city: every member moves out, the head last (ending the family)."""
        kk = self._aktif_kel[self._rng.choice(self._kelurahan)].acak(self._rng)
        if kk is None:
            return []
        kepala = self.populasi.tabel[KELUARGA][kk]["nik_kepala"]
        anggota = [a for a in self._anggota[kk] if a[1] != kepala] + [(kk[0], kepala)]
        tanggal, lapor = self._tanggal(
            JEDA[PINDAH_KELUAR], [(KELUARGA, kk), *((PENDUDUK, a) for a in anggota)]
        )
        ref = 3 if self._rng.random() < 0.75 else 4
        hasil: list[Perubahan] = []
        for a in anggota:
            kk_a = kk if a == anggota[-1] else None
            hasil += self._tinggalkan(a, PINDAH_KELUAR, tanggal, lapor, kk_a, None, ref_pindah=ref)
        return hasil

    # -- arriving: births, newcomers, moves inside the city --

    def _baru_dibuat(self, citra: dict[str, Any], tanggal: dt.date) -> Perubahan:
        k = self.populasi.tambah(citra)
        self._masuk(k)
        self._baru = [*self._baru[-199:], k]
        self.populasi.catat_riwayat(PENDUDUK, k, tanggal, True, baru=True)
        return self._catat(PENDUDUK, "create", k, tanggal)

    def _buka_keluarga(self, kk: Keluarga) -> None:
        self._anggota[kk.kunci] = {}
        self._aktif_kel[kk.kode_kelurahan].tambah(kk.kunci)

    def _resmikan_keluarga(
        self, kk: Kunci, kepala: Kunci, tanggal: dt.date, lapor: dt.date, id_peristiwa: int
    ) -> list[Perubahan]:
        """The new family ``kk`` (opened with :meth:`_buka_keluarga`) gets its head and is recorded."""
        tetapkan_kepala(self.populasi, kk, kepala)
        self._kepala[kepala] = kk
        self.populasi.catat_riwayat(KELUARGA, kk, tanggal, True, baru=True)
        return [
            self._catat(KELUARGA, "create", kk, tanggal),
            self._log_kk(kk, id_peristiwa, tanggal, lapor, kepala[1]),
        ]

    def _keluarga_tujuan(self, kode: str, citra: dict[str, Any], tanggal: dt.date) -> tuple[Keluarga, bool]:
        """A new KK in ``kode`` (the person becomes its head; True), or an existing one there (as famili lain)."""
        k = self._hidup_kel[kode].acak(self._rng)
        dewasa = (umur_citra(citra, self._hari) or 30) >= 17 if citra else True
        if k is None or (dewasa and self._rng.random() < 0.6):
            citra["kk_level"] = 1
            kk = keluarga_baru(self.populasi, self._rng, kode, tanggal, baru=True)
            self._buka_keluarga(kk)
            return kk, True
        citra["kk_level"] = 9 if self._rng.random() < 0.8 else 11
        return keluarga_dari(self.populasi.penduduk[k]), False

    def _datang(
        self, citra: dict[str, Any], kk: Keluarga, baru: bool, tanggal: dt.date, lapor: dt.date
    ) -> list[Perubahan]:
        """Resident ``citra`` arrives in family ``kk`` (a new one if ``baru``): create first, then the logs."""
        citra.update(
            kode_kelurahan=kk.kode_kelurahan, id_kk=kk.id_kk, no_kk=kk.no_kk, dusun=kk.klaster[0],
            rw=kk.klaster[1], rt=kk.klaster[2], alamat_sekarang=kk.alamat, status_dasar=1,
        )  # fmt: skip
        hasil = [self._baru_dibuat(citra, tanggal)]
        k = (hasil[0]["kode_kelurahan"], hasil[0]["id"])
        if baru:
            hasil += self._resmikan_keluarga(kk.kunci, k, tanggal, lapor, KK_DATANG)
        return [*hasil, self._log(k, PINDAH_MASUK, tanggal, lapor)]

    def _lahir(self) -> list[Perubahan]:
        rng = self._rng
        k = self._pilih_hidup(
            lambda c: c["kk_level"] in (1, 2, 3) and 18 <= (umur_citra(c, self._hari) or 0) <= 50
        )
        if k is None:
            return []
        induk = self.populasi.penduduk[k]
        tanggal, lapor = self._tanggal(JEDA[LAHIR])
        kk = keluarga_dari(induk)
        citra = buat_citra(
            self.populasi, rng, kk, sex=1 if rng.random() < 0.51 else 2, kk_level=4, status_kawin=1,
            lahir=tanggal, agama=induk["agama_id"] or 1, tanggal=lapor, awalan=kk.kode_kelurahan[:6], kosong=0,
            suku=induk["suku"], tidak_tetap=1.0 if induk["status"] == 2 else 0.0,
        )  # fmt: skip
        citra["tempatlahir"] = "BIMA" if rng.random() < 0.7 else "KOTA BIMA"
        citra["golongan_darah_id"] = None if rng.random() < 0.85 else citra["golongan_darah_id"]
        if rng.random() < 0.1:  # registered before the NIK is issued
            citra["nik"] = self.populasi.nik_sementara(kk.kode_kelurahan)
        rec = self._baru_dibuat(citra, tanggal)
        return [rec, self._log((rec["kode_kelurahan"], rec["id"]), LAHIR, tanggal, lapor)]

    def _pindah(self, *, antar_kecamatan: bool) -> list[Perubahan]:
        """OpenSID semantics: PINDAH (status_dasar 3) in kelurahan A, a new record (new local id) in B."""
        k = self._pilih_hidup(lambda c: (umur_citra(c, self._hari) or 30) >= 17)
        if k is None:
            return []
        asal = k[0]
        tujuan = [kel for kel in self._kelurahan if (kel[:6] != asal[:6]) == antar_kecamatan and kel != asal]
        if not tujuan:
            return []
        kode_tujuan = self._rng.choice(tujuan)
        citra = dict(self.populasi.penduduk[k])
        kk, pengganti, terlibat = self._rencana(k)
        tanggal, lapor = self._tanggal(JEDA[PINDAH_KELUAR], terlibat)
        ref = 2 if antar_kecamatan else 1
        keluar = self._tinggalkan(
            k, PINDAH_KELUAR, tanggal, lapor, kk, pengganti, ref_pindah=ref, tujuan=kode_tujuan
        )
        datang = self._datang(citra, *self._keluarga_tujuan(kode_tujuan, citra, tanggal), tanggal, lapor)
        return [keluar[0], datang[0], *keluar[1:], *datang[1:]]

    def _pindah_masuk(self) -> list[Perubahan]:
        rng = self._rng
        k = self._hidup.acak(rng)
        kode = k[0] if k is not None else rng.choice(self._kelurahan)
        tanggal, lapor = self._tanggal(JEDA[PINDAH_MASUK])
        sex, umur = (1 if rng.random() < 0.55 else 2), rng.randint(18, 50)
        stub: dict[str, Any] = {}
        kk, baru = self._keluarga_tujuan(kode, stub, tanggal)
        citra = buat_citra(
            self.populasi, rng, kk, sex=sex, lahir=tanggal_lahir_acak(rng, umur, lapor),
            kk_level=stub["kk_level"], status_kawin=1 if umur < 25 and rng.random() < 0.7 else 2,
            agama=AGAMA.ambil(rng), tanggal=lapor, awalan=f"{rng.choice(ASAL_LUAR)}{rng.randint(1, 18):02d}",
            tidak_tetap=0.15,
        )  # fmt: skip
        return self._datang(citra, kk, baru, tanggal, lapor)

    def _keluarga_datang(self) -> list[Perubahan]:
        """A whole family arrives from outside the city with a new KK."""
        rng = self._rng
        k = self._hidup.acak(rng)
        kode = k[0] if k is not None else rng.choice(self._kelurahan)
        tanggal, lapor = self._tanggal(JEDA[PINDAH_MASUK])
        kk = keluarga_baru(self.populasi, rng, kode, tanggal, baru=True)
        self._buka_keluarga(kk)
        agama, awalan = AGAMA.ambil(rng), f"{rng.choice(ASAL_LUAR)}{rng.randint(1, 18):02d}"
        hasil: list[Perubahan] = []
        for i, (sex, umur, kk_level, status_kawin) in enumerate(susun_keluarga(rng)):
            citra = buat_citra(
                self.populasi, rng, kk, sex=sex, lahir=tanggal_lahir_acak(rng, umur, lapor), kk_level=kk_level,
                status_kawin=status_kawin, agama=agama, tanggal=lapor, awalan=awalan, tidak_tetap=0.1,
            )  # fmt: skip
            rec = self._baru_dibuat(citra, tanggal)
            anggota = (rec["kode_kelurahan"], rec["id"])
            if i == 0:
                hasil += [rec, *self._resmikan_keluarga(kk.kunci, anggota, tanggal, lapor, KK_DATANG)]
            else:
                hasil.append(rec)
            hasil.append(self._log(anggota, PINDAH_MASUK, tanggal, lapor))
        return hasil

    def _pecah_kk(self) -> list[Perubahan]:
        """An adult member splits off into a new KK of the same kelurahan (log_keluarga 12, or 1 for a
        relative outside the core family)."""

        def cocok(c: dict[str, Any]) -> bool:
            return c["kk_level"] not in (1, None) and (umur_citra(c, self._hari) or 0) >= 19

        k = self._pilih_hidup(cocok)
        if k is None or k in self._kepala or not cocok(self.populasi.penduduk[k]):
            return []
        citra = self.populasi.penduduk[k]
        tanggal, lapor = self._tanggal(JEDA_KELUARGA, [(PENDUDUK, k)])
        id_peristiwa = KK_BARU if citra["kk_level"] in (9, 10, 11) else KK_PECAH
        kk = keluarga_baru(self.populasi, self._rng, k[0], tanggal, baru=True)
        self._buka_keluarga(kk)
        self._anggota[(k[0], citra["id_kk"])].pop(k, None)
        self._anggota[kk.kunci][k] = None
        citra.update(
            id_kk=kk.id_kk, no_kk=kk.no_kk, kk_level=1, dusun=kk.klaster[0], rw=kk.klaster[1], rt=kk.klaster[2],
            alamat_sekarang=kk.alamat,
        )  # fmt: skip
        rec = self._catat(PENDUDUK, "update", k, tanggal)
        return [rec, *self._resmikan_keluarga(kk.kunci, k, tanggal, lapor, id_peristiwa)]
