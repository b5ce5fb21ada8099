"""Wilayah lookups by name, alias or any code form, and another region loaded from CSV with ambiguous names."""

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
    referensi_kota_bima,
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


# -- the shipped aliases and lookups by name or code (SATU_DATA.md §1.4) --


def test_the_shipped_csv_carries_the_known_alternative_spellings(ref: ReferensiWilayah) -> None:
    beralias = {w.nama: w.alias for t in Tingkat for w in ref.semua(t) if w.alias}
    assert beralias == {"Asakota": ("Asa Kota",), "Jatibaru Timur": ("Jaibaru Timur",), "Ule": ("Ole",)}
    assert ref.get("527203") == Wilayah("527203", "Asakota", Tingkat.KECAMATAN, "5272")  # alias not compared


@pytest.mark.parametrize(
    ("varian", "kode"),
    [
        ("SaraE", "5272011003"),
        ("NaE", "5272011002"),
        ("Penanae", "5272041003"),
        ("Oi Fo’o", "5272021019"),
        ("OI FO'O", "5272021019"),
        ("oi foo", "5272021019"),
        ("Jaibaru Timur", "5272031005"),
        ("Ole", "5272031006"),
        ("RasanaE Barat", "527201"),
        ("RasanaE Timur", "527202"),
        ("KOTA BIMA", "5272"),
        ("Asa Kota", "527203"),
        ("  jatibaru   timur ", "5272031005"),
        ("Jatibaru", "5272031003"),
    ],
)
def test_cari_accepts_the_name_variants_seen_on_import(ref: ReferensiWilayah, varian: str, kode: str) -> None:
    assert ref.cari(varian).kode == kode


@pytest.mark.parametrize(
    ("nama", "kode"),
    [
        ("Kec. Raba", "527204"),
        ("kec.raba", "527204"),
        ("KECAMATAN  RABA", "527204"),
        ("Kecamatan Asa Kota", "527203"),
        ("Kel. Paruga", "5272011001"),
        ("kel paruga", "5272011001"),
        ("Kelurahan Oi Fo'o", "5272021019"),
        ("Desa Sarae", "5272011003"),
        ("Ds. Sarae", "5272011003"),
    ],
)
def test_cari_ignores_level_prefixes(ref: ReferensiWilayah, nama: str, kode: str) -> None:
    assert ref.cari(nama).kode == kode


@pytest.mark.parametrize(
    ("kode", "nama"),
    [
        ("5272011001", "Paruga"),  # OpenSID config.kode_desa
        ("52.72.01.1001", "Paruga"),  # kode_wilayah(), as sent to OpenDK
        (" 52.72.01.1001\t", "Paruga"),
        ("5272011001\n", "Paruga"),
        ("527201", "Rasanae Barat"),  # OpenSID kode_kecamatan
        ("52.72.01", "Rasanae Barat"),
        ("5272", "Kota Bima"),
        ("52.72", "Kota Bima"),
    ],
)
def test_cari_accepts_every_code_form(ref: ReferensiWilayah, kode: str, nama: str) -> None:
    assert ref.cari(kode).nama == nama


def test_cari_accepts_an_integer_kode_desa(ref: ReferensiWilayah) -> None:
    assert ref.cari(5272011001).nama == "Paruga"


def test_every_region_is_found_by_name_and_by_each_code_form(ref: ReferensiWilayah) -> None:
    for tingkat in Tingkat:
        for w in ref.semua(tingkat):
            assert ref.cari(w.nama) is ref.cari(w.kode) is ref.cari(w.kode_bertitik) is w
            assert ref.cari(w.nama.upper(), tingkat) is w


@given(st.data())
def test_name_lookup_ignores_case_and_spacing(data: st.DataObject) -> None:
    ref = referensi_kota_bima()
    w = data.draw(st.sampled_from(ref.semua(Tingkat.KELURAHAN)))
    kata = w.nama.split()
    kata = [data.draw(st.sampled_from([k.upper(), k.lower(), k.swapcase(), k])) for k in kata]
    spasi = data.draw(st.sampled_from([" ", "  ", "\t"]))
    assert ref.cari(f" {spasi.join(kata)} ") is w


def test_a_prefix_or_tingkat_restricts_the_level(ref: ReferensiWilayah) -> None:
    with pytest.raises(
        KodeWilayahError, match=r"'Kel\. Raba' tidak ditemukan di Kota Bima; mungkin maksud Anda: Raba"
    ):
        ref.cari("Kel. Raba")
    with pytest.raises(KodeWilayahError, match="kelurahan bernama 'Raba' tidak ditemukan"):
        ref.cari("Raba", Tingkat.KELURAHAN)
    assert ref.cari("Raba", Tingkat.KECAMATAN).kode == "527204"
    with pytest.raises(KodeWilayahError, match="bukan kode kelurahan"):
        ref.cari("527204", Tingkat.KELURAHAN)


@pytest.mark.parametrize(
    "nama", ["Kabupaten Bima", "Kab. Bima", "Woha", "Mataram", "Kecamatan", "Paruga Timur"]
)
def test_unknown_names_are_rejected(ref: ReferensiWilayah, nama: str) -> None:
    with pytest.raises(KodeWilayahError, match=r"tidak ditemukan di Kota Bima"):
        ref.cari(nama)


def test_a_misspelt_name_gets_suggestions(ref: ReferensiWilayah) -> None:
    with pytest.raises(KodeWilayahError, match="mungkin maksud Anda: Jatibaru, Jatibaru Timur"):
        ref.cari("Jatibaru Tmur")


