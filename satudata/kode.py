"""OpenSID reference code lists (one versioned source: ``data/kode_opensid.json``).

Codes are OpenSID's small integers; a missing (``None``) code is data — OpenSID reports it as BELUM MENGISI.
Every list of DOMAIN.md §2 is there, under the names validation, statistics and dashboards use; the file's
``versi`` goes up whenever a list or a label changes (``perubahan`` says what changed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KODE_JSON = Path(__file__).parent / "data" / "kode_opensid.json"

BELUM_MENGISI = "BELUM MENGISI"

_SPASI = re.compile(r"\s+")
_GARIS_MIRING = re.compile(r"\s*/\s*")


@dataclass(frozen=True, slots=True)
class DaftarKode:
    """One code list, e.g. ``agama``: code → label."""

    nama: str
    label: dict[int, str]

    def __contains__(self, kode: object) -> bool:
        return kode in self.label

    def label_dari(self, kode: int | None) -> str:
        return BELUM_MENGISI if kode is None else self.label.get(kode, BELUM_MENGISI)


@cache
def _berkas() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(KODE_JSON.read_text(encoding="utf-8"))
    return data


@cache
def semua_daftar() -> dict[str, DaftarKode]:
    return {
        nama: DaftarKode(nama, {int(k): v for k, v in kode.items()})
        for nama, kode in _berkas()["daftar"].items()
    }


def daftar(nama: str) -> DaftarKode:
    """The code list called ``nama`` (``agama``, ``pekerjaan``, ``status_dasar``…)."""
    try:
        return semua_daftar()[nama]
    except KeyError:
        raise KeyError(f"no OpenSID code list named {nama!r}") from None


def versi() -> int:
    """Version of the shipped code lists (``versi`` in ``kode_opensid.json``)."""
    return int(_berkas()["versi"])


def normal_label(label: str) -> str:
    """Comparison key of a label: case-folded, one space between words, none around ``/``."""
    return _GARIS_MIRING.sub("/", _SPASI.sub(" ", label.strip())).casefold()


@cache
def _indeks_label(nama: str) -> dict[str, int]:
    return {normal_label(v): k for k, v in daftar(nama).label.items()}


def kode_dari_label(nama_daftar: str, label: str) -> int | None:
    """The code whose label is ``label`` in list ``nama_daftar``, ignoring case and spacing; None if none.

    ``kode_dari_label("pendidikan_sedang", "sedang  d-1/sederajat") == 8``. Raises ``KeyError`` for an
    unknown list, like :func:`daftar`.
    """
    return _indeks_label(nama_daftar).get(normal_label(label))


STATUS_DASAR_HIDUP = 1
LAKI_LAKI = 1
PEREMPUAN = 2
