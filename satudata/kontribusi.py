"""The one place that turns a pseudonymised record image into statistic contributions.

A group is ``(kode_kelurahan, kategori, kode, jenis_kelamin, tanggal_lahir)``: ``kode`` is the OpenSID code as
text (``""`` = BELUM MENGISI), ``jenis_kelamin`` 1/2 or 0 when unknown or not applicable, ``tanggal_lahir`` the
birth date's ordinal for statistics whose rows depend on age at the date asked (0 otherwise). Ages are never
stored: the query computes them for its own reference date.

Three kinds of contribution:

- ``stok``: the record counts in the group while this version is valid — from its effective date
  (``berlaku``, the tgl_peristiwa basis) until the next version's;
- ``stok_lapor``: the same on report dates (the tgl_lapor basis of the laporan bulanan);
- ``fakta``: a dated fact of the record as currently known (a letter issued on a day, a vital event on its
  tgl_peristiwa and, in a ``@lapor`` category, on its tgl_lapor).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from satudata.kode import STATUS_DASAR_HIDUP, daftar

BELUM_MENGISI_KODE = ""
LAPOR = "@lapor"  # suffix of categories counted on report dates
Grup = tuple[str, str, str, int, int]
Fakta = tuple[Grup, int]

# Resident categories that are one code column: slug → (column, code list).
KOLOM_PENDUDUK: dict[str, tuple[str, str]] = {
    "jenis-kelamin": ("sex", "jenis_kelamin"),
    "agama": ("agama_id", "agama"),
    "pendidikan-dalam-kk": ("pendidikan_kk_id", "pendidikan_kk"),
    "pendidikan-sedang-ditempuh": ("pendidikan_sedang_id", "pendidikan_sedang"),
    "pekerjaan": ("pekerjaan_id", "pekerjaan"),
    "status-perkawinan": ("status_kawin", "status_kawin"),
    "hubungan-dalam-kk": ("kk_level", "hubungan_kk"),
    "warga-negara": ("warganegara_id", "warganegara"),
    "status-penduduk": ("status", "status_penduduk"),
    "golongan-darah": ("golongan_darah_id", "golongan_darah"),
    "penyandang-cacat": ("cacat_id", "cacat"),
    "penyakit-menahun": ("sakit_menahun_id", "sakit_menahun"),
    "akseptor-kb": ("cara_kb_id", "cara_kb"),
    "asuransi-kesehatan": ("id_asuransi", "asuransi"),
}
PERNAH_KAWIN = (2, 3, 4)


@dataclass(frozen=True, slots=True)
class Kontribusi:
    stok: tuple[Grup, ...] = ()
    stok_lapor: tuple[Grup, ...] = ()
    fakta: tuple[Fakta, ...] = ()


KOSONG = Kontribusi()


def _kode(nilai: Any, nama_daftar: str) -> str:
    return str(nilai) if nilai is not None and nilai in daftar(nama_daftar) else BELUM_MENGISI_KODE


def _jk(nilai: Any) -> int:
    return nilai if nilai in (1, 2) else 0


def _flag(nilai: Any) -> str:
    return BELUM_MENGISI_KODE if nilai is None else str(int(nilai))


def _ord(tanggal: Any) -> int:
    return tanggal.toordinal() if tanggal is not None else 0


def _penduduk(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    if c["status_dasar"] != STATUS_DASAR_HIDUP:
        return KOSONG
    jk = _jk(c["sex"])
    lahir = _ord(c["tanggallahir"])
    ada_lahir = "1" if lahir else BELUM_MENGISI_KODE
    stok = [(kel, slug, _kode(c[kolom], nama), jk, 0) for slug, (kolom, nama) in KOLOM_PENDUDUK.items()]
    pernah_kawin = int(c["status_kawin"] in PERNAH_KAWIN)
    stok += [
        (kel, "umur", ada_lahir, jk, lahir),
        (kel, "akta-kelahiran", _flag(c["akta_lahir"]), jk, lahir),
        (
            kel,
            "ktp",
            f"{_kode(c['status_rekam'], 'status_rekam')}|{pernah_kawin}|{c['ktp_el'] or ''}",
            jk,
            lahir,
        ),
        (kel, "suku", c["suku"] or BELUM_MENGISI_KODE, jk, 0),
        (kel, "bpjs-ketenagakerjaan", _flag(c["bpjs_ketenagakerjaan"]), jk, 0),
    ]
    if c["sex"] == 2:
        stok.append((kel, "status-kehamilan", _kode(c["hamil"], "hamil"), jk, 0))
    if c["status_kawin"] == 2:
        stok.append((kel, "akta-perkawinan", _flag(c["akta_perkawinan"]), jk, 0))
    wn = (kel, "warga-negara" + LAPOR, _kode(c["warganegara_id"], "warganegara"), jk, 0)
    return Kontribusi(tuple(stok), (wn,))


def _keluarga(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    if c["status_dasar"] not in (None, 1):
        return KOSONG
    jk = _jk(c["jenis_kelamin_kepala"])
    return Kontribusi(
        (
            (kel, "keluarga", "1", jk, 0),
            (kel, "kelas-sosial", _kode(c["kelas_sosial"], "kelas_sosial"), jk, 0),
        ),
        ((kel, "keluarga" + LAPOR, "1", jk, 0),),
    )


def _wn(nilai: Any) -> str:
    return "2" if nilai == 2 else "1"  # the report's WNI/WNA columns; dual citizens count as WNI


def _peristiwa(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    kode = f"{c['kode_peristiwa']}|{_wn(c['warganegara_id'])}"
    jk = _jk(c["jenis_kelamin"])
    return Kontribusi(
        fakta=(
            ((kel, "peristiwa", kode, jk, 0), _ord(c["tgl_peristiwa"])),
            ((kel, "peristiwa" + LAPOR, kode, jk, 0), _ord(c["tgl_lapor"] or c["tgl_peristiwa"])),
        )
    )


def _peristiwa_keluarga(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    kode, jk = str(c["id_peristiwa"]), _jk(c["jenis_kelamin_kepala"])
    return Kontribusi(
        fakta=(
            ((kel, "peristiwa-keluarga", kode, jk, 0), _ord(c["tgl_peristiwa"])),
            ((kel, "peristiwa-keluarga" + LAPOR, kode, jk, 0), _ord(c["tgl_lapor"] or c["tgl_peristiwa"])),
        )
    )


def _program(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    return Kontribusi(((kel, "bantuan-program", _kode(c["sasaran"], "sasaran_bantuan"), 0, 0),))


def _peserta(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    jk = _jk(c["jenis_kelamin"])
    return Kontribusi(
        (
            (kel, "bantuan", str(c["program_id"]), jk, 0),
            (kel, "bantuan-sasaran", _kode(c["sasaran"], "sasaran_bantuan"), jk, 0),
        )
    )


def _surat(kel: str, c: Mapping[str, Any]) -> Kontribusi:
    if c["status"] != 1 or c["tanggal"] is None:
        return KOSONG
    kode = c["kode_surat"] or str(c["id_format_surat"] or "")
    return Kontribusi(fakta=(((kel, "surat", kode, 0, 0), _ord(c["tanggal"])),))


def _bertanggal(k: Kontribusi) -> Kontribusi:
    """Drop facts without a date (an event whose tgl_peristiwa was not filled in counts in no month)."""
    if all(t for _, t in k.fakta):
        return k
    return Kontribusi(k.stok, k.stok_lapor, tuple(f for f in k.fakta if f[1]))


KONTRIBUSI: dict[str, Callable[[str, Mapping[str, Any]], Kontribusi]] = {
    "penduduk": _penduduk,
    "keluarga": _keluarga,
    "peristiwa": _peristiwa,
    "peristiwa-keluarga": _peristiwa_keluarga,
    "bantuan-program": _program,
    "bantuan-peserta": _peserta,
    "surat": _surat,
}


def kontribusi(jenis: str, kode_kelurahan: str, citra: Mapping[str, Any] | None) -> Kontribusi:
    """Contributions of one version's image (``None``: a deleted record contributes nothing)."""
    if citra is None:
        return KOSONG
    return _bertanggal(KONTRIBUSI[jenis](kode_kelurahan, citra))
