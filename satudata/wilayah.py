"""Reference wilayah (Kemendagri codes) for Kota Bima, code normalisation and lookup by name.

Codes are held in the Kemendagri scheme only (never BPS, see SATU_DATA.md §1.3). The canonical form inside
the hub is the undotted one OpenSID uses (``config.kode_desa`` ``5272011001``, ``kode_kecamatan`` ``527201``);
dotted ``52.72.01.1001`` (what OpenSID sends to OpenDK) is accepted everywhere, with surrounding whitespace.

Names are matched case-insensitively, ignoring apostrophe variants, extra spaces and a ``Kec.``/``Kecamatan``
or ``Kel.``/``Kelurahan``/``Desa`` prefix (which then also picks the level). ``Kota``/``Kabupaten`` are part of
the name: "Kabupaten Bima" is another region than "Kota Bima".
Known alternative spellings (SATU_DATA.md §1.4) are in the CSV's optional ``alias`` column.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

DEFAULT_CSV = Path(__file__).parent / "data" / "kota_bima_wilayah.csv"

# Digits of each level in the undotted Kemendagri code: prov 2, kota 2, kec 2, kel 4 (ASCII digits only).
_TANPA_TITIK = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
_BERTITIK = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_MIRIP_KODE = re.compile(r"[0-9.\s]*[0-9][0-9.\s]*")
_APOSTROF = re.compile(r"['\u2018\u2019\u02bc\u00b4`]")
_AWALAN = re.compile(
    r"(?:(?P<kecamatan>kecamatan|kec)|(?P<kelurahan>kelurahan|kel|desa|ds))"
    r"(?:\.\s*|\s+)(?P<sisa>\S.*)"
)
ALIAS_PEMISAH = ";"


class Tingkat(StrEnum):
    KOTA = "kota"
    KECAMATAN = "kecamatan"
    KELURAHAN = "kelurahan"


# Level words accepted in a CSV's ``level`` column (a kabupaten sits where the kota does, a desa is level 4).
_TINGKAT_CSV = {"kota": Tingkat.KOTA, "kabupaten": Tingkat.KOTA, "kab": Tingkat.KOTA}
_TINGKAT_CSV |= {"kecamatan": Tingkat.KECAMATAN, "kelurahan": Tingkat.KELURAHAN, "desa": Tingkat.KELURAHAN}
_PANJANG = {Tingkat.KOTA: 4, Tingkat.KECAMATAN: 6, Tingkat.KELURAHAN: 10}
_ATAS = {Tingkat.KECAMATAN: Tingkat.KOTA, Tingkat.KELURAHAN: Tingkat.KECAMATAN}


class KodeWilayahError(ValueError):
    """A region code that is malformed or not in the reference list, or a name that is unknown or ambiguous."""


@dataclass(frozen=True, slots=True)
class Wilayah:
    kode: str  # undotted Kemendagri code
    nama: str
    tingkat: Tingkat
    induk: str | None  # parent code (undotted), None for the top
    alias: tuple[str, ...] = field(default=(), compare=False)  # other spellings accepted by name lookups

    @property
    def kode_bertitik(self) -> str:
        return bertitik(self.kode)

    @property
    def kolom(self) -> str:
        """The column holding this level's code in the hub's ClickHouse tables (``kode_kecamatan``…)."""
        return f"kode_{self.tingkat}"


def tanpa_titik(kode: str) -> str:
    """``52.72.01.1001`` or ``5272011001`` → ``5272011001``; raises on anything else."""
    teks = kode.strip()
    if not (_TANPA_TITIK.fullmatch(teks) or _BERTITIK.fullmatch(teks)):
        raise KodeWilayahError(f"kode wilayah tidak dikenali: {kode!r}")
    return teks.replace(".", "")


def bertitik(kode: str) -> str:
    """Undotted → dotted Kemendagri form (``5272011001`` → ``52.72.01.1001``)."""
    raw = tanpa_titik(kode)
    parts = [raw[0:2], raw[2:4], raw[4:6], raw[6:10]]
    return ".".join(p for p in parts if p)


def kunci_nama(nama: str) -> str:
    """Comparison key of a name: case-folded, apostrophes dropped, one space between words (prefix kept)."""
    return " ".join(_APOSTROF.sub("", nama).split()).casefold()


def _urai_awalan(kunci: str) -> tuple[Tingkat, str] | None:
    """``"kec. raba"`` → (KECAMATAN, ``"raba"``); None without a level prefix."""
    m = _AWALAN.fullmatch(kunci)
    if m is None:
        return None
    return (Tingkat.KECAMATAN if m["kecamatan"] else Tingkat.KELURAHAN), m["sisa"]


class ReferensiWilayah:
    """The kota → kecamatan → kelurahan tree of one kota or kabupaten, loaded from a CSV (see :meth:`dari_csv`)."""

    def __init__(self, rows: list[Wilayah]) -> None:
        kota = [w for w in rows if w.tingkat is Tingkat.KOTA]
        if len(kota) != 1:
            raise ValueError("the wilayah reference must hold exactly one kota")
        self.kota = kota[0]
        self._by_kode: dict[str, Wilayah] = {}
        for w in rows:
            if w.kode in self._by_kode:
                raise ValueError(f"kode wilayah {w.kode} muncul dua kali")
            self._by_kode[w.kode] = w
        for w in rows:
            _periksa_baris(w, self._by_kode)
        by_nama: dict[str, list[Wilayah]] = defaultdict(list)
        for w in rows:
            for kunci in _kunci_wilayah(w):
                by_nama[kunci].append(w)
        self._by_nama = dict(by_nama)

    @classmethod
    def dari_csv(cls, path: Path = DEFAULT_CSV) -> ReferensiWilayah:
        """Load a region from a UTF-8 CSV with header ``kode,nama,level,parent_kode[,alias]``.

        One row per region: exactly one ``kota`` (or ``kabupaten``) row, its ``kecamatan`` rows and their
        ``kelurahan`` (or ``desa``) rows. ``kode`` and ``parent_kode`` in dotted or undotted Kemendagri form
        (the top row's ``parent_kode`` is the province and is not checked); ``alias`` lists other spellings of
        the name separated by ``;``. Every parent must be in the file one level up and prefix its children's
        codes. The shipped ``data/kota_bima_wilayah.csv`` is the example; for another region pass its file,
        e.g. ``ReferensiWilayah.dari_csv(Path("kabupaten_bima.csv"))``.
        Raises :class:`KodeWilayahError` (a bad code) or ``ValueError`` (a bad file), naming the line.
        """
        baris: dict[str, tuple[int, Wilayah]] = {}  # kode → (line, row)
        with path.open(newline="", encoding="utf-8") as fh:
            baca = csv.DictReader(fh)
            kurang = {"kode", "nama", "level", "parent_kode"} - set(baca.fieldnames or ())
            if kurang:
                raise ValueError(f"{path.name}: kolom {', '.join(sorted(kurang))} tidak ada")
            for rec in baca:
                try:
                    w = _baris_csv(rec)
                    if w.kode in baris:
                        raise ValueError(f"kode wilayah {w.kode} muncul dua kali (baris {baris[w.kode][0]})")
                except ValueError as exc:  # KodeWilayahError included
                    raise type(exc)(f"{path.name} baris {baca.line_num}: {exc}") from None
                baris[w.kode] = (baca.line_num, w)
        by_kode = {kode: w for kode, (_, w) in baris.items()}
        for nomor, w in baris.values():
            try:
                _periksa_baris(w, by_kode)
            except ValueError as exc:
                raise ValueError(f"{path.name} baris {nomor}: {exc}") from None
        return cls([w for _, w in baris.values()])

    @classmethod
    def from_csv(cls, path: Path = DEFAULT_CSV) -> ReferensiWilayah:
        """Same as :meth:`dari_csv` (the original name)."""
        return cls.dari_csv(path)

    def get(self, kode: str) -> Wilayah:
        """Look a code up in any accepted form; raises :class:`KodeWilayahError` if unknown."""
        norm = tanpa_titik(kode)
        try:
            return self._by_kode[norm]
        except KeyError:
            raise KodeWilayahError(f"kode wilayah {kode!r} tidak terdaftar di {self.kota.nama}") from None

    def kelurahan(self, kode: str) -> Wilayah:
        w = self.get(kode)
        if w.tingkat is not Tingkat.KELURAHAN:
            raise KodeWilayahError(f"kode {kode!r} bukan kode kelurahan")
        return w

    def cari(self, nama_atau_kode: str | int, tingkat: Tingkat | None = None) -> Wilayah:
        """A region by code (dotted, undotted, OpenSID ``kode_desa``) or by name or alias.

        ``cari("52.72.01.1001")``, ``cari(5272011001)``, ``cari("KEL. PARUGA")`` and ``cari("Kecamatan Raba")``
        all work. ``tingkat`` (or a name prefix) restricts the level. Raises :class:`KodeWilayahError` for an
        unknown code or name, and for a name that fits several regions (the message lists them).
        """
        teks = str(nama_atau_kode).strip()
        if _MIRIP_KODE.fullmatch(teks):
            w = self.get(teks)
            if tingkat is not None and w.tingkat is not tingkat:
                raise KodeWilayahError(f"kode {teks!r} bukan kode {tingkat}")
            return w
        calon = self._calon(teks, tingkat)
        if len(calon) == 1:
            return calon[0]
        if not calon:
            raise KodeWilayahError(self._pesan_tidak_ada(teks, tingkat))
        daftar = "; ".join(self._uraian(w) for w in sorted(calon, key=lambda w: w.kode))
        raise KodeWilayahError(
            f"nama wilayah {teks!r} ambigu di {self.kota.nama}, cocok dengan: {daftar}. "
            "Gunakan kode wilayah atau awalan Kec./Kel."
        )

    def semua(self, tingkat: Tingkat) -> list[Wilayah]:
        return sorted((w for w in self._by_kode.values() if w.tingkat is tingkat), key=lambda w: w.kode)

    def anak(self, kode: str) -> list[Wilayah]:
        induk = tanpa_titik(kode)
        return sorted((w for w in self._by_kode.values() if w.induk == induk), key=lambda w: w.kode)

    def kecamatan_dari(self, kode_kelurahan: str) -> Wilayah:
        kel = self.kelurahan(kode_kelurahan)
        assert kel.induk is not None
        return self._by_kode[kel.induk]

    def _calon(self, nama: str, tingkat: Tingkat | None) -> list[Wilayah]:
        kunci = kunci_nama(nama)
        calon = list(self._by_nama.get(kunci, ()))
        awalan = _urai_awalan(kunci)
        if awalan is not None:
            calon += [
                w for w in self._by_nama.get(awalan[1], ()) if w.tingkat is awalan[0] and w not in calon
            ]
        return [w for w in calon if tingkat is None or w.tingkat is tingkat]

    def _uraian(self, w: Wilayah) -> str:
        teks = f"{w.nama} ({w.tingkat} {w.kode_bertitik}"
        if w.tingkat is Tingkat.KELURAHAN and w.induk in self._by_kode:
            teks += f", Kec. {self._by_kode[w.induk].nama}"
        return teks + ")"

    def _pesan_tidak_ada(self, nama: str, tingkat: Tingkat | None) -> str:
        jenis = f"{tingkat} bernama" if tingkat is not None else "wilayah"
        pesan = f"{jenis} {nama!r} tidak ditemukan di {self.kota.nama}"
        awalan = _urai_awalan(kunci_nama(nama))
        dasar = awalan[1] if awalan is not None else kunci_nama(nama)
        mirip = difflib.get_close_matches(dasar, list(self._by_nama), n=3, cutoff=0.75)
        saran = sorted({w.nama for k in mirip for w in self._by_nama[k]})
        return pesan + (f"; mungkin maksud Anda: {', '.join(saran)}" if saran else "")


def _baris_csv(rec: dict[str, str | None]) -> Wilayah:
    level = (rec.get("level") or "").strip().casefold()
    if level not in _TINGKAT_CSV:
        raise ValueError(
            f"level {rec.get('level')!r} tidak dikenal (kota, kabupaten, kecamatan, kelurahan, desa)"
        )
    tingkat = _TINGKAT_CSV[level]
    nama = " ".join((rec.get("nama") or "").split())
    if not nama:
        raise ValueError("nama wilayah kosong")
    induk = tanpa_titik(rec.get("parent_kode") or "") if tingkat is not Tingkat.KOTA else None
    alias = tuple(a.strip() for a in (rec.get("alias") or "").split(ALIAS_PEMISAH) if a.strip())
    return Wilayah(tanpa_titik(rec.get("kode") or ""), nama, tingkat, induk, alias)


def _periksa_baris(w: Wilayah, by_kode: dict[str, Wilayah]) -> None:
    if len(w.kode) != _PANJANG[w.tingkat]:
        raise ValueError(f"kode {w.kode} tidak sesuai tingkat {w.tingkat} ({_PANJANG[w.tingkat]} digit)")
    if w.tingkat is Tingkat.KOTA:
        return
    induk = by_kode.get(w.induk or "")
    if induk is None or induk.tingkat is not _ATAS[w.tingkat] or not w.kode.startswith(induk.kode):
        raise ValueError(f"induk {w.induk} dari {w.kode} ({w.nama}) tidak ada satu tingkat di atasnya")


def _kunci_wilayah(w: Wilayah) -> set[str]:
    """Name keys of a region: its name and aliases, each also without a prefix naming its own level."""
    kunci = {kunci_nama(n) for n in (w.nama, *w.alias)}
    for k in list(kunci):
        awalan = _urai_awalan(k)
        if awalan is not None and awalan[0] is w.tingkat:
            kunci.add(awalan[1])
    return kunci


@cache
def referensi_kota_bima() -> ReferensiWilayah:
    """The shipped Kota Bima reference (Kepmendagri 300.2.2-2430/2025): 5 kecamatan, 41 kelurahan."""
    return ReferensiWilayah.dari_csv(DEFAULT_CSV)
