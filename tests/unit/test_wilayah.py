"""Kota Bima reference wilayah from the shipped CSV, Kemendagri code normalisation and lookups by code."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satudata.wilayah import (
    KodeWilayahError,
    ReferensiWilayah,
    Tingkat,
    Wilayah,
    bertitik,
    referensi_kota_bima,
    tanpa_titik,
)

KECAMATAN = {
    "527201": ("Rasanae Barat", 6),
    "527202": ("Rasanae Timur", 8),
    "527203": ("Asakota", 6),
    "527204": ("Raba", 11),
    "527205": ("Mpunda", 10),
}
PANJANG = (2, 4, 6, 10)  # provinsi, kota, kecamatan, kelurahan

kode_tanpa_titik = st.sampled_from(PANJANG).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
)


@pytest.fixture(scope="module")
def ref() -> ReferensiWilayah:
    return referensi_kota_bima()


# -- the shipped reference --


def test_reference_holds_one_kota_five_kecamatan_and_41_kelurahan(ref: ReferensiWilayah) -> None:
    assert (ref.kota.kode, ref.kota.nama, ref.kota.induk) == ("5272", "Kota Bima", None)
    kecamatan = ref.semua(Tingkat.KECAMATAN)
    assert {k.kode: k.nama for k in kecamatan} == {kode: nama for kode, (nama, _) in KECAMATAN.items()}
    assert len(ref.semua(Tingkat.KELURAHAN)) == 41
    assert [k.kode for k in ref.anak(ref.kota.kode)] == sorted(KECAMATAN)


@pytest.mark.parametrize(("kode", "nama_jumlah"), sorted(KECAMATAN.items()))
def test_each_kecamatan_has_its_kelurahan(
    ref: ReferensiWilayah, kode: str, nama_jumlah: tuple[str, int]
) -> None:
    anak = ref.anak(kode)
    assert len(anak) == nama_jumlah[1]
    assert all(k.tingkat is Tingkat.KELURAHAN and k.induk == kode for k in anak)
    assert all(len(k.kode) == 10 and k.kode.startswith(kode) for k in anak)


def test_every_kelurahan_is_under_exactly_one_kecamatan(ref: ReferensiWilayah) -> None:
    kelurahan = {k.kode for k in ref.semua(Tingkat.KELURAHAN)}
    per_kecamatan = [{k.kode for k in ref.anak(kec)} for kec in KECAMATAN]
    assert set().union(*per_kecamatan) == kelurahan
    assert sum(len(s) for s in per_kecamatan) == 41
    assert ref.anak("5272011001") == []  # kelurahan are leaves


def test_reference_is_loaded_once() -> None:
    assert referensi_kota_bima() is referensi_kota_bima()


# -- lookups --


@pytest.mark.parametrize(
    ("kode", "nama", "tingkat"),
    [
        ("5272", "Kota Bima", Tingkat.KOTA),
        ("52.72", "Kota Bima", Tingkat.KOTA),
        ("527204", "Raba", Tingkat.KECAMATAN),
        ("52.72.04", "Raba", Tingkat.KECAMATAN),
        ("5272011001", "Paruga", Tingkat.KELURAHAN),
        ("52.72.01.1001", "Paruga", Tingkat.KELURAHAN),
        (" 52.72.02.1004 ", "Kumbe", Tingkat.KELURAHAN),
    ],
)
def test_get_accepts_dotted_and_undotted_codes(
    ref: ReferensiWilayah, kode: str, nama: str, tingkat: Tingkat
) -> None:
    w = ref.get(kode)
    assert (w.nama, w.tingkat, w.kode) == (nama, tingkat, tanpa_titik(kode))


def test_kode_bertitik_of_a_wilayah(ref: ReferensiWilayah) -> None:
    assert ref.get("5272011001").kode_bertitik == "52.72.01.1001"
    assert ref.kota.kode_bertitik == "52.72"


def test_parent_chain_from_kelurahan_to_kota(ref: ReferensiWilayah) -> None:
    kel = ref.kelurahan("52.72.02.1004")
    kec = ref.kecamatan_dari(kel.kode)
    assert (kel.nama, kel.induk) == ("Kumbe", "527202")
    assert (kec.kode, kec.nama, kec.induk) == ("527202", "Rasanae Timur", "5272")
    assert ref.get("5272") is ref.kota


def test_every_parent_exists_and_sits_one_level_up(ref: ReferensiWilayah) -> None:
    naik = {Tingkat.KELURAHAN: Tingkat.KECAMATAN, Tingkat.KECAMATAN: Tingkat.KOTA}
    for tingkat, atas in naik.items():
        for w in ref.semua(tingkat):
            assert w.induk is not None
            assert ref.get(w.induk).tingkat is atas
            assert w.kode.startswith(w.induk)


@pytest.mark.parametrize("kode", ["5272019999", "52.72.06", "5271", "52", "52.72.01.1005"])
def test_unknown_codes_are_rejected_with_the_code_and_kota_in_the_message(
    ref: ReferensiWilayah, kode: str
) -> None:
    with pytest.raises(KodeWilayahError, match=r"tidak terdaftar di Kota Bima") as exc:
        ref.get(kode)
    assert repr(kode) in str(exc.value)


@pytest.mark.parametrize("kode", ["5272", "527201", "52.72.01"])
def test_kelurahan_lookup_rejects_higher_levels(ref: ReferensiWilayah, kode: str) -> None:
    with pytest.raises(KodeWilayahError, match="bukan kode kelurahan"):
        ref.kelurahan(kode)
    with pytest.raises(KodeWilayahError):
        ref.kecamatan_dari(kode)


def test_kode_wilayah_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="tidak dikenali"):
        tanpa_titik("abc")


# -- normalisation --


@pytest.mark.parametrize(
    ("dotted", "undotted"),
    [("52", "52"), ("52.72", "5272"), ("52.72.01", "527201"), ("52.72.01.1001", "5272011001")],
)
def test_dotted_and_undotted_forms(dotted: str, undotted: str) -> None:
    assert tanpa_titik(dotted) == tanpa_titik(undotted) == undotted
    assert bertitik(undotted) == bertitik(dotted) == dotted


@pytest.mark.parametrize(
    "kode",
    [
        "",
        " ",
        "5",
        "527",
        "52720",
        "5272011",
        "527201100",
        "52720110011",
        "52.72.01.10011",
        "5272.01",  # dots in the wrong places
        "5.2.7.2",
        "52.7201.1001",
        "52..72",
        "52.72.",
        ".5272",
        "52-72-01",
        "52 72",
        "abcd",
        "-5272",
        "٥٢٧٢",  # Arabic-Indic digits are digits to str.isdigit, not to the hub
        "５２７２",  # full-width digits
    ],
)
def test_malformed_codes_are_rejected(kode: str) -> None:
    with pytest.raises(KodeWilayahError, match="tidak dikenali"):
        tanpa_titik(kode)
    with pytest.raises(KodeWilayahError):
        bertitik(kode)


@given(kode_tanpa_titik)
def test_normalisation_round_trip(kode: str) -> None:
    dotted = bertitik(kode)
    assert tanpa_titik(dotted) == kode
    assert tanpa_titik(kode) == kode
    assert bertitik(dotted) == dotted
    assert [len(p) for p in dotted.split(".")] == [2, 2, 2, 4][: dotted.count(".") + 1]


@given(kode_tanpa_titik, st.text(alphabet=" \t\n", max_size=3), st.text(alphabet=" \t\n", max_size=3))
def test_surrounding_whitespace_is_ignored(kode: str, depan: str, belakang: str) -> None:
    assert tanpa_titik(depan + kode + belakang) == kode
    assert tanpa_titik(depan + bertitik(kode) + belakang) == kode


# -- loading from a CSV --


def test_from_csv_normalises_codes_and_names(tmp_path: Path) -> None:
    csv = tmp_path / "wilayah.csv"
    csv.write_text(
        "kode,nama,level,parent_kode\n"
        "52.72,Kota Bima,kota,52\n"
        "52.72.01, Rasanae Barat ,kecamatan,52.72\n"
        "5272011001,Paruga,kelurahan,52.72.01\n",
        encoding="utf-8",
    )
    ref = ReferensiWilayah.from_csv(csv)
    assert ref.get("527201") == Wilayah("527201", "Rasanae Barat", Tingkat.KECAMATAN, "5272")
    assert ref.kelurahan("52.72.01.1001") == Wilayah("5272011001", "Paruga", Tingkat.KELURAHAN, "527201")
    assert ref.kota.induk is None


def test_a_reference_needs_exactly_one_kota() -> None:
    kec = Wilayah("527201", "Rasanae Barat", Tingkat.KECAMATAN, "5272")
    with pytest.raises(ValueError, match="exactly one kota"):
        ReferensiWilayah([kec])
    kota = Wilayah("5272", "Kota Bima", Tingkat.KOTA, None)
    with pytest.raises(ValueError, match="exactly one kota"):
        ReferensiWilayah([kota, Wilayah("5271", "Kota Mataram", Tingkat.KOTA, None)])


def test_dari_csv_is_from_csv_and_the_alias_column_is_optional(tmp_path: Path) -> None:
    csv = tmp_path / "wilayah.csv"
    csv.write_text("kode,nama,level,parent_kode\n52.72,Kota Bima,kota,52\n", encoding="utf-8")
    assert ReferensiWilayah.dari_csv(csv).kota == ReferensiWilayah.from_csv(csv).kota
    assert ReferensiWilayah.dari_csv(csv).kota.alias == ()
