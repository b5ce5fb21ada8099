"""An independent recount of living-resident statistics from final record states (the tests' oracle).

Deliberately shares no code with ``satudata.statistik`` / ``streams``: code lists are read from the JSON file
and ages are computed with plain date arithmetic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_KODE = json.loads((Path(__file__).parent.parent / "satudata/data/kode_opensid.json").read_text())["daftar"]
_KOLOM = {
    "jenis-kelamin": ("sex", "jenis_kelamin"),
    "agama": ("agama_id", "agama"),
    "pendidikan-dalam-kk": ("pendidikan_kk_id", "pendidikan_kk"),
    "pekerjaan": ("pekerjaan_id", "pekerjaan"),
    "status-perkawinan": ("status_kawin", "status_kawin"),
}

Kunci = tuple[str, str, str, int]


def _as_date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def kelompok_umur(lahir: dt.date | None, acuan: dt.date) -> str:
    if lahir is None or lahir > acuan:
        return ""
    years = acuan.year - lahir.year
    if (acuan.month, acuan.day) < (lahir.month, lahir.day):
        years -= 1
    if years >= 75:
        return "75+"
    low = years // 5 * 5
    return f"{low}-{low + 4}"


def recount(images: Iterable[Mapping[str, Any] | None], acuan: dt.date) -> Counter[Kunci]:
    """(kode_kelurahan, kategori, kode, jenis_kelamin) → living residents."""
    out: Counter[Kunci] = Counter()
    for img in images:
        if img is None or int(img.get("status_dasar") or 1) != 1:
            continue
        kel = str(img["kode_kelurahan"]).replace(".", "")
        sex = img.get("sex")
        jk = sex if sex in (1, 2) else 0
        for kategori, (kolom, daftar) in _KOLOM.items():
            v = img.get(kolom)
            kode = str(v) if v is not None and str(v) in _KODE[daftar] else ""
            out[(kel, kategori, kode, jk)] += 1
        out[(kel, "kelompok-umur", kelompok_umur(_as_date(img.get("tanggallahir")), acuan), jk)] += 1
    return out


def rollup(counts: Mapping[Kunci, int], wilayah: str, kategori: str) -> Counter[tuple[str, int]]:
    """Counts of one category for a kota (4 digits), kecamatan (6) or kelurahan (10) code."""
    out: Counter[tuple[str, int]] = Counter()
    for (kel, kat, kode, jk), n in counts.items():
        if kat == kategori and kel.startswith(wilayah) and n:
            out[(kode, jk)] += n
    return out
