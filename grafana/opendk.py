"""OpenDK (per kecamatan): one dashboard for all five kecamatan (the ``kecamatan`` variable), with the same
vocabulary as OpenKab and its kelurahan compared side by side."""

from __future__ import annotations

from grafana_foundation_sdk.builders import dashboard
from grafana_foundation_sdk.models import dashboard as model

from grafana.kueri import PER, saring_wilayah
from grafana.openkab import UID as UID_OPENKAB
from grafana.panel import (
    batang,
    dasbor,
    sql_wilayah,
    tabel,
    tautan_kolom,
    tautan_papan,
    variabel_kecamatan,
    variabel_kelurahan,
)
from grafana.ringkasan import (
    KEL_KEC,
    kartu_ringkasan,
    panel_piramida,
    sql_per_wilayah,
    tambah_bagian_bersama,
)
from satudata.wilayah import Tingkat, referensi_kota_bima

UID = "opendk-kecamatan"


def sql_perbandingan(db: str) -> str:
    """Kelurahan side by side: population, KK, share of women, aid participations, letters in the time range
    and the last event processed."""
    agregat = (
        "SELECT kode_kelurahan AS kode, "
        "toInt64(sumIf(jumlah, kategori = 'jenis-kelamin' AND tanggal <= toDate32({per}))) AS penduduk, "
        "toInt64(sumIf(jumlah, kategori = 'jenis-kelamin' AND jenis_kelamin = 2 AND tanggal <= toDate32({per}))) "
        "AS perempuan, toInt64(sumIf(jumlah, kategori = 'keluarga' AND tanggal <= toDate32({per}))) AS kk, "
        "toInt64(sumIf(jumlah, kategori = 'bantuan-sasaran' AND tanggal <= toDate32({per}))) AS bantuan, "
        "toInt64(sumIf(jumlah, kategori = 'surat' AND $__dateFilter(tanggal))) AS surat "
        f"FROM {db}.agregat_harian FINAL WHERE kategori IN ('jenis-kelamin', 'keluarga', 'bantuan-sasaran', "
        f"'surat') AND {saring_wilayah()} GROUP BY kode"
    ).replace("{per}", PER)
    terakhir = (
        f"SELECT kode_kelurahan AS kode, max(ts_proses) AS t FROM {db}.event_ledger "
        f"WHERE {saring_wilayah(KEL_KEC)} GROUP BY kode"
    )
    return (
        'SELECT w.nama AS "Kelurahan", a.penduduk AS "Penduduk", a.kk AS "KK", '
        'if(a.penduduk = 0, 0, round(100 * a.perempuan / a.penduduk, 1)) AS "Perempuan (%)", '
        'a.bantuan AS "Kepesertaan bantuan", a.surat AS "Surat (rentang waktu)", e.t AS "Pembaruan terakhir", '
        f'w.kode AS "Kode" FROM {sql_wilayah(Tingkat.KELURAHAN)} AS w INNER JOIN ({agregat}) AS a ON a.kode = w.kode '
        f"LEFT JOIN ({terakhir}) AS e ON e.kode = w.kode ORDER BY w.kode"
    )


def buat(db: str) -> dashboard.Dashboard:
    pertama = referensi_kota_bima().semua(Tingkat.KECAMATAN)[0]
    kecamatan = variabel_kecamatan(semua=False).current(
        model.VariableOption(selected=True, text=pertama.nama, value=pertama.kode)
    )
    d = (
        dasbor(
            UID, "OpenDK — Kecamatan",
            "Dasbor kecamatan (OpenDK): pilih kecamatan di atas; kelurahan-kelurahannya dibandingkan berdampingan. "
            "Angka stok dihitung per tanggal akhir rentang waktu.",
            ["opendk"],
        )
        .links([
            *tautan_papan(),
            dashboard.DashboardLink("Kembali ke OpenKab (kota)").type(model.DashboardLinkType.LINK)
            .url(f"/d/{UID_OPENKAB}/openkab").keep_time(True),
        ])
        .with_variable(kecamatan)
        .with_variable(variabel_kelurahan())
        .with_row(dashboard.Row("Ringkasan kecamatan"))
    )  # fmt: skip
    for p in kartu_ringkasan(db):
        d = d.with_panel(p)
    ke_kelurahan = (
        f"/d/{UID}/opendk?var-kecamatan=${{kecamatan}}&var-kelurahan=${{__data.fields.Kode}}"
        "&${__url_time_range}"
    )
    d = d.with_row(dashboard.Row("Perbandingan kelurahan")).with_panel(
        tabel("Perbandingan kelurahan", "Kelurahan di kecamatan ini berdampingan; klik nama untuk menyaring.",
              sql_perbandingan(db), w=24, h=10)
        .override_by_name("Kelurahan", [tautan_kolom("Saring kelurahan ${__data.fields.Kelurahan}", ke_kelurahan)])
        .override_by_name("Pembaruan terakhir", [model.DynamicConfigValue(id_val="unit", value="dateTimeFromNow")])
    ).with_panel(
        batang("Penduduk per kelurahan", "Laki-laki dan perempuan per kelurahan.",
               f'SELECT "Kelurahan", "Laki-laki", "Perempuan" FROM ({sql_per_wilayah(db, Tingkat.KELURAHAN)})',
               sumbu_x="Kelurahan", w=12, h=12, tumpuk=True)
    ).with_panel(panel_piramida(db))  # fmt: skip
    return tambah_bagian_bersama(d, db)
