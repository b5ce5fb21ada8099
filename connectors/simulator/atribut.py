"""The resident fields beyond the first slice (docs/rekaman.md): schooling, health, family planning,
insurance, documents, KTP-el and suku, drawn with plausible Kota Bima distributions.

:func:`atribut_tambahan` gives them in :data:`KOLOM_TAMBAHAN` order for one resident; the smaller draws are
also used by the attribute edits of :mod:`connectors.simulator.koreksi`. Codes are OpenSID's (DOMAIN.md §2).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from connectors.simulator.sebaran import Undian

KOLOM_TAMBAHAN = (
    "pendidikan_sedang_id", "status", "sakit_menahun_id", "cara_kb_id", "hamil", "id_asuransi",
    "bpjs_ketenagakerjaan", "akta_lahir", "akta_perkawinan", "ktp_el", "status_rekam", "suku",
)  # fmt: skip
KELAS_SOSIAL = Undian({1: 17, 2: 29, 3: 31, 4: 17, 5: 6})  # tweb_keluarga_sejahtera
_SEDANG = [  # (minimum age, pendidikan_sedang_id)
    (60, Undian({18: 86, 17: 9, 3: 5})),
    (31, Undian({18: 96, 3: 2, 17: 1.5, 11: 0.5})),
    (25, Undian({18: 93, 11: 4, 12: 1.5, 10: 1, 13: 0.2, 3: 0.3})),
    (19, Undian({18: 62, 11: 28, 10: 5, 8: 1.5, 9: 1.5, 7: 2})),
    (16, Undian({7: 76, 18: 20, 6: 3, 16: 0.5})), (13, Undian({6: 86, 7: 3, 18: 6, 5: 3, 15: 0.5})),
    (7, Undian({4: 95, 6: 1, 3: 1.5, 14: 0.5, 16: 0.5, 5: 1})), (5, Undian({2: 55, 4: 30, 1: 15})),
    (3, Undian({2: 50, 1: 50})), (0, Undian({1: 100})),
]  # fmt: skip
_SAKIT = Undian({6: 25, 1: 20, 5: 12, 13: 12, 12: 8, 3: 6, 7: 5, 4: 4, 2: 2, 11: 3, 8: 2, 9: 0.5, 10: 0.5})
KB = Undian({3: 48, 1: 20, 5: 12, 2: 9, 6: 5, 99: 2})  # methods of married women (the female ones, sex 2/3)
_ASURANSI = {  # kelas_sosial → id_asuransi
    1: Undian({2: 75, 4: 8, 1: 15, 3: 2}), 2: Undian({2: 55, 4: 8, 1: 20, 3: 17}),
    3: Undian({2: 25, 3: 45, 1: 22, 4: 6, 99: 2}), 4: Undian({3: 70, 2: 8, 1: 14, 99: 8}),
    5: Undian({3: 72, 1: 10, 99: 18}),
}  # fmt: skip
# Share of workers with a BPJS Ketenagakerjaan card, by pekerjaan_id (others: none).
_BPJS_TK = {15: 0.7, 16: 0.85, 17: 0.8, 18: 0.45, 12: 0.3, 65: 0.3, 72: 0.3, 73: 0.4, 74: 0.4, 19: 0.1,
            13: 0.15, 14: 0.15, 81: 0.15, 88: 0.06, 84: 0.04, 8: 0.05}  # fmt: skip
_AKTA_LAHIR = [(60, 0.15), (45, 0.35), (30, 0.6), (18, 0.8), (1, 0.93), (0, 0.45)]  # (minimum age, share)
_REKAM = Undian({8: 82, 4: 6, 3: 5, 7: 3, 5: 2, 6: 2})  # status_rekam of a recorded KTP-el
_SUKU = {  # agama → suku (free text, as entered in SIMATIK)
    1: Undian({"MBOJO": 90, "BUGIS": 3, "JAWA": 2.2, "SASAK": 2, "SUMBAWA": 1, "MAKASSAR": 0.6, "ARAB": 0.4,
               "MELAYU": 0.3, "MINANG": 0.2, "BUTON": 0.3}),
    2: Undian({"FLORES": 45, "TIMOR": 20, "SUMBA": 10, "BATAK": 8, "JAWA": 8, "TORAJA": 5, "MBOJO": 4}),
    4: Undian({"BALI": 95, "JAWA": 3, "SASAK": 2}),
    5: Undian({"TIONGHOA": 90, "JAWA": 10}),
}  # fmt: skip
_SUKU[3] = _SUKU[2]
_ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
PELUANG_TIDAK_TETAP = 0.025  # share of residents with status 2 (TIDAK TETAP)


def pilih_suku(rng: random.Random, agama: int | None) -> str:
    return _SUKU.get(agama or 1, _SUKU[1]).ambil(rng)


def pilih_sedang(rng: random.Random, umur: int) -> int:
    return next(u for batas, u in _SEDANG if umur >= batas).ambil(rng)


def pilih_sakit(rng: random.Random, umur: int) -> int:
    sehat = 0.99 if umur < 40 else 0.96 if umur < 60 else 0.88
    return 14 if rng.random() < sehat else _SAKIT.ambil(rng)


def pilih_asuransi(rng: random.Random, kelas_sosial: int | None, pekerjaan: int | None) -> int:
    if pekerjaan in (5, 6, 7, 16, 17) and rng.random() < 0.95:  # PNS, TNI, POLRI, BUMN/BUMD
        return 3
    return _ASURANSI.get(kelas_sosial or 3, _ASURANSI[3]).ambil(rng)


def usia_subur(sex: int | None, status_kawin: int | None, umur: int) -> bool:
    """A married woman aged 15–49: the only residents with a KB method or a pregnancy."""
    return sex == 2 and status_kawin == 2 and 15 <= umur <= 49


def pilih_kb(rng: random.Random) -> int | None:
    r = rng.random()
    return KB.ambil(rng) if r < 0.62 else 100 if r < 0.93 else None


def pilih_hamil(rng: random.Random) -> int | None:
    r = rng.random()
    return 1 if r < 0.07 else 2 if r < 0.93 else None


def ktp(rng: random.Random, umur: int, status_kawin: int | None) -> tuple[int | None, int | None]:
    """``(ktp_el, status_rekam)``: children have status_rekam 1 BELUM WAJIB (and a KIA or nothing); residents
    aged 17+ or ever married have a KTP-el in some stage, a few not yet recorded."""
    if umur >= 17 or status_kawin in (2, 3, 4):
        return (1, 2) if rng.random() < 0.04 else (2, _REKAM.ambil(rng))
    return (3 if rng.random() < 0.35 else 1), 1


def akta_lahir_baru(rng: random.Random, lahir: dt.date) -> str:
    """A Dukcapil birth certificate number: ``5272-LT-DDMMYYYY-NNNN``."""
    return f"5272-LT-{lahir.day:02d}{lahir.month:02d}{lahir.year}-{1 + int(rng.random() * 9999):04d}"


def akta_kawin_baru(rng: random.Random, tahun: int) -> str:
    """A marriage book (KUA) number: ``NNNN/NNN/<month in Roman numerals>/YYYY``."""
    return f"{rng.randint(1, 999):04d}/{rng.randint(1, 199):03d}/{rng.choice(_ROMAWI)}/{tahun}"


def bpjs_tk_baru(rng: random.Random) -> str:
    return str(rng.randrange(10**10, 10**11))


def atribut_tambahan(
    rng: random.Random, *, sex: int, umur: int, lahir: dt.date, status_kawin: int, pekerjaan: int | None,
    kelas_sosial: int | None, suku: str | None, tanggal: dt.date, kosong: float = 1.0,
    tidak_tetap: float = PELUANG_TIDAK_TETAP,
) -> dict[str, Any]:  # fmt: skip
    """The :data:`KOLOM_TAMBAHAN` fields of one resident aged ``umur`` on ``tanggal``.

    ``suku`` is the family's (a few members differ); ``kosong`` scales the share left empty (BELUM MENGISI).
    """
    subur = usia_subur(sex, status_kawin, umur)
    bpjs = _BPJS_TK.get(pekerjaan or 0, 0.0)
    akta = next(p for batas, p in _AKTA_LAHIR if umur >= batas)
    kawin = status_kawin in (2, 3, 4) and rng.random() < (0.8 if status_kawin == 2 else 0.6)
    tahun_kawin = min(tanggal.year, lahir.year + rng.randint(18, 32))
    ktp_el, rekam = ktp(rng, umur, status_kawin) if rng.random() >= 0.01 * kosong else (None, None)
    if suku is None or rng.random() < 0.03:
        suku = pilih_suku(rng, None)
    return {
        "pendidikan_sedang_id": pilih_sedang(rng, umur),
        "status": 2 if rng.random() < tidak_tetap else 1,
        "sakit_menahun_id": pilih_sakit(rng, umur),
        "cara_kb_id": pilih_kb(rng) if subur else None,
        "hamil": pilih_hamil(rng)
        if subur
        else (2 if sex == 2 and umur >= 15 and rng.random() < 0.2 else None),
        "id_asuransi": pilih_asuransi(rng, kelas_sosial, pekerjaan),
        "bpjs_ketenagakerjaan": bpjs_tk_baru(rng) if bpjs and rng.random() < bpjs else None,
        "akta_lahir": akta_lahir_baru(rng, lahir) if rng.random() < akta else None,
        "akta_perkawinan": akta_kawin_baru(rng, tahun_kawin) if kawin else None,
        "ktp_el": ktp_el,
        "status_rekam": rekam,
        "suku": None if rng.random() < 0.02 * kosong else suku,
    }
