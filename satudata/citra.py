"""Pseudonymised record images: what the stream keeps per record version and what ClickHouse stores.

A source image (the Avro ``after``) carries personal data; the hub keeps only the columns declared here, per
record type, with NIK and KK numbers replaced by keyed HMAC pseudonyms and names, addresses and document
numbers dropped (documents become "present" flags). The same column list is the Faust table's compact form
(a JSON list, dates as ordinals) and the ``<jenis>_versi`` table in ClickHouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Ambil = Callable[[Mapping[str, Any], "Pseudonim"], Any]


class Pseudonim:
    """Keyed HMAC-SHA256 pseudonyms (first 128 bits, hex). NIK "0" and temporary NIKs get ``""``: they are
    not identities, and hashing them would make every such resident look like one person."""

    def __init__(self, kunci: bytes) -> None:
        self._kunci = kunci

    def __call__(self, jenis: str, nilai: str | None) -> str:
        if not nilai or nilai == "0" or nilai.startswith("0"):
            return ""
        return hmac.new(self._kunci, f"{jenis}:{nilai}".encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Kolom:
    nama: str
    tipe: str  # ClickHouse type
    ambil: Ambil
    tanggal: bool = False  # stored as an ordinal in the compact form


def _f(nama: str) -> Ambil:
    return lambda c, _p: c.get(nama)


def _ada(nama: str) -> Ambil:
    """1 when a document number is filled in, 0 when empty, None when the field was never sent."""

    def ambil(c: Mapping[str, Any], _p: Pseudonim) -> int | None:
        v = c.get(nama)
        if v is None:
            return None
        return 1 if str(v).strip() not in ("", "-", "0") else 0

    return ambil


def _teks_besar(nama: str) -> Ambil:
    def ambil(c: Mapping[str, Any], _p: Pseudonim) -> str | None:
        v = c.get(nama)
        return (" ".join(str(v).upper().split()) or None) if v is not None else None

    return ambil


LAHIR_TIDAK_DIKETAHUI = dt.date(1900, 1, 1)


def _lahir(c: Mapping[str, Any], _p: Pseudonim) -> Any:
    """A birth date of 1 January 1900 or earlier is a placeholder for "unknown" (no one alive was born
    then), so it counts as BELUM MENGISI; it is also the aggregates' marker for "no birth date"."""
    v = c.get("tanggallahir")
    return None if isinstance(v, dt.date) and v <= LAHIR_TIDAK_DIKETAHUI else v


def _hmac(nama: str, jenis: str) -> Ambil:
    return lambda c, p: p(jenis, c.get(nama))


def _kode(nama: str) -> Kolom:
    return Kolom(nama, "Nullable(Int16)", _f(nama))


def _tgl(nama: str) -> Kolom:
    return Kolom(nama, "Nullable(Date32)", _f(nama), tanggal=True)


def _teks(nama: str) -> Kolom:
    return Kolom(nama, "Nullable(String)", _f(nama))


def _id(nama: str) -> Kolom:
    return Kolom(nama, "Nullable(Int64)", _f(nama))


_WILAYAH = (_teks("dusun"), _teks("rw"), _teks("rt"))

CITRA: dict[str, tuple[Kolom, ...]] = {
    "penduduk": (
        Kolom("nik_hmac", "String", _hmac("nik", "nik")),
        Kolom("no_kk_hmac", "String", _hmac("no_kk", "kk")),
        _id("id_kk"),
        *_WILAYAH,
        _kode("status_dasar"),
        _kode("sex"),
        Kolom("tanggallahir", "Nullable(Date32)", _lahir, tanggal=True),
        _kode("agama_id"),
        _kode("pendidikan_kk_id"),
        _kode("pendidikan_sedang_id"),
        _kode("pekerjaan_id"),
        _kode("status_kawin"),
        _kode("kk_level"),
        _kode("warganegara_id"),
        _kode("status"),
        _kode("golongan_darah_id"),
        _kode("cacat_id"),
        _kode("sakit_menahun_id"),
        _kode("cara_kb_id"),
        _kode("hamil"),
        _kode("id_asuransi"),
        Kolom("bpjs_ketenagakerjaan", "Nullable(UInt8)", _ada("bpjs_ketenagakerjaan")),
        Kolom("akta_lahir", "Nullable(UInt8)", _ada("akta_lahir")),
        Kolom("akta_perkawinan", "Nullable(UInt8)", _ada("akta_perkawinan")),
        _kode("ktp_el"),
        _kode("status_rekam"),
        Kolom("suku", "Nullable(String)", _teks_besar("suku")),
    ),
    "keluarga": (
        Kolom("no_kk_hmac", "String", _hmac("no_kk", "kk")),
        _id("nik_kepala"),
        *_WILAYAH,
        _kode("kelas_sosial"),
        _kode("status_dasar"),
        _tgl("tgl_daftar"),
        _kode("jenis_kelamin_kepala"),
    ),
    "peristiwa": (
        _id("id_pend"),
        _kode("kode_peristiwa"),
        _tgl("tgl_peristiwa"),
        _tgl("tgl_lapor"),
        _kode("ref_pindah"),
        _kode("sebab"),
        _kode("penolong_mati"),
        _teks("kode_kelurahan_tujuan"),
        _kode("jenis_kelamin"),
        _kode("warganegara_id"),
    ),
    "peristiwa-keluarga": (
        _id("id_kk"),
        _kode("id_peristiwa"),
        _tgl("tgl_peristiwa"),
        _tgl("tgl_lapor"),
        _id("id_pend"),
        _kode("jenis_kelamin_kepala"),
    ),
    "bantuan-program": (
        _teks("nama"),
        _kode("sasaran"),
        _teks("asaldana"),
        _tgl("sdate"),
        _tgl("edate"),
        _kode("status"),
    ),
    "bantuan-peserta": (
        _id("program_id"),
        _kode("sasaran"),
        Kolom("peserta_hmac", "String", lambda c, p: p(f"peserta{c.get('sasaran')}", c.get("peserta"))),
        _id("id_penduduk"),
        _id("id_keluarga"),
        _kode("jenis_kelamin"),
    ),
    "surat": (
        _id("id_format_surat"),
        _teks("kode_surat"),
        _teks("nama_surat"),
        _tgl("tanggal"),
        _kode("status"),
        _kode("kecamatan"),
        Kolom("tte", "Nullable(UInt8)", lambda c, _p: None if c.get("tte") is None else int(bool(c["tte"]))),
        _id("id_pend"),
    ),
}


def padat(jenis: str, citra: Mapping[str, Any], pseudonim: Pseudonim) -> list[Any]:
    """Source image → compact pseudonymised list (JSON-safe: dates as ordinals)."""
    out: list[Any] = []
    for k in CITRA[jenis]:
        v = k.ambil(citra, pseudonim)
        if k.tanggal and isinstance(v, dt.date):
            v = v.toordinal()
        out.append(v)
    return out


def sebagai_dict(jenis: str, nilai: list[Any]) -> dict[str, Any]:
    """Compact list → column dict with ``date`` objects (for contributions and ClickHouse rows)."""
    out: dict[str, Any] = {}
    for k, v in zip(CITRA[jenis], nilai, strict=True):
        out[k.nama] = dt.date.fromordinal(v) if k.tanggal and v is not None else v
    return out
