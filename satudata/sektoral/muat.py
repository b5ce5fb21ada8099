"""Loading and validation of the sector files ``data/sektoral/<sektor>.yaml`` (their format:
:mod:`satudata.sektoral.definisi`): every error names the file, the indicator and the key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from satudata.kode import daftar, semua_daftar
from satudata.sektoral.definisi import (
    AMBANG_BAWAAN,
    KOLOM_TERLARANG,
    RELASI,
    SATUAN,
    SATUAN_HITUNG,
    SUMBER,
    Indikator,
    InfoKolom,
    Kumpulan,
    Nilai,
    Operasi,
    Rincian,
    Sektor,
    SektoralError,
    Syarat,
    Terkait,
    Umur,
    katalog,
)

DATA_SEKTORAL = Path(__file__).parent.parent / "data" / "sektoral"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _daftar_nama(nilai: Sequence[str]) -> str:
    return ", ".join(nilai)


class _Pengurai:
    """Parses one sector file; every error names the file, the indicator and the key."""

    def __init__(self, berkas: str) -> None:
        self.berkas = berkas
        self.indikator: str | None = None

    def galat(self, letak: str, pesan: str) -> SektoralError:
        bagian = [self.berkas]
        if self.indikator is not None:
            bagian.append(f"indikator {self.indikator!r}")
        if letak:
            bagian.append(letak)
        return SektoralError(f"{': '.join(bagian)}: {pesan}")

    def peta(self, raw: Any, letak: str, wajib: set[str], boleh: set[str]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise self.galat(letak, f"harus berupa pemetaan (kunci: nilai), bukan {type(raw).__name__}")
        asing = set(raw) - wajib - boleh
        if asing:
            raise self.galat(
                letak,
                f"kunci tidak dikenal: {_daftar_nama(sorted(map(str, asing)))}; "
                f"yang dikenal: {_daftar_nama(sorted(wajib | boleh))}",
            )
        kurang = wajib - set(raw)
        if kurang:
            raise self.galat(letak, f"kunci wajib belum ada: {_daftar_nama(sorted(kurang))}")
        return raw

    def teks(self, raw: Any, letak: str) -> str:
        if not isinstance(raw, str) or not raw.strip():
            raise self.galat(letak, "harus berupa teks yang tidak kosong")
        return " ".join(raw.split())

    def slug(self, raw: Any, letak: str) -> str:
        if not isinstance(raw, str) or not _SLUG.fullmatch(raw):
            raise self.galat(
                letak, f"{raw!r} harus berupa slug: huruf kecil, angka dan '-', mis. 'akta-lahir'"
            )
        return raw

    def sektor(self, raw: Any) -> Sektor:
        d = self.peta(
            raw,
            "",
            {"sektor", "judul", "opd", "deskripsi", "indikator"},
            {"sembunyikan_di_bawah", "sembunyikan_pelengkap"},
        )
        slug = self.slug(d["sektor"], "sektor")
        ambang = d.get("sembunyikan_di_bawah", AMBANG_BAWAAN)
        if not isinstance(ambang, int) or isinstance(ambang, bool) or ambang < 0:
            raise self.galat("sembunyikan_di_bawah", f"{ambang!r} harus bilangan bulat 0 atau lebih")
        pelengkap = d.get("sembunyikan_pelengkap", True)
        if not isinstance(pelengkap, bool):
            raise self.galat("sembunyikan_pelengkap", f"{pelengkap!r} harus true atau false")
        daftar_ind = d["indikator"]
        if not isinstance(daftar_ind, list) or not daftar_ind:
            raise self.galat("indikator", "harus berupa daftar berisi paling sedikit satu indikator")
        indikator: list[Indikator] = []
        for i, raw_ind in enumerate(daftar_ind):
            ind = self.indikator_(raw_ind, i)
            if any(x.kode == ind.kode for x in indikator):
                raise self.galat("kode", "kode indikator dipakai dua kali dalam sektor ini")
            indikator.append(ind)
        self.indikator = None
        return Sektor(
            sektor=slug,
            judul=self.teks(d["judul"], "judul"),
            opd=self.teks(d["opd"], "opd"),
            deskripsi=self.teks(d["deskripsi"], "deskripsi"),
            indikator=tuple(indikator),
            sembunyikan_di_bawah=ambang,
            sembunyikan_pelengkap=pelengkap,
            berkas=self.berkas,
        )

    def indikator_(self, raw: Any, urutan: int) -> Indikator:
        kode_raw = raw.get("kode") if isinstance(raw, dict) else None
        self.indikator = kode_raw if isinstance(kode_raw, str) and kode_raw else f"#{urutan + 1}"
        d = self.peta(
            raw, "", {"kode", "judul", "satuan", "sumber", "syarat"}, {"deskripsi", "pembagi", "rincian"}
        )
        kode = self.slug(d["kode"], "kode")
        self.indikator = kode
        sumber = d["sumber"]
        if sumber not in SUMBER:
            raise self.galat("sumber", f"sumber {sumber!r} tidak dikenal; pilihan: {_daftar_nama(SUMBER)}")
        satuan = d["satuan"]
        if satuan not in SATUAN:
            raise self.galat("satuan", f"satuan {satuan!r} tidak dikenal; pilihan: {_daftar_nama(SATUAN)}")
        if satuan == "persen" and "pembagi" not in d:
            raise self.galat("pembagi", "indikator bersatuan persen wajib punya pembagi (populasinya)")
        if satuan != "persen":
            if "pembagi" in d:
                raise self.galat("pembagi", "pembagi hanya untuk indikator bersatuan persen")
            if satuan != SATUAN_HITUNG[sumber]:
                raise self.galat(
                    "satuan", f"hitungan {sumber} bersatuan {SATUAN_HITUNG[sumber]!r}, bukan {satuan!r}"
                )
        pembagi = self.kumpulan(d["pembagi"], sumber, "pembagi") if "pembagi" in d else None
        return Indikator(
            kode=kode,
            judul=self.teks(d["judul"], "judul"),
            deskripsi=self.teks(d["deskripsi"], "deskripsi") if "deskripsi" in d else "",
            satuan=satuan,
            sumber=sumber,
            syarat=self.kumpulan(d["syarat"], sumber, "syarat"),
            pembagi=pembagi,
            rincian=self.rincian(d.get("rincian", []), sumber),
        )

    def kolom(self, nama: Any, sumber: str, letak: str, *, relasi: bool = True) -> tuple[str, InfoKolom]:
        """(sumber of the column, its info) of ``kolom`` or ``<jenis>.kolom`` (a declared join)."""
        if not isinstance(nama, str):
            raise self.galat(letak, f"nama kolom {nama!r} harus berupa teks")
        asal = sumber
        if "." in nama:
            tujuan, nama_kolom = nama.split(".", 1)
            if not relasi or (sumber, tujuan) not in RELASI:
                ada = [t for (a, t) in RELASI if a == sumber] if relasi else []
                pilihan = f"; relasi yang dideklarasikan: {_daftar_nama(ada)}" if ada else ""
                raise self.galat(letak, f"{sumber} tidak punya relasi ke {tujuan!r}{pilihan}")
            asal, nama = tujuan, nama_kolom
        if nama in KOLOM_TERLARANG:
            raise self.galat(letak, KOLOM_TERLARANG[nama])
        info = katalog(asal).get(nama)
        if info is None:
            raise self.galat(
                letak, f"kolom {nama!r} tidak ada pada {asal}; pilihan: {_daftar_nama(sorted(katalog(asal)))}"
            )
        return asal, info

    def kumpulan(self, raw: Any, sumber: str, letak: str, *, relasi: bool = True) -> Kumpulan:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise self.galat(letak, "harus berupa pemetaan syarat (kolom: nilai), boleh kosong: {}")
        syarat: list[Syarat] = []
        umur: Umur | None = None
        salah_satu: list[Kumpulan] = []
        terkait: list[Terkait] = []
        for kunci, nilai in raw.items():
            sub = f"{letak}.{kunci}"
            if kunci == "umur":
                umur = self.umur(nilai, sumber, sub)
            elif kunci == "salah_satu":
                if not isinstance(nilai, list) or len(nilai) < 2:
                    raise self.galat(sub, "harus berupa daftar berisi paling sedikit dua kumpulan syarat")
                salah_satu += [
                    self.kumpulan(k, sumber, f"{sub}[{i}]", relasi=relasi) for i, k in enumerate(nilai)
                ]
            elif kunci in ("dengan", "tanpa"):
                if not relasi:
                    raise self.galat(sub, "dengan/tanpa tidak dapat bersarang")
                terkait.append(self.terkait(nilai, sumber, sub, kunci == "dengan"))
            else:
                syarat.append(self.syarat(kunci, nilai, sumber, sub, relasi=relasi))
        return Kumpulan(tuple(syarat), umur, tuple(salah_satu), tuple(terkait))

    def umur(self, raw: Any, sumber: str, letak: str) -> Umur:
        if "tanggallahir" not in katalog(sumber):
            raise self.galat(
                letak, f"umur hanya untuk sumber yang punya tanggal lahir (penduduk), bukan {sumber}"
            )
        d = self.peta(raw, letak, set(), {"dari", "sampai"})
        dari, sampai = d.get("dari", 0), d.get("sampai")
        for nama, v in (("dari", dari), ("sampai", sampai)):
            if v is not None and (not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 150):
                raise self.galat(f"{letak}.{nama}", f"{v!r} harus bilangan bulat 0–150 (tahun)")
        if not d:
            raise self.galat(letak, "isi paling sedikit dari atau sampai")
        if sampai is not None and sampai < dari:
            raise self.galat(letak, f"sampai ({sampai}) lebih kecil dari dari ({dari})")
        return Umur(dari, sampai)

    def terkait(self, raw: Any, sumber: str, letak: str, ada: bool) -> Terkait:
        if isinstance(raw, str):
            raw = {"sumber": raw}
        d = self.peta(raw, letak, {"sumber"}, {"syarat"})
        asal = d["sumber"]
        if (asal, sumber) not in RELASI:
            ada_relasi = [a for (a, t) in RELASI if t == sumber]
            pilihan = f"; yang dideklarasikan: {_daftar_nama(ada_relasi)}" if ada_relasi else ""
            raise self.galat(letak, f"tidak ada relasi dari {asal!r} ke {sumber}{pilihan}")
        return Terkait(asal, ada, self.kumpulan(d.get("syarat"), asal, f"{letak}.syarat", relasi=False))

    def syarat(self, nama: Any, raw: Any, sumber: str, letak: str, *, relasi: bool) -> Syarat:
        asal, info = self.kolom(nama, sumber, letak, relasi=relasi)
        operasi: Operasi
        nilai: list[Any]
        if raw is None:
            operasi, nilai = "kosong", []
        elif isinstance(raw, dict):
            d = self.peta(raw, letak, set(), {"sama", "dalam", "bukan", "kosong"})
            if len(d) != 1:
                raise self.galat(letak, "pakai tepat satu dari sama, dalam, bukan, kosong")
            ((op, isi),) = d.items()
            if op == "kosong":
                if not isinstance(isi, bool):
                    raise self.galat(letak, "kosong harus true atau false")
                operasi, nilai = ("kosong" if isi else "terisi"), []
            else:
                operasi = "bukan" if op == "bukan" else "dalam"
                if op == "sama" and isinstance(isi, list):
                    raise self.galat(letak, "sama membutuhkan satu nilai; untuk beberapa nilai pakai dalam")
                nilai = isi if isinstance(isi, list) else [isi]
        else:
            operasi, nilai = "dalam", raw if isinstance(raw, list) else [raw]
        if operasi in ("dalam", "bukan"):
            if not nilai:
                raise self.galat(letak, "daftar nilai tidak boleh kosong")
            nilai = [self.nilai(v, asal, str(nama).split(".")[-1], info, letak) for v in nilai]
            if len(set(nilai)) != len(nilai):
                raise self.galat(letak, "nilai yang sama disebut dua kali")
        return Syarat(str(nama), operasi, tuple(nilai))

    def nilai(self, v: Any, sumber: str, kolom: str, info: InfoKolom, letak: str) -> Nilai:
        if info.jenis in ("tanggal", "id"):
            raise self.galat(letak, f"kolom {kolom} hanya dapat diperiksa dengan kosong: true/false")
        if info.jenis == "teks":
            if not isinstance(v, str) or not v.strip():
                raise self.galat(letak, f"nilai {v!r} harus berupa teks")
            return " ".join(v.upper().split()) if kolom == "suku" else v
        if not isinstance(v, int) or isinstance(v, bool):
            raise self.galat(letak, f"nilai {v!r} harus berupa kode bilangan bulat")
        if info.jenis == "ada" and v not in (0, 1):
            raise self.galat(letak, f"kolom {kolom} bernilai 1 (ada) atau 0 (tidak ada), bukan {v}")
        if info.daftar is not None and v not in daftar(info.daftar):
            raise self.galat(letak, f"kode {v} tidak ada dalam daftar {info.daftar} (kolom {kolom} {sumber})")
        return v

    def rincian(self, raw: Any, sumber: str) -> Rincian:
        if not isinstance(raw, list):
            raise self.galat("rincian", "harus berupa daftar, mis. [jenis_kelamin, cacat_id]")
        jk, kolom, nama_daftar = False, None, None
        for i, r in enumerate(raw):
            letak = f"rincian[{i}]"
            if r == "jenis_kelamin":
                if jk:
                    raise self.galat(letak, "jenis_kelamin disebut dua kali")
                jk = True
                continue
            if isinstance(r, dict):
                d = self.peta(r, letak, {"kolom"}, {"daftar"})
                r, nama_daftar = d["kolom"], d.get("daftar")
            if kolom is not None:
                raise self.galat(letak, "rincian hanya boleh memuat satu kolom kode (selain jenis_kelamin)")
            _, info = self.kolom(r, sumber, letak)
            if info.jenis != "kode":
                raise self.galat(letak, f"kolom {r} bukan kolom kode; rincian hanya menurut kolom kode")
            nama_daftar = nama_daftar or info.daftar
            if nama_daftar not in semua_daftar():
                raise self.galat(
                    letak,
                    f"daftar kode {nama_daftar!r} tidak dikenal; pilihan: {_daftar_nama(sorted(semua_daftar()))}",
                )
            kolom = str(r)
        return Rincian(jk, kolom, nama_daftar)


def urai_sektor(raw: Any, berkas: str) -> Sektor:
    """A sector from its parsed YAML (``berkas`` names it in errors)."""
    return _Pengurai(berkas).sektor(raw)


def muat_sektor(path: Path) -> Sektor:
    """Load and validate one sector file; its ``sektor`` must be its file name."""
    berkas = f"sektoral/{path.name}"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SektoralError(f"{berkas}: bukan YAML yang valid: {exc}") from exc
    sektor = urai_sektor(raw, berkas)
    if sektor.sektor != path.stem:
        raise SektoralError(
            f"{berkas}: sektor {sektor.sektor!r} harus sama dengan nama berkas ({path.stem!r})"
        )
    return sektor


def muat_semua(folder: Path = DATA_SEKTORAL) -> dict[str, Sektor]:
    """Every ``*.yaml`` sector of ``folder``, by slug, in file-name order."""
    return {s.sektor: s for s in (muat_sektor(p) for p in sorted(folder.glob("*.yaml")))}


@cache
def sektor_bawaan() -> dict[str, Sektor]:
    """The shipped sectors (``data/sektoral``), loaded once."""
    return muat_semua()