@pytest.mark.parametrize(("kode", "pesan"), [("5272019999", "tidak terdaftar"), ("52 72", "tidak dikenali")])
def test_cari_rejects_unknown_and_malformed_codes(ref: ReferensiWilayah, kode: str, pesan: str) -> None:
    with pytest.raises(KodeWilayahError, match=pesan):
        ref.cari(kode)


# -- another region from a CSV: ambiguous names, validation --

KABUPATEN = (
    "kode,nama,level,parent_kode,alias\n"
    "52.06,Kabupaten Bima,kabupaten,52,\n"
    "52.06.01,Woha,kecamatan,52.06,\n"
    "52.06.01.2001,Woha,desa,52.06.01,\n"
    "52.06.01.2002,Sukamaju,desa,52.06.01,Suka Maju\n"
    "52.06.02,Bolo,kecamatan,52.06,\n"
    "52.06.02.2001,Sukamaju,desa,52.06.02,\n"
    "52.06.02.1002,Kel. Bolo Baru,kelurahan,52.06.02,Bolobaru;Bolo  Baru Lama\n"
)


@pytest.fixture
def kabupaten(tmp_path: Path) -> ReferensiWilayah:
    csv = tmp_path / "kabupaten.csv"
    csv.write_text(KABUPATEN, encoding="utf-8")
    return ReferensiWilayah.dari_csv(csv)


def test_another_region_loads_with_kabupaten_and_desa_levels(kabupaten: ReferensiWilayah) -> None:
    assert (kabupaten.kota.kode, kabupaten.kota.nama, kabupaten.kota.tingkat) == (
        "5206",
        "Kabupaten Bima",
        "kota",
    )
    assert [w.kode for w in kabupaten.semua(Tingkat.KELURAHAN)] == [
        "5206012001",
        "5206012002",
        "5206021002",
        "5206022001",
    ]
    assert kabupaten.get("5206012002").alias == ("Suka Maju",)
    assert kabupaten.cari("bolobaru") is kabupaten.cari("BOLO BARU LAMA") is kabupaten.cari("Bolo Baru")
    with pytest.raises(KodeWilayahError, match="tidak terdaftar di Kabupaten Bima"):
        kabupaten.get("5272011001")


def test_a_name_of_two_levels_is_ambiguous_without_a_prefix(kabupaten: ReferensiWilayah) -> None:
    with pytest.raises(KodeWilayahError, match="ambigu") as exc:
        kabupaten.cari("woha")
    assert str(exc.value) == (
        "nama wilayah 'woha' ambigu di Kabupaten Bima, cocok dengan: Woha (kecamatan 52.06.01); "
        "Woha (kelurahan 52.06.01.2001, Kec. Woha). Gunakan kode wilayah atau awalan Kec./Kel."
    )
    assert kabupaten.cari("Kec. Woha").kode == "520601"
    assert kabupaten.cari("Desa Woha").kode == "5206012001"
    assert kabupaten.cari("Woha", Tingkat.KELURAHAN).kode == "5206012001"


def test_a_name_of_two_kelurahan_lists_both_with_their_kecamatan(kabupaten: ReferensiWilayah) -> None:
    for nama in ("Sukamaju", "Desa Sukamaju", "sukamaju "):
        with pytest.raises(KodeWilayahError, match="ambigu") as exc:
            kabupaten.cari(nama)
        assert "Sukamaju (kelurahan 52.06.01.2002, Kec. Woha)" in str(exc.value)
        assert "Sukamaju (kelurahan 52.06.02.2001, Kec. Bolo)" in str(exc.value)
    assert kabupaten.cari("5206022001").nama == "Sukamaju"


def test_the_alias_of_one_region_only_finds_that_one(kabupaten: ReferensiWilayah) -> None:
    assert kabupaten.cari("SUKA  MAJU").kode == "5206012002"


@pytest.mark.parametrize(
    ("baris", "pesan"),
    [
        ("52.72.01.1001,Paruga,dusun,52.72.01", "baris 4: level 'dusun' tidak dikenal"),
        ("52.72.02.1001,Paruga,kelurahan,52.72.02", r"baris 4: induk 527202 dari 5272021001 \(Paruga\)"),
        ("52.72.02,Paruga,kelurahan,52.72", "baris 4: kode 527202 tidak sesuai tingkat kelurahan"),
        ("52.72.01,Lagi,kecamatan,52.72", r"baris 4: kode wilayah 527201 muncul dua kali \(baris 3\)"),
        ("52.72.01.1001, ,kelurahan,52.72.01", "baris 4: nama wilayah kosong"),
        ("52.72.01.10x1,Paruga,kelurahan,52.72.01", "baris 4: kode wilayah tidak dikenali"),
        ("52.72.99.1001,Paruga,kelurahan,52.72.01", r"baris 4: induk 527201 dari 5272991001"),
    ],
)
def test_a_bad_csv_row_is_named_by_its_line(tmp_path: Path, baris: str, pesan: str) -> None:
    csv = tmp_path / "wilayah.csv"
    csv.write_text(
        f"kode,nama,level,parent_kode\n52.72,Kota Bima,kota,52\n52.72.01,Rasanae Barat,kecamatan,52.72\n{baris}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=pesan):
        ReferensiWilayah.dari_csv(csv)


def test_a_csv_without_the_required_columns_is_rejected(tmp_path: Path) -> None:
    csv = tmp_path / "wilayah.csv"
    csv.write_text("kode,nama\n52.72,Kota Bima\n", encoding="utf-8")
    with pytest.raises(ValueError, match="kolom level, parent_kode tidak ada"):
        ReferensiWilayah.dari_csv(csv)
