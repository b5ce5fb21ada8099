"""The shipped OpenSID code lists (``data/kode_opensid.json``) against DOMAIN.md §2, and label lookups."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from satudata import penduduk
from satudata.kode import (
    BELUM_MENGISI,
    KODE_JSON,
    DaftarKode,
    daftar,
    kode_dari_label,
    normal_label,
    semua_daftar,
    versi,
)

# DOMAIN.md §2.1, §2.2 and §2.4 written as there ("code label · code label"); the hub's list name first.
DOMAIN = {
    "jenis_kelamin": "1 LAKI-LAKI · 2 PEREMPUAN",
    "agama": "1 ISLAM · 2 KRISTEN · 3 KATHOLIK · 4 HINDU · 5 BUDHA · 6 KHONGHUCU · "
    "7 Kepercayaan Terhadap Tuhan YME / Lainnya",
    "status_kawin": "1 BELUM KAWIN · 2 KAWIN · 3 CERAI HIDUP · 4 CERAI MATI",
    "hubungan_kk": "1 KEPALA KELUARGA · 2 SUAMI · 3 ISTRI · 4 ANAK · 5 MENANTU · 6 CUCU · 7 ORANGTUA · "
    "8 MERTUA · 9 FAMILI LAIN · 10 PEMBANTU · 11 LAINNYA",
    "hubungan_rtm": "1 Kepala Rumah Tangga · 2 Anggota",
    "warganegara": "1 WNI · 2 WNA · 3 DUA KEWARGANEGARAAN",
    "golongan_darah": "1 A · 2 B · 3 AB · 4 O · 5 A+ · 6 A- · 7 B+ · 8 B- · 9 AB+ · 10 AB- · 11 O+ · 12 O- · "
    "13 TIDAK TAHU",
    "cacat": "1 CACAT FISIK · 2 CACAT NETRA/BUTA · 3 CACAT RUNGU/WICARA · 4 CACAT MENTAL/JIWA · "
    "5 CACAT FISIK DAN MENTAL · 6 CACAT LAINNYA · 7 TIDAK CACAT",
    "sakit_menahun": "1 JANTUNG · 2 LEVER · 3 PARU-PARU · 4 KANKER · 5 STROKE · 6 DIABETES MELITUS · 7 GINJAL · "
    "8 MALARIA · 9 LEPRA/KUSTA · 10 HIV/AIDS · 11 GILA/STRESS · 12 TBC · 13 ASTHMA · 14 TIDAK ADA/TIDAK SAKIT",
    "cara_kb": "1 Pil · 2 IUD · 3 Suntik · 4 Kondom · 5 Susuk KB · 6 Sterilisasi Wanita · 7 Sterilisasi Pria · "
    "99 Lainnya · 100 Tidak Menggunakan",
    "asuransi": "1 Tidak/Belum Punya · 2 BPJS Penerima Bantuan Iuran (PBI) · 3 BPJS Non Penerima Bantuan Iuran · "
    "4 BPJS Bantuan Daerah · 99 Asuransi Lainnya",
    "hamil": "1 HAMIL · 2 TIDAK HAMIL",
    "status_penduduk": "1 TETAP · 2 TIDAK TETAP",
    "status_dasar": "1 HIDUP · 2 MATI · 3 PINDAH · 4 HILANG · 6 PERGI · 9 TIDAK VALID",
    "ktp_el": "1 BELUM · 2 KTP-EL · 3 KIA",
    "status_rekam": "1 BELUM WAJIB · 2 BELUM REKAM · 3 SUDAH REKAM · 4 CARD PRINTED · 5 PRINT READY RECORD · "
    "6 CARD SHIPPED · 7 SENT FOR CARD PRINTING · 8 CARD ISSUED",
    "pendidikan_kk": "1 TIDAK / BELUM SEKOLAH · 2 BELUM TAMAT SD/SEDERAJAT · 3 TAMAT SD / SEDERAJAT · "
    "4 SLTP/SEDERAJAT · 5 SLTA / SEDERAJAT · 6 DIPLOMA I / II · 7 AKADEMI/ DIPLOMA III/S. MUDA · "
    "8 DIPLOMA IV/ STRATA I · 9 STRATA II · 10 STRATA III",
    "pendidikan_sedang": "1 BELUM MASUK TK/KELOMPOK BERMAIN · 2 SEDANG TK/KELOMPOK BERMAIN · "
    "3 TIDAK PERNAH SEKOLAH · 4 SEDANG SD/SEDERAJAT · 5 TIDAK TAMAT SD/SEDERAJAT · 6 SEDANG SLTP/SEDERAJAT · "
    "7 SEDANG SLTA/SEDERAJAT · 8 SEDANG D-1/SEDERAJAT · 9 SEDANG D-2/SEDERAJAT · 10 SEDANG D-3/SEDERAJAT · "
    "11 SEDANG S-1/SEDERAJAT · 12 SEDANG S-2/SEDERAJAT · 13 SEDANG S-3/SEDERAJAT · 14 SEDANG SLB A/SEDERAJAT · "
    "15 SEDANG SLB B/SEDERAJAT · 16 SEDANG SLB C/SEDERAJAT · "
    "17 TIDAK DAPAT MEMBACA DAN MENULIS HURUF LATIN/ARAB · 18 TIDAK SEDANG SEKOLAH",
    "peristiwa": "1 LAHIR · 2 MATI · 3 PINDAH KELUAR · 4 HILANG · 5 PINDAH MASUK · 6 PERGI",
    "ref_pindah": "1 Pindah keluar Desa/Kelurahan · 2 Pindah keluar Kecamatan · 3 Pindah keluar Kabupaten/Kota · "
    "4 Pindah keluar Provinsi",
    # DOMAIN paraphrases these in lower case; the labels are those of SID:app/Models/LogPenduduk.php and
    # SID:app/Enums/PeristiwaKeluargaEnum.php (1 fixed: the enum says "Baru Lahir").
    "penyebab_kematian": "1 Sakit biasa / tua · 2 Wabah Penyakit · 3 Kecelakaan · 4 Kriminalitas · 5 Bunuh Diri · "
    "6 Lainnya",
    "penolong_mati": "1 Dokter · 2 Tenaga Kesehatan · 3 Kepolisian · 4 Lainnya",
    "peristiwa_keluarga": "1 Keluarga Baru · 2 Kepala Keluarga Mati · 3 Kepala Keluarga Pindah · "
    "4 Kepala Keluarga Hilang · 5 Keluarga Baru Datang · 6 Kepala Keluarga Pergi · "
    "11 Kepala Keluarga Tidak Valid · 12 Anggota Keluarga Pecah · 13 Keluarga Hapus · "
    "14 Kepala Keluarga Kembali Hidup",
    "status_dasar_kk": "1 KK Aktif · 2 KK Hilang/Pindah/Mati · 3 KK Kosong · 4 No. KK Sementara",
    "kelas_sosial": "1 Keluarga Pra Sejahtera · 2 Keluarga Sejahtera I · 3 Keluarga Sejahtera II · "
    "4 Keluarga Sejahtera III · 5 Keluarga Sejahtera III Plus",
    "sasaran_bantuan": "1 Penduduk · 2 Keluarga/KK · 3 Rumah Tangga · 4 Kelompok",
    "asal_dana": "1 Pusat · 2 Provinsi · 3 Kab/Kota · 4 Dana Desa · 5 Lain-lain (Hibah)",
    "status_surat": "0 KONSEP · 1 CETAK",
    "status_surat_kecamatan": "1 Tidak Aktif · 2 Belum Dikirim · 3 Sudah Dikirim",
}
# Lists DOMAIN writes in upper case (agama is, except its 7).
HURUF_BESAR = {
    "jenis_kelamin", "status_kawin", "hubungan_kk", "warganegara", "golongan_darah", "cacat", "sakit_menahun",
    "hamil", "status_penduduk", "status_dasar", "ktp_el", "status_rekam", "pendidikan_kk", "pendidikan_sedang",
    "pekerjaan", "peristiwa", "status_surat",
}  # fmt: skip
JUMLAH = {nama: len(teks.split(" · ")) for nama, teks in DOMAIN.items()} | {"pekerjaan": 89}


def tabel(teks: str) -> dict[int, str]:
    """``"1 LAKI-LAKI · 2 PEREMPUAN"`` → ``{1: "LAKI-LAKI", 2: "PEREMPUAN"}``."""
    baris = [re.fullmatch(r"(\d+) (.+)", bagian) for bagian in teks.split(" · ")]
    assert all(baris), teks
    return {int(m[1]): m[2] for m in baris if m}


# -- the lists --


def test_every_domain_list_is_shipped_and_nothing_else() -> None:
    assert set(semua_daftar()) == set(JUMLAH)
    assert len(JUMLAH) == 30


@pytest.mark.parametrize("nama", sorted(DOMAIN))
def test_codes_and_labels_are_those_of_domain(nama: str) -> None:
    assert daftar(nama).label == tabel(DOMAIN[nama])


@pytest.mark.parametrize(("nama", "jumlah"), sorted(JUMLAH.items()))
def test_each_list_has_the_documented_number_of_codes(nama: str, jumlah: int) -> None:
    assert len(daftar(nama).label) == jumlah


@pytest.mark.parametrize("nama", sorted(JUMLAH))
def test_labels_are_trimmed_single_spaced_and_unique(nama: str) -> None:
    label = daftar(nama).label
    assert all(v and v == " ".join(v.split()) for v in label.values())
    assert len({normal_label(v) for v in label.values()}) == len(label)  # kode_dari_label is unambiguous
    assert BELUM_MENGISI not in {v.upper() for v in label.values()}


@pytest.mark.parametrize("nama", sorted(HURUF_BESAR))
def test_upper_case_lists_stay_upper_case(nama: str) -> None:
    assert all(v == v.upper() for v in daftar(nama).label.values())


def test_agama_is_upper_case_except_the_seeders_mixed_case_7() -> None:
    label = daftar("agama").label
    assert all(v == v.upper() for k, v in label.items() if k != 7)
    assert label[7] == "Kepercayaan Terhadap Tuhan YME / Lainnya"


def test_the_known_traps_of_the_opensid_sources() -> None:
    assert daftar("pendidikan_kk").label[9] == "STRATA II"  # the enum says DIPLOMA IV/ STRATA I
    assert daftar("pendidikan_kk").label[10] == "STRATA III"
    assert daftar("pendidikan_sedang").label[8] == "SEDANG D-1/SEDERAJAT"  # the seeder has two spaces
    assert daftar("pendidikan_sedang").label[11] == "SEDANG S-1/SEDERAJAT"
    assert daftar("status_rekam").label[1] == "BELUM WAJIB"  # the status_rekam column, not the table id
    assert 5 not in daftar("status_dasar") and 5 not in daftar("asuransi")
    assert set(daftar("peristiwa_keluarga").label) == {1, 2, 3, 4, 5, 6, 11, 12, 13, 14}
    assert set(daftar("status_surat").label) == {0, 1}


@pytest.mark.parametrize("nama", sorted(DOMAIN))
def test_domain_tables_parse_to_the_documented_counts(nama: str) -> None:
    # guards the DOMAIN transcription above: a lost "·" would merge two codes into one label
    assert len(tabel(DOMAIN[nama])) == JUMLAH[nama]
    assert not any(re.search(r"\s\d+\s", v) for v in tabel(DOMAIN[nama]).values())


def test_pekerjaan_is_the_siak_list_of_89() -> None:
    label = daftar("pekerjaan").label
    assert list(label) == list(range(1, 90))
    assert (label[1], label[60], label[88], label[89]) == (
        "BELUM/TIDAK BEKERJA",
        "WALIKOTA",
        "WIRASWASTA",
        "LAINNYA",
    )


def test_every_code_column_of_the_validation_has_its_list() -> None:
    assert set(penduduk.KOLOM_KODE.values()) <= set(semua_daftar())


# -- the file --


def test_file_is_version_2_with_a_change_note_and_a_source_column_per_list() -> None:
    raw = json.loads(KODE_JSON.read_text(encoding="utf-8"))
    assert versi() == raw["versi"] == 2
    assert any(p["versi"] == 2 and p["keterangan"] for p in raw["perubahan"])
    assert set(raw["asal"]) == set(raw["daftar"])
    assert all(k.lstrip("-").isdigit() for kode in raw["daftar"].values() for k in kode)


# -- API --


def test_daftar_api() -> None:
    agama = daftar("agama")
    assert isinstance(agama, DaftarKode) and agama.nama == "agama"
    assert 1 in agama and 8 not in agama and "1" not in agama
    assert agama.label_dari(1) == "ISLAM"
    assert agama.label_dari(None) == agama.label_dari(99) == BELUM_MENGISI
    assert daftar("agama") is agama
    with pytest.raises(KeyError, match="no OpenSID code list named 'suku'"):
        daftar("suku")


@pytest.mark.parametrize(
    ("nama", "label", "kode"),
    [
        ("agama", "islam", 1),
        ("agama", "  Islam ", 1),
        ("agama", "KEPERCAYAAN TERHADAP TUHAN YME/LAINNYA", 7),
        ("pendidikan_sedang", "SEDANG  D-1/SEDERAJAT", 8),  # as the OpenSID seeder writes it
        ("pendidikan_kk", "tidak/belum sekolah", 1),
        ("pendidikan_kk", "TAMAT SD/SEDERAJAT", 3),
        ("pendidikan_kk", "Diploma IV / Strata I", 8),
        ("status_surat", "konsep", 0),
        ("cara_kb", "tidak menggunakan", 100),
        ("asal_dana", "lain-lain (hibah)", 5),
        ("golongan_darah", "ab-", 10),
        ("agama", "ISLAMI", None),
        ("agama", "", None),
        ("golongan_darah", "AB", 3),
    ],
)
def test_kode_dari_label_ignores_case_and_spacing(nama: str, label: str, kode: int | None) -> None:
    assert kode_dari_label(nama, label) == kode


def test_kode_dari_label_of_an_unknown_list_raises() -> None:
    with pytest.raises(KeyError, match="suku"):
        kode_dari_label("suku", "BIMA")


@given(st.sampled_from(sorted(DOMAIN)), st.data())
def test_every_label_maps_back_to_its_code_in_any_case(nama: str, data: st.DataObject) -> None:
    kode, label = data.draw(st.sampled_from(sorted(daftar(nama).label.items())))
    ubah = data.draw(
        st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s.replace(' ', '   ')} "])
    )
    assert kode_dari_label(nama, ubah(label)) == kode
