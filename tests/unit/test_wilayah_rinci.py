"""Small-cell suppression of the statistics below the kelurahan (``api.routes.wilayah_rinci.sembunyikan``): the
sectoral rules (:func:`satudata.sektoral.sel_tersembunyi`) over the OpenSID-style table, whose JUMLAH, BELUM
MENGISI and TOTAL rows add up too."""

from __future__ import annotations

from typing import Any

from api.routes.wilayah_rinci import BarisStatistikRinci, sembunyikan
from api.tabel import susun_tabel
from satudata.statistik import KATEGORI


def lihat(baris: list[BarisStatistikRinci]) -> dict[str, tuple[Any, ...]]:
    """(laki_laki, perempuan, jumlah) of the non-empty rows by name, a hidden cell as its reason."""
    return {b.nama: tuple(b.alasan.get(k) or getattr(b, k) for k in ("laki_laki", "perempuan", "jumlah"))
            for b in baris if b.jumlah != 0}  # fmt: skip


def test_small_cells_and_their_complements_are_hidden_zero_is_shown() -> None:
    baris = sembunyikan(susun_tabel(KATEGORI["agama"], [("1", 1, 6), ("1", 2, 7), ("2", 2, 2)]))
    assert lihat(baris) == {
        "ISLAM": (6, "pelengkap", "pelengkap"),  # or KRISTEN P = JUMLAH P - ISLAM P
        "KRISTEN": (0, "sel-kecil", "sel-kecil"),
        "JUMLAH": (6, 9, 15),
        "TOTAL": (6, 9, 15),
    }
    (islam,) = [b for b in baris if b.nama == "ISLAM"]
    assert (islam.persen_laki_laki, islam.persen_perempuan, islam.persen, islam.disembunyikan) == (
        40.0,
        None,
        None,
        True,
    )
    belum = [b for b in baris if b.nama == "BELUM MENGISI"]
    assert [(b.laki_laki, b.perempuan, b.jumlah, b.disembunyikan, b.alasan) for b in belum] == [
        (0, 0, 0, False, {})
    ]


def test_belum_mengisi_and_unknown_sex_are_protected_through_the_summary_rows() -> None:
    # 3 of 40 without a religion: BELUM MENGISI = TOTAL - JUMLAH would give them away
    baris = sembunyikan(susun_tabel(KATEGORI["agama"], [("1", 1, 20), ("1", 2, 17), ("", 2, 3)]))
    assert lihat(baris) == {
        "ISLAM": (20, "pelengkap", "pelengkap"),
        "JUMLAH": (20, "pelengkap", "pelengkap"),
        "BELUM MENGISI": (0, "sel-kecil", "sel-kecil"),
        "TOTAL": (20, 20, 40),
    }
    # 2 residents of unknown sex (only in jumlah): L + P + 2 = jumlah would give them away
    tanpa_jk = sembunyikan(susun_tabel(KATEGORI["agama"], [("1", 1, 10), ("1", 2, 12), ("1", 0, 2)]))
    assert lihat(tanpa_jk) == {
        "ISLAM": ("pelengkap", 12, 24),
        "JUMLAH": ("pelengkap", 12, 24),
        "TOTAL": ("pelengkap", 12, 24),
    }


def test_every_percentage_is_hidden_with_the_total() -> None:
    baris = sembunyikan(susun_tabel(KATEGORI["agama"], [("1", 2, 3), ("1", 0, 6)]))
    total = baris[-1]
    assert (total.nama, total.jumlah, total.alasan) == (
        "TOTAL",
        None,
        {"perempuan": "sel-kecil", "jumlah": "pelengkap"},
    )
    assert all(b.persen is None and b.persen_laki_laki is None and b.persen_perempuan is None for b in baris)
