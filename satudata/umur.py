"""Age in whole years at a reference date, and age-band sets (lookup tables, not code)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rentang:
    label: str
    dari: int
    sampai: int | None  # inclusive; None = open-ended


# BPS standard 5-year groups, 0-4 … 70-74, 75+ (DOMAIN.md §3).
BPS_5_TAHUN: tuple[Rentang, ...] = (
    *(Rentang(f"{a}-{a + 4}", a, a + 4) for a in range(0, 75, 5)),
    Rentang("75+", 75, None),
)


def umur(lahir: dt.date, acuan: dt.date) -> int:
    """Whole years between ``lahir`` and ``acuan`` (birthday counts on the day; 29 Feb → 1 Mar)."""
    return acuan.year - lahir.year - ((acuan.month, acuan.day) < (lahir.month, lahir.day))


def rentang_untuk(
    lahir: dt.date | None, acuan: dt.date, rentang: tuple[Rentang, ...] = BPS_5_TAHUN
) -> str | None:
    """Label of the band holding the age at ``acuan``; None when unknown or born after ``acuan``."""
    if lahir is None or lahir > acuan:
        return None
    u = umur(lahir, acuan)
    for r in rentang:
        if r.dari <= u and (r.sampai is None or u <= r.sampai):
            return r.label
    return None
