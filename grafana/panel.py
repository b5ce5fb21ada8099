"""Panel, variable and dashboard builders every board uses: the ClickHouse datasource by uid, Bahasa Indonesia
titles with a description, WITA time, 30 s refresh and the kecamatan → kelurahan variables."""

from __future__ import annotations

from grafana_foundation_sdk.builders import barchart, bargauge, dashboard, stat, table, text, timeseries
from grafana_foundation_sdk.builders import common as common_b
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models import text as text_m

from grafana.kueri import Kueri, sumber_clickhouse
from satudata.wilayah import Tingkat, referensi_kota_bima

REFRESH = "30s"
ZONA_WAKTU = "Asia/Makassar"
HIJAU, KUNING, MERAH = "green", "#EAB839", "red"


def dasbor(uid: str, judul: str, deskripsi: str, tag: list[str]) -> dashboard.Dashboard:
    """A board with the Satu Data settings and the menu of every board (:func:`tautan_papan`)."""
    return (
        dashboard.Dashboard(judul)
        .uid(uid)
        .description(deskripsi)
        .tags(["satudata", *tag])
        .refresh(REFRESH)
        .time("now-30d", "now")
        .timezone(ZONA_WAKTU)
        .week_start("monday")
        .editable()
        .timepicker(dashboard.TimePicker().refresh_intervals(["10s", "30s", "1m", "5m", "15m"]))
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .links(tautan_papan())
    )


def tautan_papan() -> list[cogbuilder.Builder[model.DashboardLink]]:
    """The board menu: every Satu Data board, keeping the time range and variables."""
    return [
        dashboard.DashboardLink("Papan Satu Data")
        .type(model.DashboardLinkType.DASHBOARDS)
        .tags(["satudata"])
        .as_dropdown(True)
        .include_vars(True)
        .keep_time(True)
    ]


def tautan_kolom(judul: str, url: str) -> model.DynamicConfigValue:
    return model.DynamicConfigValue(id_val="links", value=[{"title": judul, "url": url}])


def _nilai(teks: str) -> str:
    return "'" + teks.replace("'", "''") + "'"


def sql_wilayah(tingkat: Tingkat) -> str:
    """Kota Bima's wilayah of one level as a ClickHouse table expression ``(kode, nama, induk)`` (undotted
    codes), from the reference the hub validates against — no table to keep in sync."""
    baris = ", ".join(
        f"({_nilai(w.kode)}, {_nilai(w.nama)}, {_nilai(w.induk or '')})"
        for w in referensi_kota_bima().semua(tingkat)
    )
    return f"VALUES('kode String, nama String, induk String', {baris})"


def variabel_kecamatan(*, semua: bool = True) -> dashboard.QueryVariable:
    v = (
        dashboard.QueryVariable("kecamatan")
        .label("Kecamatan")
        .description("Kecamatan yang ditampilkan; All = semua kecamatan di Kota Bima.")
        .datasource(sumber_clickhouse())
        .query(f"SELECT kode, nama FROM {sql_wilayah(Tingkat.KECAMATAN)} ORDER BY kode")
        .refresh(model.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(model.VariableSort.DISABLED)
    )
    if semua:
        v = v.include_all(True).current(model.VariableOption(selected=True, text="All", value="$__all"))
    return v


def variabel_kelurahan() -> dashboard.QueryVariable:
    return (
        dashboard.QueryVariable("kelurahan")
        .label("Kelurahan")
        .description("Kelurahan di kecamatan terpilih; All = semua kelurahan.")
        .datasource(sumber_clickhouse())
        .query(
            f"SELECT kode, nama FROM {sql_wilayah(Tingkat.KELURAHAN)} "
            "WHERE $__conditionalAll(induk IN (${kecamatan:singlequote}), $kecamatan) ORDER BY kode"
        )
        .refresh(model.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(model.VariableSort.DISABLED)
        .include_all(True)
        .current(model.VariableOption(selected=True, text="All", value="$__all"))
    )


def ambang(*langkah: tuple[float | None, str]) -> dashboard.ThresholdsConfig:
    return (
        dashboard.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=v, color=c) for v, c in langkah])
    )


def _reduksi() -> common_b.ReduceDataOptions:
    return common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def kartu(judul: str, deskripsi: str, sql: str, *, unit: str = "short", w: int = 4, h: int = 4) -> stat.Panel:
    """A headline number (the last value of the query's first numeric column)."""
    return (
        stat.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_clickhouse())
        .with_target(Kueri(sql))
        .unit(unit)
        .reduce_options(_reduksi())
        .color_mode(common.BigValueColorMode.VALUE)
        .graph_mode(common.BigValueGraphMode.NONE)
        .text_mode(common.BigValueTextMode.VALUE)
        .thresholds(ambang((None, "blue")))
        .span(w)
        .height(h)
    )


def tabel(judul: str, deskripsi: str, sql: str, *, w: int = 12, h: int = 10) -> table.Panel:
    return (
        table.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_clickhouse())
        .with_target(Kueri(sql))
        .span(w)
        .height(h)
    )


def batang(
    judul: str, deskripsi: str, sql: str, *, sumbu_x: str, w: int = 12, h: int = 10, mendatar: bool = False,
    tumpuk: bool = False, unit: str = "short",
) -> barchart.Panel:  # fmt: skip
    """A bar chart of a table query: ``sumbu_x`` is the label column, every other column a series."""
    p = (
        barchart.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_clickhouse())
        .with_target(Kueri(sql))
        .x_field(sumbu_x)
        .orientation(common.VizOrientation.HORIZONTAL if mendatar else common.VizOrientation.VERTICAL)
        .show_value(common.VisibilityMode.AUTO)
        .unit(unit)
        .span(w)
        .height(h)
    )
    if tumpuk:
        p = p.stacking(common.StackingMode.NORMAL)
    return p


def deret_waktu(
    judul: str, deskripsi: str, sql: str, *, unit: str = "short", w: int = 12, h: int = 8
) -> timeseries.Panel:
    """A time series of a ``timeseries`` query (first column the time, then one column per series)."""
    return (
        timeseries.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_clickhouse())
        .with_target(Kueri(sql).jenis("timeseries"))
        .unit(unit)
        .fill_opacity(10)
        .span(w)
        .height(h)
    )


def batang_ukur(
    judul: str, deskripsi: str, sql: str, *, unit: str, w: int = 12, h: int = 10
) -> bargauge.Panel:
    """Horizontal bar gauges, one per row of a table query (label column, value column)."""
    return (
        bargauge.Panel()
        .title(judul)
        .description(deskripsi)
        .datasource(sumber_clickhouse())
        .with_target(Kueri(sql))
        .reduce_options(common_b.ReduceDataOptions().calcs(["lastNotNull"]).values(True))
        .orientation(common.VizOrientation.HORIZONTAL)
        .display_mode(common.BarGaugeDisplayMode.BASIC)
        .unit(unit)
        .span(w)
        .height(h)
    )


def catatan(judul: str, isi: str, *, w: int = 24, h: int = 3) -> text.Panel:
    """A Markdown note (no query)."""
    return (
        text.Panel()
        .title(judul)
        .description(judul)
        .mode(text_m.TextMode.MARKDOWN)
        .content(isi)
        .span(w)
        .height(h)
    )


Panel = cogbuilder.Builder[model.Panel]
