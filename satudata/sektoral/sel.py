"""The published table of an indicator and its small-cell suppression (SATU_DATA §4.4): cells of 1 to
``ambang`` - 1 are hidden, zero is shown, and complementary suppression hides the cells from which a hidden one
could be computed back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from satudata.kode import BELUM_MENGISI, daftar
from satudata.sektoral.definisi import AMBANG_BAWAAN, Indikator

KODE_BELUM_MENGISI = "777"
KODE_TOTAL = "888"

Kolom = int | None  # 1 L, 2 P, 0 sex unknown (not published: in the total only), None all
Alasan = Literal["sel-kecil", "pelengkap"]


@dataclass(frozen=True, slots=True)
class Sel:
    """One published cell: a code row (or BELUM MENGISI 777, TOTAL 888) × L / P / all (``None``)."""

    kode: str
    nama: str
    jenis_kelamin: Literal["L", "P"] | None
    nilai: int | float | None  # a count, or a percentage (2 decimals) of pembilang / pembagi
    pembilang: int | None  # percentages only
    pembagi: int | None
    disembunyikan: bool
    alasan: Alasan | None  # sel-kecil: 1 to N-1; pelengkap: hidden so that a sel-kecil cannot be derived


def baris_kode(ind: Indikator) -> list[tuple[str, str]]:
    """(code, label) rows of an indicator broken down by a code column, BELUM MENGISI as ``''``: the codes
    its conditions (for a percentage, its pembagi) allow, in the list's order."""
    r = ind.rincian
    if r.kolom is None or r.daftar is None:
        return []
    label = daftar(r.daftar).label
    kode: list[int] = list(label)
    belum = True
    for s in (ind.pembagi or ind.syarat).syarat:
        if s.kolom != r.kolom:
            continue
        if s.operasi == "dalam":
            kode, belum = [k for k in kode if k in s.nilai], False
        elif s.operasi == "bukan":
            kode = [k for k in kode if k not in s.nilai]
        elif s.operasi == "kosong":
            kode = []
        else:
            belum = False
    return [(str(k), label[k]) for k in kode] + ([("", BELUM_MENGISI)] if belum else [])


def _persen(a: int, b: int) -> float | None:
    return round(100.0 * a / b, 2) if b else None


def susun_sel(
    ind: Indikator, hitungan: Iterable[Sequence[Any]], ambang: int = AMBANG_BAWAAN, pelengkap: bool = True
) -> list[Sel]:
    """The published cells of an indicator from ``(kode, jenis_kelamin, pembilang, pembagi)`` rows.

    A cell is hidden when a number it publishes (the count; for a percentage its pembilang, pembagi or their
    difference) is 1 to ``ambang`` - 1; zero is shown. With ``pelengkap``, wherever a row or column of cells
    adds up to a shown total and only one of its members is hidden, the smallest other non-zero member (the
    total last) is hidden too, until no hidden cell can be computed back from the others. Cells of unknown sex
    are published only inside the totals, so they count as members that can be derived, not hidden.
    """
    kolom_kode = ind.rincian.kolom is not None
    kode_baris = baris_kode(ind)
    label = dict(kode_baris)
    baris: list[str] = [k for k, _ in kode_baris] if kolom_kode else []
    kolom: list[Kolom] = [1, 2, 0, None] if ind.rincian.jenis_kelamin else [None]
    nilai: dict[tuple[str, Kolom], list[int]] = {}
    for kode, jk, a, b in hitungan:
        kode, jk, a, b = str(kode), int(jk), int(a), int(b)
        if kolom_kode and kode not in label:  # not expected: the conditions exclude it
            label[kode] = daftar(ind.rincian.daftar or "").label_dari(int(kode) if kode else None)
            baris.append(kode)
        for r in ([kode] if kolom_kode else []) + [KODE_TOTAL]:
            for c in ([jk] if ind.rincian.jenis_kelamin else []) + [None]:
                v = nilai.setdefault((r, c), [0, 0])
                v[0] += a
                v[1] += b
    baris.append(KODE_TOTAL)

    def besaran(sel: tuple[str, Kolom]) -> tuple[int, ...]:
        a, b = nilai.get(sel, [0, 0])
        return (a, b, b - a) if ind.persen else (a,)

    isi = [r for r in baris if r != KODE_TOTAL]
    kelompok_baris = [[*isi, KODE_TOTAL]] if kolom_kode else []
    sembunyi = sel_tersembunyi(baris, kolom, besaran, ambang, pelengkap, kelompok_baris)

    out: list[Sel] = []
    for r in baris:
        nama = "TOTAL" if r == KODE_TOTAL else label[r]
        kode_keluar = KODE_BELUM_MENGISI if r == "" else r
        for c in kolom:
            if c == 0:
                continue
            jk_label: Literal["L", "P"] | None = "L" if c == 1 else "P" if c == 2 else None
            alasan = sembunyi.get((r, c))
            a, b = nilai.get((r, c), [0, 0])
            if alasan is not None:
                out.append(Sel(kode_keluar, nama, jk_label, None, None, None, True, alasan))
            elif ind.persen:
                out.append(Sel(kode_keluar, nama, jk_label, _persen(a, b), a, b, False, None))
            else:
                out.append(Sel(kode_keluar, nama, jk_label, a, None, None, False, None))
    return out


def sel_tersembunyi(
    baris: Sequence[str],
    kolom: Sequence[Kolom],
    besaran: Callable[[tuple[str, Kolom]], tuple[int, ...]],
    ambang: int = AMBANG_BAWAAN,
    pelengkap: bool = True,
    kelompok_baris: Sequence[Sequence[str]] = (),
) -> dict[tuple[str, Kolom], Alasan]:
    """The hidden cells of a table of rows ``baris`` × columns ``kolom`` (``[1, 2, 0, None]`` when broken down
    by sex, else ``[None]``), and why, by the rules of :func:`susun_sel`. ``besaran`` gives the numbers a cell
    publishes. The additive groups complementary suppression looks at: with a sex breakdown, L + P + unknown =
    all in every row; and in every column, the rows of each of ``kelompok_baris``, their total last."""
    sembunyi: dict[tuple[str, Kolom], Alasan] = {
        (r, c): "sel-kecil" for r in baris for c in kolom if any(0 < q < ambang for q in besaran((r, c)))
    }
    if pelengkap:
        kelompok: list[list[tuple[str, Kolom]]] = []  # members…, total last
        if len(kolom) > 1:
            kelompok += [[(r, 1), (r, 2), (r, 0), (r, None)] for r in baris]
        kelompok += [[(r, c) for r in anggota] for anggota in kelompok_baris for c in kolom]
        _sembunyikan_pelengkap(kelompok, besaran, sembunyi)
    return sembunyi


def _sembunyikan_pelengkap(
    kelompok: list[list[tuple[str, Kolom]]],
    besaran: Callable[[tuple[str, Kolom]], tuple[int, ...]],
    sembunyi: dict[tuple[str, Kolom], Alasan],
) -> None:
    """Complementary suppression over the additive groups of the table (see :func:`susun_sel`)."""
    berubah = True
    while berubah:
        berubah = False
        for anggota in kelompok:
            tersembunyi = [s for s in anggota if s in sembunyi]
            if len(tersembunyi) != 1:
                continue
            calon = [s for s in anggota if s not in sembunyi and s[1] != 0 and any(besaran(s))]
            if not calon:
                continue
            total = anggota[-1]
            pilih = min(calon, key=lambda s: (s == total, besaran(s)[min(1, len(besaran(s)) - 1)]))
            sembunyi[pilih] = "pelengkap"
            berubah = True
