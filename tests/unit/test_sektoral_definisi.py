"""Sector definitions (``satudata.sektoral.definisi`` and ``.muat``): the shipped sectors, and every malformed
YAML rejected with a message naming the file, the indicator and the key."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from satudata.sektoral import DATA_SEKTORAL, SektoralError, kueri, muat_sektor, muat_semua, urai_sektor
from tests.unit.contoh_sektoral import ind, satu, sektor


def test_the_shipped_sectors_load_and_compile_for_every_level() -> None:
    semua = muat_semua()
    assert list(semua) == ["dukcapil", "kesehatan", "pendidikan", "sosial"]
    assert semua["kesehatan"].sembunyikan_di_bawah == 10 and semua["dukcapil"].sembunyikan_di_bawah == 5
    for s in semua.values():
        assert s.berkas == f"sektoral/{s.sektor}.yaml"
        for i in s.indikator:
            for kolom_wilayah in ("kode_kota", "kode_kecamatan", "kode_kelurahan"):
                k = kueri(i, kolom_wilayah)
                assert "{wilayah:String}" in k.sql and ";" not in k.sql
    assert {i.satuan for s in semua.values() for i in s.indikator} == {
        "orang",
        "keluarga",
        "peserta",
        "persen",
    }


SALAH: list[tuple[dict[str, Any], str]] = [
    (ind(syarat={"agamaa": 1}), "kolom 'agamaa' tidak ada pada penduduk"),
    (ind(sumber="surat"), "sumber 'surat' tidak dikenal; pilihan: penduduk, keluarga, bantuan-peserta"),
    (ind(rincian=[{"kolom": "cacat_id", "daftar": "cacat_baru"}]), "daftar kode 'cacat_baru' tidak dikenal"),
    (ind(syarat={"pendidikan_sedang_id": [4, 99]}), "kode 99 tidak ada dalam daftar pendidikan_sedang"),
    (ind(satuan="keluarga"), "hitungan penduduk bersatuan 'orang', bukan 'keluarga'"),
    (ind(satuan="persen"), "wajib punya pembagi"),
    (ind(pembagi={}), "pembagi hanya untuk indikator bersatuan persen"),
    (ind(syarat={"status_dasar": 2}), "status_dasar tidak dapat dipakai"),
    (ind(syarat={"rt": "001"}), "tingkat penyajian terendah adalah kelurahan"),
    (ind(sumber="keluarga", satuan="keluarga", syarat={"umur": {"dari": 5}}), "umur hanya untuk sumber"),
    (ind(syarat={"umur": {"dari": 10, "sampai": 5}}), "sampai (5) lebih kecil dari dari (10)"),
    (ind(sumber="keluarga", satuan="keluarga", syarat={"penduduk.sex": 1}), "keluarga tidak punya relasi ke"),
    (ind(syarat={"tanpa": "keluarga"}), "tidak ada relasi dari 'keluarga' ke penduduk"),
    (
        ind(
            sumber="keluarga",
            satuan="keluarga",
            syarat={"dengan": {"sumber": "bantuan-peserta", "syarat": {"umur": {"dari": 1}}}},
        ),
        "umur hanya untuk sumber",
    ),
    (ind(syarat={"hamil": True}), "harus berupa kode bilangan bulat"),
    (ind(syarat={"akta_lahir": 2}), "bernilai 1 (ada) atau 0 (tidak ada)"),
    (ind(syarat={"tanggallahir": "2000-01-01"}), "hanya dapat diperiksa dengan kosong"),
    (ind(syarat={"cacat_id": {"sama": [1, 2]}}), "untuk beberapa nilai pakai dalam"),
    (ind(syarat={"cacat_id": {"bukan": [1], "kosong": True}}), "tepat satu dari"),
    (ind(syarat={"salah_satu": [{"sex": 1}]}), "paling sedikit dua"),
    (ind(rincian=["jenis_kelamin", "cacat_id", "agama_id"]), "hanya boleh memuat satu kolom kode"),
    (ind(rincian=["akta_lahir"]), "bukan kolom kode"),
    (ind(syarat={}, satuann="orang"), "kunci tidak dikenal: satuann"),
    (ind(kode="Uji Satu"), "harus berupa slug"),
]


@pytest.mark.parametrize(("raw", "pesan"), SALAH)
def test_a_bad_definition_is_rejected_naming_the_file_and_the_indicator(
    raw: dict[str, Any], pesan: str
) -> None:
    with pytest.raises(SektoralError) as info:
        urai_sektor(sektor(raw), "sektoral/uji.yaml")
    teks = str(info.value)
    assert teks.startswith("sektoral/uji.yaml: indikator ") and pesan in teks, teks
    if raw["kode"] == "uji":
        assert "indikator 'uji'" in teks


def test_sector_level_errors() -> None:
    with pytest.raises(SektoralError, match="kode indikator dipakai dua kali"):
        urai_sektor(sektor(ind(), ind()), "sektoral/uji.yaml")
    with pytest.raises(SektoralError, match="sembunyikan_di_bawah: -1 harus"):
        urai_sektor(sektor(ind(), sembunyikan_di_bawah=-1), "sektoral/uji.yaml")
    with pytest.raises(SektoralError, match="kunci wajib belum ada: opd"):
        raw = sektor(ind())
        del raw["opd"]
        urai_sektor(raw, "sektoral/uji.yaml")


def test_the_file_name_must_be_the_slug_and_the_yaml_valid(tmp_path: Path) -> None:
    teks = (DATA_SEKTORAL / "dukcapil.yaml").read_text(encoding="utf-8")
    (tmp_path / "kependudukan.yaml").write_text(teks, encoding="utf-8")
    with pytest.raises(SektoralError, match=r"sektoral/kependudukan.yaml: sektor 'dukcapil' harus sama"):
        muat_sektor(tmp_path / "kependudukan.yaml")
    (tmp_path / "rusak.yaml").write_text("sektor: [rusak\n", encoding="utf-8")
    with pytest.raises(SektoralError, match=r"sektoral/rusak.yaml: bukan YAML yang valid"):
        muat_sektor(tmp_path / "rusak.yaml")


def test_condition_forms() -> None:
    i = satu(ind(syarat={"cacat_id": 2, "agama_id": [1, 2], "ktp_el": {"bukan": [3]}, "hamil": None,
                         "sakit_menahun_id": {"kosong": False}, "suku": " mbojo  donggo"}))  # fmt: skip
    assert [(s.kolom, s.operasi, s.nilai) for s in i.syarat.syarat] == [
        ("cacat_id", "dalam", (2,)),
        ("agama_id", "dalam", (1, 2)),
        ("ktp_el", "bukan", (3,)),
        ("hamil", "kosong", ()),
        ("sakit_menahun_id", "terisi", ()),
        ("suku", "dalam", ("MBOJO DONGGO",)),  # stored upper-case, one space
    ]
    k = kueri(i, "kode_kelurahan")
    assert list(k.parameter.values()) == [[2], [1, 2], [3], ["MBOJO DONGGO"]]
    assert "MBOJO" not in k.sql  # values travel as parameters


def test_suppression_parameters_come_from_the_sector() -> None:
    raw = copy.deepcopy(sektor(ind(), sembunyikan_di_bawah=10, sembunyikan_pelengkap=False))
    s = urai_sektor(raw, "sektoral/uji.yaml")
    assert (s.sembunyikan_di_bawah, s.sembunyikan_pelengkap) == (10, False)
    assert urai_sektor(sektor(ind()), "sektoral/uji.yaml").sembunyikan_di_bawah == 5
