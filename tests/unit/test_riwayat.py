"""Record histories as the stream keeps them, driven through ``streams.agregat`` exactly as
``streams/prosesor.py`` does, and a Python twin of the statistics SQL; shared by test_agregat and test_laporan.

The tests here pin the history mechanics themselves: stale and duplicate versions are ignored, a version that
changes nothing the hub keeps adds no entry, and effective/report dates never go back along a history.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from satudata.citra import Pseudonim, padat
from satudata.kontribusi import Grup
from satudata.statistik import Kategori
from satudata.umur import label_umur, rentang_set, umur
from streams.agregat import AgregatPartisi, KunciHarian, NilaiTabel, entri_baru, perubahan_entri

PSEUDONIM = Pseudonim(b"k")
TANPA_LAHIR = dt.date(1900, 1, 1)  # what the sink stores as tanggal_lahir when there is none
KELURAHAN = ("5272011001", "5272011002", "5272021021", "5272031006", "5272051010")
Versi = tuple[dt.date, dict[str, Any] | None]


class Aliran:
    """One record type in one partition: the Faust table, the aggregates, and the histories the oracle
    reads (source images, effective dates clamped)."""

    def __init__(self, jenis: str) -> None:
        self.jenis = jenis
        self.agr = AgregatPartisi(jenis)
        self.tabel: dict[bytes, NilaiTabel] = {}
        self.riwayat: dict[bytes, list[Versi]] = {}
        self.offset = -1

    def kirim(
        self, kel: str, rid: int, versi: int, berlaku: dt.date, citra: dict[str, Any] | None, telat: int = 0
    ) -> bool:
        """One change (``telat``: days from effective date to report). True when it made a history entry."""
        self.offset += 1
        key = f"{kel}:{rid}".encode()
        lama = self.tabel.get(key)
        if lama is not None and int(lama[0]) >= versi:
            return False  # stale or duplicate
        riwayat: list[Any] = list(lama[3]) if lama is not None else []
        sumber = None if citra is None else {**citra, "kode_kelurahan": kel}
        kompak = None if sumber is None else padat(self.jenis, sumber, PSEUDONIM)
        self.tabel[key] = [versi, self.offset, 0, riwayat]
        if riwayat and riwayat[-1][4] == kompak:
            return False
        b, lp = berlaku.toordinal(), berlaku.toordinal() + telat
        baru = entri_baru(riwayat, b, lp, self.offset, versi, kompak)
        efektif = max([b, *(e[0] for e in riwayat)])
        assert baru == [efektif, max([lp, *(e[1] for e in riwayat)]), self.offset, versi, kompak]
        perubahan = perubahan_entri(self.jenis, kel, riwayat[-1] if riwayat else None, baru)
        riwayat.append(baru)
        berubah = self.agr.terapkan(perubahan, self.offset)
        assert berubah == {k: self.agr.jumlah[k] for k, n in perubahan.items() if n}
        self.riwayat.setdefault(key, []).append((dt.date.fromordinal(efektif), sumber))
        return True

    def rekaman(self) -> list[list[Versi]]:
        return list(self.riwayat.values())


Kejadian = tuple[
    int, int, dt.date, int, dict[str, Any] | None
]  # (record, version step, berlaku, telat, image)


def jalankan(jenis: str, kejadian: list[Kejadian], kel: tuple[str, ...]) -> Aliran:
    """Run random changes: record ``r`` lives in ``kel[r]``; its version moves by the step (≤ 0: re-delivery)."""
    aliran = Aliran(jenis)
    versi: dict[int, int] = {}
    for rec, langkah, berlaku, telat, citra in kejadian:
        versi[rec] = max(1, versi.get(rec, 0) + langkah)
        aliran.kirim(kel[rec % len(kel)], rec, versi[rec], berlaku, citra, telat)
    return aliran


def gabung(*aliran: Aliran) -> dict[KunciHarian, int]:
    out: dict[KunciHarian, int] = {}
    for a in aliran:
        assert not out.keys() & a.agr.jumlah.keys()
        out.update(a.agr.jumlah)
    return out


# -- a Python twin of satudata.statistik's SQL --


def stok(jumlah: Mapping[KunciHarian, int], per: dt.date) -> Counter[Grup]:
    """``sum(jumlah) WHERE tanggal <= per`` per group."""
    out: Counter[Grup] = Counter()
    for (g, hari), n in jumlah.items():
        if hari <= per.toordinal():
            out[g] += n
    return out


def _band(nama: str, lahir: int, per: dt.date) -> str:
    return (
        label_umur(umur(dt.date.fromordinal(lahir) if lahir else TANPA_LAHIR, per), rentang_set(nama)) or ""
    )


def evaluasi(
    s: Mapping[Grup, int], kat: Kategori, per: dt.date, wilayah: str = ""
) -> Counter[tuple[str, int]]:
    """What ``sql_kategori(kat)`` returns for a stock category: (row, jenis_kelamin) → count."""
    out: Counter[tuple[str, int]] = Counter()
    for (kel, sumber, kode, jk, lahir), n in s.items():
        if sumber != kat.sumber or not kel.startswith(wilayah):
            continue
        if kat.bentuk in ("kode", "dinamis", "ya-tidak", "tunggal"):
            out[(kode, jk)] += n
        elif kat.bentuk == "umur":
            assert kat.rentang is not None
            out[("" if kode == "" else _band(kat.rentang, lahir, per), jk)] += n
        elif kat.bentuk == "akta":
            assert kat.rentang is not None
            out[(_band(kat.rentang, lahir, per) if kode == "1" and lahir else "", jk)] += n
        else:
            rekam, kawin, el = kode.split("|")
            tgl = dt.date.fromordinal(lahir) if lahir else TANPA_LAHIR
            if (kawin == "1" or (tgl > TANPA_LAHIR and umur(tgl, per) >= 17)) and el != "3":
                out[(rekam, jk)] += n
    return Counter({k: n for k, n in out.items() if n})


# -- random source images (docs/rekaman.md shapes) --

kode_acak = st.one_of(st.none(), st.integers(0, 20), st.sampled_from([89, 99, 100]))
dokumen = st.sampled_from([None, "", " ", "-", "0", "AL-1990-0001", " 12 "])
PER_KRITIS = (dt.date(2025, 3, 1), dt.date(2026, 2, 28), dt.date(2024, 2, 29))
tanggal_lahir = st.one_of(
    st.none(),
    st.dates(dt.date(1925, 1, 1), dt.date(2027, 6, 30)),
    st.builds(  # birthdays on or next to a date asked, at band edges
        lambda per, umur_, geser: (
            per.replace(year=per.year - umur_, day=min(per.day, 28)) + dt.timedelta(geser)
        ),
        st.sampled_from(PER_KRITIS),
        st.sampled_from([0, 1, 2, 5, 6, 14, 15, 17, 18, 30, 31, 44, 45, 74, 75]),
        st.integers(-1, 1),
    ),
    st.sampled_from([dt.date(2000, 2, 29), dt.date(2008, 2, 29), dt.date(2009, 3, 1)]),
)
KOLOM_KODE = ("agama_id", "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "kk_level", "warganegara_id",
              "status", "golongan_darah_id", "cacat_id", "sakit_menahun_id", "cara_kb_id", "id_asuransi",
              "status_rekam")  # fmt: skip
citra_penduduk = st.fixed_dictionaries(
    {
        "nama": st.sampled_from(["SITI", "AMIR"]),  # not kept by the hub
        "status_dasar": st.sampled_from([1, 1, 1, 1, 2, 3, 4, 6, 9, None]),
        "sex": st.sampled_from([1, 2, 2, None, 3]),
        "tanggallahir": tanggal_lahir,
        **dict.fromkeys(KOLOM_KODE, kode_acak),
        "status_kawin": st.sampled_from([None, 1, 2, 2, 3, 4, 5]),
        "hamil": st.sampled_from([None, 1, 2, 3]),
        "ktp_el": st.sampled_from([None, 1, 2, 3]),
        "akta_lahir": dokumen,
        "akta_perkawinan": dokumen,
        "bpjs_ketenagakerjaan": dokumen,
        "suku": st.sampled_from([None, "", "  ", "Mbojo", " mbojo ", "MBOJO", "Bima  Dou", "bima dou"]),
    }
)
citra_keluarga = st.fixed_dictionaries(
    {
        "no_kk": st.sampled_from(["5272010101150001", "0"]),
        "status_dasar": st.sampled_from([None, 1, 1, 2, 3, 4]),
        "kelas_sosial": st.sampled_from([None, 0, 1, 2, 5, 6]),
        "jenis_kelamin_kepala": st.sampled_from([1, 2, None]),
    }
)
citra_peserta = st.fixed_dictionaries(
    {
        "program_id": st.integers(1, 4),
        "sasaran": st.sampled_from([None, 1, 2, 3, 4, 5]),
        "peserta": st.sampled_from(["5272010101150001", "RTM-7"]),
        "jenis_kelamin": st.sampled_from([1, 2, None]),
    }
)
tgl_peristiwa = st.one_of(st.none(), st.dates(dt.date(2025, 11, 1), dt.date(2026, 3, 31)))
citra_peristiwa = st.fixed_dictionaries(
    {
        "id_pend": st.integers(1, 9),
        "kode_peristiwa": st.integers(1, 6),
        "tgl_peristiwa": tgl_peristiwa,
        "tgl_lapor": tgl_peristiwa,
        "jenis_kelamin": st.sampled_from([1, 2, None]),
        "warganegara_id": st.sampled_from([None, 1, 2, 3]),
    }
)
citra_peristiwa_keluarga = st.fixed_dictionaries(
    {
        "id_kk": st.integers(1, 9),
        "id_peristiwa": st.sampled_from([1, 2, 3, 4, 5, 6, 11, 12, 13, 14]),
        "tgl_peristiwa": tgl_peristiwa,
        "tgl_lapor": tgl_peristiwa,
        "jenis_kelamin_kepala": st.sampled_from([1, 2, None]),
    }
)


def kejadian(
    citra: st.SearchStrategy[dict[str, Any]], dari: dt.date, sampai: dt.date
) -> st.SearchStrategy[list[Kejadian]]:
    """Random changes of up to 8 records, interleaved; about one in six deletes the record."""
    return st.lists(
        st.tuples(
            st.integers(0, 7),
            st.sampled_from([-1, 0, 1, 1, 1, 1, 2, 3]),
            st.dates(dari, sampai),
            st.integers(0, 40),
            st.tuples(st.integers(0, 5), citra).map(lambda t: None if t[0] == 0 else t[1]),
        ),
        max_size=40,
    )


kelurahan_rekaman = st.lists(st.sampled_from(KELURAHAN), min_size=8, max_size=8).map(tuple)


# -- the history mechanics --

HIDUP = {"status_dasar": 1, "sex": 1, "tanggallahir": dt.date(1980, 5, 1), "agama_id": 1}
KEL = KELURAHAN[0]


def test_stale_and_duplicate_versions_are_ignored() -> None:
    a = Aliran("penduduk")
    assert a.kirim(KEL, 1, 3, dt.date(2026, 1, 1), HIDUP)
    assert not a.kirim(KEL, 1, 3, dt.date(2026, 1, 1), {**HIDUP, "agama_id": 2})
    assert not a.kirim(KEL, 1, 2, dt.date(2026, 2, 1), None)
    assert a.tabel[f"{KEL}:1".encode()][0] == 3
    assert [c for _, c in a.riwayat[f"{KEL}:1".encode()]] == [{**HIDUP, "kode_kelurahan": KEL}]
    assert (
        sum(n for ((_, kat, kode, _, _), _), n in a.agr.jumlah.items() if kat == "agama" and kode == "1") == 1
    )


def test_a_change_the_hub_does_not_keep_adds_no_entry_but_moves_the_version() -> None:
    a = Aliran("penduduk")
    a.kirim(KEL, 1, 1, dt.date(2026, 1, 1), {**HIDUP, "nama": "SITI", "suku": "mbojo", "akta_lahir": "A-1"})
    sebelum = dict(a.agr.jumlah)
    assert not a.kirim(
        KEL, 1, 2, dt.date(2026, 3, 1), {**HIDUP, "nama": "SITI A", "suku": " MBOJO", "akta_lahir": "B"}
    )
    assert a.agr.jumlah == sebelum
    assert a.tabel[f"{KEL}:1".encode()][0] == 2 and len(a.tabel[f"{KEL}:1".encode()][3]) == 1


def test_dates_never_go_back_along_a_history() -> None:
    a = Aliran("penduduk")  # kirim itself checks entri_baru against max(…) of the earlier entries
    a.kirim(KEL, 1, 1, dt.date(2026, 3, 1), HIDUP, telat=10)
    a.kirim(KEL, 1, 2, dt.date(2026, 1, 1), {**HIDUP, "agama_id": 2}, telat=0)
    a.kirim(KEL, 1, 3, dt.date(2026, 5, 1), {**HIDUP, "agama_id": 3}, telat=0)
    riwayat = a.tabel[f"{KEL}:1".encode()][3]
    tanggal = [(dt.date.fromordinal(e[0]), dt.date.fromordinal(e[1])) for e in riwayat]
    assert tanggal == [
        (dt.date(2026, 3, 1), dt.date(2026, 3, 11)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 11)),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1)),
    ]
    # the late version replaces the first on the same day: agama 1 never counts from 1 March on
    assert stok(a.agr.jumlah, dt.date(2026, 3, 1))[(KEL, "agama", "1", 1, 0)] == 0
    assert stok(a.agr.jumlah, dt.date(2026, 3, 1))[(KEL, "agama", "2", 1, 0)] == 1
    assert stok(a.agr.jumlah, dt.date(2026, 2, 28))[(KEL, "agama", "2", 1, 0)] == 0
