"""The change stream of the synthetic city: records of every type, as in :mod:`connectors.simulator.rekaman`.

:class:`GeneratorPerubahan` mutates the :class:`~connectors.simulator.populasi.Populasi` as it goes, so the
population after the stream is the truth (:func:`~connectors.simulator.rekaman.keadaan_akhir_semua`). Deliberate
duplicates and reorders only touch the emitted records, never the truth: the truth of each key is always its
highest version. Population events live in :mod:`~connectors.simulator.mutasi`, assistance in
:mod:`~connectors.simulator.bantuan`, letters in :mod:`~connectors.simulator.surat`, attribute edits in
:mod:`~connectors.simulator.koreksi`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator

from connectors.simulator.bantuan import MutasiBantuan
from connectors.simulator.dasar import (
    JENIS,
    KELUARGA,
    PENDUDUK,
    PERISTIWA,
    PESERTA,
    SURAT,
    WITA,
    Kunci,
    Perubahan,
    jenis_rekaman,
)
from connectors.simulator.keluarga import ubah_keluarga
from connectors.simulator.koreksi import JENIS_UBAH, ubah_citra
from connectors.simulator.mutasi import MutasiPenduduk
from connectors.simulator.peristiwa import MATI, PENOLONG, SEBAB
from connectors.simulator.populasi import Populasi
from connectors.simulator.rekaman import periksa_jenis
from connectors.simulator.sebaran import Undian, alamat_acak, tanggal_lahir_acak
from connectors.simulator.surat import SURAT_PER_HARI, MutasiSurat

_RIWAYAT = 2000  # how many earlier records a duplicate is drawn from
# Logical changes and their relative frequency (letters come on their own clock, see surat_per_hari).
JENIS_PERUBAHAN = Undian({
    "lahir": 14, "mati": 5, "hilang": 0.3, "pergi": 0.6, "pindah_dalam": 9, "pindah_kelurahan": 6,
    "pindah_kecamatan": 6, "pindah_keluar": 3, "keluarga_pindah": 0.8, "pindah_masuk": 7, "keluarga_datang": 1.2,
    "pecah_kk": 1.5, "ubah": 46, "ganti_nik": 3, "hapus": 1, "ubah_keluarga": 2, "bantuan_tambah": 4,
    "bantuan_hapus": 2.5, "program_baru": 0.3, "program_selesai": 0.2,
})  # fmt: skip


class GeneratorPerubahan(MutasiPenduduk, MutasiBantuan, MutasiSurat):
    """Births, deaths, moves, newcomers, split families, edits, NIK fixes, hard deletes, assistance and letters
    over a :class:`Populasi`, with the event logs (``peristiwa``, ``peristiwa-keluarga``) they imply.

    ``mulai`` (timezone-aware, not before the population's ``tanggal_acuan``) is the time of the first change;
    later changes follow at random gaps averaging ``jeda``, and letters at ``surat_per_hari`` per kelurahan per
    simulated day. ``duplikat`` is the share of records re-sent later unchanged (same ``event_id``);
    ``acak_urutan`` the share of changes one of whose records is overtaken by a newer version of the same key.
    ``jenis`` limits the emitted record types (the population changes the same way). Use one generator per
    population: it keeps indexes of that population's state.
    """

    def __init__(
        self, populasi: Populasi, seed: int, mulai: dt.datetime, *, duplikat: float = 0.02,
        acak_urutan: float = 0.02, jeda: dt.timedelta = dt.timedelta(seconds=30),
        surat_per_hari: float = SURAT_PER_HARI, jenis: Collection[str] | None = None,
    ) -> None:  # fmt: skip
        if mulai.tzinfo is None:
            raise ValueError("mulai harus memakai zona waktu (mis. +08:00 WITA)")
        if mulai.astimezone(WITA).date() < populasi.tanggal_acuan:
            raise ValueError(f"mulai tidak boleh sebelum tanggal acuan populasi ({populasi.tanggal_acuan})")
        if (
            not (0 <= duplikat <= 1 and 0 <= acak_urutan <= 1)
            or jeda <= dt.timedelta(0)
            or surat_per_hari < 0
        ):
            raise ValueError(
                "duplikat dan acak_urutan harus di antara 0 dan 1, jeda positif, surat_per_hari ≥ 0"
            )
        super().__init__(populasi, seed, mulai)
        self.duplikat, self.acak_urutan = duplikat, acak_urutan
        self._jenis = periksa_jenis(jenis)
        self._jeda = jeda.total_seconds()
        self._laju_surat = surat_per_hari * len(self._kelurahan) / 86_400  # letters per second
        self._jadwal = mulai  # time of the next logical change
        self._surat_berikut = self._setelah(mulai, self._laju_surat)
        self._riwayat: list[Perubahan] = []  # ring of earlier records, for duplicates

    # -- the stream --

    def _setelah(self, waktu: dt.datetime, laju: float) -> dt.datetime | None:
        return waktu + dt.timedelta(seconds=self._rng.expovariate(laju)) if laju > 0 else None

    def _logis(self) -> tuple[str, list[Perubahan]]:
        """The next logical change on the simulated clock: a draft printed, a letter, or a drawn change."""
        rng = self._rng
        kandidat = [(self._jadwal, "acak")]
        if self._surat_berikut is not None:
            kandidat.append((self._surat_berikut, "surat"))
        if self._surat_tunda:
            kandidat.append((self._surat_tunda[0][0], "surat_cetak"))
        waktu, jenis = min(kandidat)
        self._waktu = max(self._waktu, waktu)
        if jenis == "surat_cetak":
            return jenis, self._surat_cetak()
        if jenis == "surat":
            self._surat_berikut = self._setelah(waktu, self._laju_surat)
            return jenis, self._surat()
        self._jadwal = waktu + dt.timedelta(seconds=rng.expovariate(1 / self._jeda))
        jenis = JENIS_PERUBAHAN.ambil(rng)
        aksi: Callable[[], list[Perubahan]] = getattr(self, f"_{jenis}")
        hasil = aksi()
        if not hasil:  # nothing fitting (no temporary NIK left, empty kelurahan…): an ordinary edit instead
            jenis, hasil = "ubah", self._ubah() or self._pindah_masuk()
        return jenis, hasil

    def berikutnya(self) -> list[Perubahan]:
        """The records of the next logical change, plus any deliberate reorder or duplicate."""
        rng = self._rng
        jenis, hasil = self._logis()
        self.statistik[jenis] += 1
        if hasil and rng.random() < self.acak_urutan:
            for i in range(len(hasil) - 1, max(-1, len(hasil) - 4), -1):  # one of the last three records
                rec = hasil[i]
                lanjutan = self._koreksi_jenis(jenis_rekaman(rec), (rec["kode_kelurahan"], rec["id"]))
                if lanjutan:  # its newer version overtakes it
                    hasil = [*hasil[:i], lanjutan[0], *hasil[i:], *lanjutan[1:]]
                    self.statistik["acak_urutan"] += 1
                    break
        ganda: list[Perubahan] = []
        if self._riwayat:  # re-send records of earlier changes, unchanged
            ganda = [self._salin(rng.choice(self._riwayat)) for _ in hasil if rng.random() < self.duplikat]
            self.statistik["duplikat"] += len(ganda)
        for rec in hasil:
            if len(self._riwayat) < _RIWAYAT:
                self._riwayat.append(self._salin(rec))
            else:
                self._riwayat[rng.randrange(_RIWAYAT)] = self._salin(rec)
        if len(self._jenis) == len(JENIS):
            return hasil + ganda
        return [r for r in hasil + ganda if r["jenis"] in self._jenis]

    def aliran(self, n: int) -> Iterator[Perubahan]:
        """At least ``n`` records (the last logical change is never cut in half)."""
        jumlah = 0
        while jumlah < n:
            for rec in self.berikutnya():
                jumlah += 1
                yield rec

    @staticmethod
    def _salin(rec: Perubahan) -> Perubahan:
        return {**rec, "data": dict(rec["data"]) if rec.get("data") is not None else None}

    def _pindah_kelurahan(self) -> list[Perubahan]:
        return self._pindah(antar_kecamatan=False)

    def _pindah_kecamatan(self) -> list[Perubahan]:
        return self._pindah(antar_kecamatan=True)

    # -- edits, NIK fixes, hard deletes --

    def _pindah_dalam(self) -> list[Perubahan]:
        """A new address inside the kelurahan (a head takes the family record along)."""
        k = self._pilih_hidup()
        if k is None:
            return []
        citra = self.populasi.penduduk[k]
        klaster = self._rng.choice(self.populasi.klaster[k[0]])
        alamat = alamat_acak(self._rng, klaster)
        citra.update(dusun=klaster[0], rw=klaster[1], rt=klaster[2], alamat_sekarang=alamat)
        hasil = [self._catat(PENDUDUK, "update", k)]
        kk = self._kepala.get(k)
        if kk is not None:
            self.populasi.tabel[KELUARGA][kk].update(
                dusun=klaster[0], rw=klaster[1], rt=klaster[2], alamat=alamat
            )
            hasil.append(self._catat(KELUARGA, "update", kk))
        return hasil

    def _ganti_nik(self) -> list[Perubahan]:
        """A temporary NIK (or "0") replaced by the real one."""
        pop, rng = self.populasi, self._rng
        while self._nik_sementara:
            i = rng.randrange(len(self._nik_sementara))
            k = self._nik_sementara[i]
            self._nik_sementara[i] = self._nik_sementara[-1]
            self._nik_sementara.pop()
            citra = pop.penduduk.get(k)
            if citra is None or citra["status_dasar"] != 1 or not citra["nik"].startswith("0"):
                continue
            lahir = citra["tanggallahir"]
            tanggal = dt.date.fromisoformat(lahir) if lahir else tanggal_lahir_acak(rng, 30, self._hari)
            citra["nik"] = pop.nik_baru(k[0][:6], tanggal, citra["sex"] == 2)
            return [self._catat(PENDUDUK, "update", k)]
        return []

    def _hapus(self) -> list[Perubahan]:
        """A hard delete, usually of a record entered by mistake shortly before, with its event logs and
        participations (never a family head)."""
        pop = self.populasi
        baru = [k for k in self._baru if k in self._hidup and k not in self._kepala]
        k = self._rng.choice(baru) if baru and self._rng.random() < 0.7 else self._pilih_hidup()
        if k is None or k in self._kepala:
            return []
        self._keluar(k)
        del pop.penduduk[k]
        pop.dihapus[(PENDUDUK, k)] = self._hari
        pop.catat_riwayat(PENDUDUK, k, self._hari, False, baru=False)
        hasil = [self._catat(PENDUDUK, "delete", k)]
        for lk in self._log_milik.pop(k, []):
            del pop.tabel[PERISTIWA][lk]
            pop.dihapus[(PERISTIWA, lk)] = self._hari
            hasil.append(self._catat(PERISTIWA, "delete", lk))
        return hasil + self._lepas_peserta((PENDUDUK, k))

    def _ubah(self) -> list[Perubahan]:
        k = self._pilih_hidup()
        return [] if k is None else self._koreksi(k)

    def _ubah_keluarga(self) -> list[Perubahan]:
        kk = self._aktif_kel[self._rng.choice(self._kelurahan)].acak(self._rng)
        return [] if kk is None else self._koreksi_jenis(KELUARGA, kk)

    def _koreksi(self, k: Kunci) -> list[Perubahan]:
        """An attribute edit of resident ``k`` (any status): up to three tries to find one that changes it;
        a changed sex is carried to the family it heads and to its participations."""
        citra = self.populasi.penduduk[k]
        sex = citra["sex"]
        for _ in range(3):
            if ubah_citra(self._rng, citra, JENIS_UBAH.ambil(self._rng), self._hari):
                break
        else:
            return []
        hasil = [self._catat(PENDUDUK, "update", k)]
        if citra["status"] == 2 and k in self._hidup:
            self._tidak_tetap.tambah(k)
        kk = self._kepala.get(k)
        if citra["sex"] != sex:
            hasil += self._sinkron_peserta((PENDUDUK, k))
            if kk is not None:
                self.populasi.tabel[KELUARGA][kk]["jenis_kelamin_kepala"] = citra["sex"]
                hasil += [self._catat(KELUARGA, "update", kk), *self._sinkron_peserta((KELUARGA, kk))]
        return hasil

    def _koreksi_jenis(self, jenis: str, k: Kunci) -> list[Perubahan]:
        """A later correction of record ``k`` of type ``jenis``, where one makes sense (else none)."""
        rng, tabel = self._rng, self.populasi.tabel[jenis]
        citra = tabel.get(k)
        if citra is None:
            return []
        if jenis == PENDUDUK:
            return self._koreksi(k)
        if jenis == KELUARGA:
            return [self._catat(jenis, "update", k)] if ubah_keluarga(rng, citra) else []
        if jenis == PESERTA and citra["no_id_kartu"] is not None:
            awalan, panjang = citra["no_id_kartu"][:4], len(citra["no_id_kartu"]) - 4
            citra["no_id_kartu"] = f"{awalan}{rng.randrange(10**panjang):0{panjang}d}"
            return [self._catat(jenis, "update", k)]
        if jenis == PERISTIWA and citra["kode_peristiwa"] == MATI:
            citra.update(sebab=SEBAB.ambil(rng), penolong_mati=PENOLONG.ambil(rng))
            return [self._catat(jenis, "update", k)]
        if jenis == SURAT:
            return self._cetak(k)
        return []
