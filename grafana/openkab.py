"""OpenKab (Kota Bima): the city board — headline cards, population per kecamatan and kelurahan, the age
pyramid, trends, the laporan bulanan and every statistics category, with kecamatan → kelurahan variables
("All" = Semua) and links down to OpenDK."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard

from grafana.panel import batang, dasbor, tabel, tautan_kolom, variabel_kecamatan, variabel_kelurahan
from grafana.ringkasan import (
    kartu_ringkasan,
    panel_piramida,
    sql_per_wilayah,
    tambah_bagian_bersama,
)
from satudata.wilayah import Tingkat

UID = "openkab-kota"
UID_OPENDK = "opendk-kecamatan"


def buat(db: str) -> dashboard.Dashboard:
    ke_opendk = f"/d/{UID_OPENDK}/opendk?var-kecamatan=${{__data.fields.Kode}}&${{__url_time_range}}"
    ke_kelurahan = (
        f"/d/{UID_OPENDK}/opendk?var-kecamatan=${{__data.fields.Induk}}&var-kelurahan=${{__data.fields.Kode}}"
        "&${__url_time_range}"
    )
    d = (
        dasbor(
            UID, "OpenKab — Kota Bima",
            "Dasbor Satu Data Kota Bima (OpenKab): data kependudukan dari SIMATIK 41 kelurahan, diperbarui "
            "terus-menerus. Angka stok dihitung per tanggal akhir rentang waktu.",
            ["openkab"],
        )
        .with_variable(variabel_kecamatan())
        .with_variable(variabel_kelurahan())
        .with_row(dashboard.Row("Ringkasan"))
    )  # fmt: skip
    for p in kartu_ringkasan(db):
        d = d.with_panel(p)
    per_kec = tabel(
        "Penduduk per kecamatan",
        "Klik nama kecamatan untuk membuka OpenDK kecamatan itu.",
        sql_per_wilayah(db, Tingkat.KECAMATAN),
        w=12,
        h=9,
    ).override_by_name("Kecamatan", [tautan_kolom("Buka OpenDK ${__data.fields.Kecamatan}", ke_opendk)])
    per_kel = tabel(
        "Penduduk per kelurahan",
        "Penduduk, laki-laki, perempuan dan KK setiap kelurahan dalam pilihan.",
        sql_per_wilayah(db, Tingkat.KELURAHAN),
        w=12,
        h=9,
    ).override_by_name(
        "Kelurahan", [tautan_kolom("Buka kelurahan ${__data.fields.Kelurahan} di OpenDK", ke_kelurahan)]
    )
    d = d.with_row(dashboard.Row("Penduduk per wilayah")).with_panel(per_kec).with_panel(per_kel)
    d = d.with_panel(
        batang("Penduduk per kecamatan — grafik", "Laki-laki dan perempuan per kecamatan.",
               f'SELECT "Kecamatan", "Laki-laki", "Perempuan" FROM ({sql_per_wilayah(db, Tingkat.KECAMATAN)})',
               sumbu_x="Kecamatan", w=12, h=10, tumpuk=True)
    ).with_panel(panel_piramida(db))  # fmt: skip
    return tambah_bagian_bersama(d, db)
