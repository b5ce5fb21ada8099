"""The published table of a sectoral indicator (``satudata.sektoral.sel``): its rows, and small-cell suppression
with complementary suppression, for counts and percentages."""

from __future__ import annotations

from satudata.sektoral import Sel, baris_kode, susun_sel
from tests.unit.contoh_sektoral import ind, lihat, satu


def test_rows_follow_the_code_list_restricted_by_the_conditions() -> None:
    semua = satu(ind(rincian=["cacat_id"]))
    assert [k for k, _ in baris_kode(semua)] == ["1", "2", "3", "4", "5", "6", "7", ""]
    beberapa = satu(ind(syarat={"cacat_id": [3, 1]}, rincian=["cacat_id"]))
    assert baris_kode(beberapa) == [("1", "CACAT FISIK"), ("3", "CACAT RUNGU/WICARA")]
    bukan = satu(ind(syarat={"cacat_id": {"bukan": [7]}}, rincian=["cacat_id"]))
    assert [k for k, _ in baris_kode(bukan)] == ["1", "2", "3", "4", "5", "6", ""]
    persen = satu(
        ind(satuan="persen", pembagi={"cacat_id": [1, 2]}, syarat={"cacat_id": 1}, rincian=["cacat_id"])
    )
    assert [k for k, _ in baris_kode(persen)] == ["1", "2"]  # a percentage's rows come from its pembagi


def sel(hasil: list[Sel], kode: str, jk: str | None = None) -> Sel:
    (s,) = [x for x in hasil if x.kode == kode and x.jenis_kelamin == jk]
    return s


CACAT_12 = ind(syarat={"cacat_id": [1, 2]}, rincian=["jenis_kelamin", "cacat_id"])


def test_cells_of_one_to_four_are_hidden_and_zero_is_shown() -> None:
    i = satu(CACAT_12)
    hasil = susun_sel(
        i, [("1", 1, 3, 0), ("1", 2, 10, 0), ("2", 1, 8, 0), ("2", 2, 9, 0)], 5, pelengkap=False
    )
    assert [(s.kode, s.jenis_kelamin, lihat(s)) for s in hasil] == [
        ("1", "L", "sel-kecil"), ("1", "P", 10), ("1", None, 13),
        ("2", "L", 8), ("2", "P", 9), ("2", None, 17),
        ("888", "L", 11), ("888", "P", 19), ("888", None, 30),
    ]  # fmt: skip
    assert sel(hasil, "1", "L") == Sel("1", "CACAT FISIK", "L", None, None, None, True, "sel-kecil")
    nol = susun_sel(i, [("1", 1, 5, 0)], 5)
    assert [lihat(s) for s in nol] == [5, 0, 5, 0, 0, 0, 5, 0, 5]  # zero is never hidden
    assert all(not s.disembunyikan for s in susun_sel(i, [("1", 1, 3, 0)], 0))  # 0: no suppression


def test_complementary_suppression_leaves_no_hidden_cell_derivable() -> None:
    i = satu(CACAT_12)
    hasil = susun_sel(i, [("1", 1, 3, 0), ("1", 2, 10, 0), ("2", 1, 8, 0), ("2", 2, 9, 0)], 5)
    assert [(s.kode, s.jenis_kelamin, lihat(s)) for s in hasil] == [
        ("1", "L", "sel-kecil"), ("1", "P", "pelengkap"), ("1", None, 13),
        ("2", "L", "pelengkap"), ("2", "P", "pelengkap"), ("2", None, 17),
        ("888", "L", 11), ("888", "P", 19), ("888", None, 30),
    ]  # fmt: skip
    # residents of unknown sex are only in the totals, so a small number of them is protected too: here 2 of
    # them, in code 1 (L + P + 2 = all would give them away, in row 1 and in the TOTAL row)
    tanpa_jk = susun_sel(
        i, [("1", 1, 10, 0), ("1", 2, 12, 0), ("1", 0, 2, 0), ("2", 1, 6, 0), ("2", 2, 7, 0)], 5
    )
    assert [(s.kode, s.jenis_kelamin, lihat(s)) for s in tanpa_jk] == [
        ("1", "L", "pelengkap"), ("1", "P", 12), ("1", None, 24),
        ("2", "L", 6), ("2", "P", 7), ("2", None, 13),
        ("888", "L", "pelengkap"), ("888", "P", 19), ("888", None, 37),
    ]  # fmt: skip
    # a hidden cell whose only shown non-zero partner is the total (5 of unknown sex): the total goes
    satu_kode = susun_sel(satu(ind(rincian=["jenis_kelamin"])), [("", 1, 3, 0), ("", 0, 5, 0)], 5)
    assert [lihat(s) for s in satu_kode] == ["sel-kecil", 0, "pelengkap"]


def test_percentages_hide_small_numerators_denominators_and_complements() -> None:
    i = satu(ind(satuan="persen", pembagi={}, syarat={"akta_lahir": 1}, rincian=["cacat_id"]))
    rows = [
        ("1", 1, 3, 40),
        ("2", 1, 38, 40),
        ("3", 1, 0, 40),
        ("4", 2, 20, 40),
        ("5", 1, 2, 3),
        ("7", 1, 30, 30),
    ]
    hasil = {s.kode: lihat(s) for s in susun_sel(i, rows, 5, pelengkap=False)}
    assert hasil == {
        "1": "sel-kecil",  # 3 with akta
        "2": "sel-kecil",  # 2 without
        "3": (0.0, 0, 40),
        "4": (50.0, 20, 40),
        "5": "sel-kecil",
        "6": (None, 0, 0),  # no population: no percentage, nothing hidden
        "7": (100.0, 30, 30),
        "777": (None, 0, 0),
        "888": (48.19, 93, 193),
    }
