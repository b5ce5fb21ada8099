"""The Operasional board's PromQL only names metrics the hub exports (:data:`satudata.metrik.SEMUA_NAMA`, with
the ``_bucket``/``_sum``/``_count`` series of its histograms) and labels those metrics really have, read from
the metric objects the factories create; every Prometheus target is on the Prometheus datasource by uid.

The expressions are checked with a small PromQL scanner (no PromQL parser on PyPI fits): selectors and their
matchers, ``by``/``without``/``on``/``ignoring`` label lists, functions and the ``{{label}}`` legends."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics import MetricWrapperBase

from grafana import operasional
from grafana.kueri import UID_PROMETHEUS
from grafana.papan import OPERASIONAL, semua_dasbor
from satudata import metrik
from satudata.jenis import JENIS

PROMETHEUS_YML = Path(__file__).parents[2] / "infra/prometheus/prometheus.yml"
TARGET = frozenset({"job", "instance"})  # labels Prometheus attaches to every scraped series
SENDIRI = {"up": TARGET}  # Prometheus's own series per target
FUNGSI = frozenset({"sum", "count", "max", "min", "avg", "rate", "increase", "histogram_quantile", "vector"})
KATA_KUNCI = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
                        "unless", "offset"})  # fmt: skip


def label_metrik() -> dict[str, frozenset[str]]:
    """Every series name PromQL can use → its label names, from metrics made on a fresh registry."""
    reg = CollectorRegistry()
    objek: list[MetricWrapperBase] = []
    for m in (metrik.metrik_api(reg, list(JENIS)), metrik.metrik_worker(reg), metrik.metrik_sink(reg)):
        objek += [getattr(m, f.name) for f in fields(m)]
    out: dict[str, frozenset[str]] = {}
    for o in objek:
        label = frozenset(o._labelnames)
        if isinstance(o, Counter):
            out[o._name + "_total"] = label
        elif isinstance(o, Histogram):  # no series under the bare name
            out |= {o._name + "_sum": label, o._name + "_count": label, o._name + "_bucket": label | {"le"}}
        else:
            out[o._name] = label
    return out


LABEL = label_metrik()


@dataclass
class Ekspresi:
    """What a PromQL expression refers to."""

    metrik: set[str] = field(default_factory=set)
    matcher: list[tuple[str, str, str]] = field(default_factory=list)  # (metric, label, value)
    klausa: set[str] = field(default_factory=set)  # labels of by / without / on / ignoring
    oleh: set[str] = field(default_factory=set)  # labels of by (what a legend may use)
    fungsi: set[str] = field(default_factory=set)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_SELEKTOR = re.compile(r"([a-zA-Z_:][\w:]*)\s*\{([^}]*)\}")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
_KLAUSA = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_IDENT = re.compile(r"(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?")


def pindai(expr: str) -> Ekspresi:
    e = Ekspresi()
    assert expr.count("(") == expr.count(")") and expr.count("{") == expr.count("}"), expr
    for m in _SELEKTOR.finditer(expr):
        isi = _MATCHER.findall(m.group(2))
        assert len(isi) == len([x for x in m.group(2).split(",") if x.strip()]), f"bad matcher in {expr!r}"
        e.matcher += [(m.group(1), label, nilai) for label, _, nilai in isi]
    sisa = _SELEKTOR.sub(lambda m: m.group(1), expr)
    sisa = re.sub(r"\[[^\]]*\]", "", _STRING.sub('""', sisa))
    for m in _KLAUSA.finditer(sisa):
        label = {x.strip() for x in m.group(2).split(",") if x.strip()}
        e.klausa |= label
        if m.group(1) == "by":
            e.oleh |= label
    sisa = _KLAUSA.sub(" ", sisa)
    for m in _IDENT.finditer(sisa):
        nama = m.group(1)
        if m.group(2):
            e.fungsi.add(nama)
        elif nama not in KATA_KUNCI:
            e.metrik.add(nama)
    return e


def masalah(expr: str, legenda: str = "") -> list[str]:
    """What is wrong with an expression: unknown metric, function or label."""
    e = pindai(expr)
    dikenal = {**LABEL, **SENDIRI}
    out = [f"unknown metric {n}" for n in sorted(e.metrik - set(dikenal))]
    out += [f"unexpected function {f}" for f in sorted(e.fungsi - FUNGSI)]
    if not e.metrik:
        out.append("no metric")
    boleh = {n: dikenal.get(n, frozenset()) | TARGET for n in e.metrik}
    out += [f"{n} has no label {label}" for n, label, _ in e.matcher if label not in boleh.get(n, TARGET)]
    for n, label_n in boleh.items():
        out += [f"{n} has no label {label}" for label in sorted(e.klausa - label_n)]
    legenda_label = set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legenda))
    tersedia = e.oleh if e.oleh else set.intersection(*(set(v) for v in boleh.values())) if boleh else set()
    out += [f"legend label {label} is not in the result" for label in sorted(legenda_label - tersedia)]
    return out


def model_papan() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        JSONEncoder(sort_keys=True).encode(operasional.buat("satudata").build())
    )
    return data


def panels(m: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for p in m["panels"]:
        yield p
        yield from p.get("panels", [])


def target_prometheus(m: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(p, t) for p in panels(m) for t in p.get("targets", []) if "rawSql" not in t]


def test_label_metrik_covers_every_exported_name() -> None:
    histogram = {n.removesuffix("_bucket") for n in LABEL if n.endswith("_bucket")}
    seri = {f"{h}_{akhiran}" for h in histogram for akhiran in ("bucket", "sum", "count")}
    assert (set(LABEL) - seri) | histogram == set(metrik.SEMUA_NAMA)


def test_board_is_registered_as_operasional() -> None:
    papan = [m for k, m in semua_dasbor("satudata") if k == OPERASIONAL]
    assert [m["uid"] for m in papan] == [operasional.UID] == ["operasional-hub"]


def test_board_uses_prometheus_and_clickhouse() -> None:
    m = model_papan()
    prom = target_prometheus(m)
    assert len(prom) >= 20
    assert any("rawSql" in t for p in panels(m) for t in p.get("targets", []))


def test_every_prometheus_target_is_on_the_prometheus_datasource_by_uid() -> None:
    for p, t in target_prometheus(model_papan()):
        assert t["datasource"] == {"type": "prometheus", "uid": UID_PROMETHEUS}, p["title"]
        assert p["datasource"] == {"type": "prometheus", "uid": UID_PROMETHEUS}, p["title"]
        assert t["expr"] and t["refId"], p["title"]
    ref = [[t["refId"] for t in p.get("targets", [])] for p in panels(model_papan())]
    assert all(len(r) == len(set(r)) for r in ref)


def test_every_promql_uses_exported_metrics_and_their_labels() -> None:
    salah = {
        f"{p['title']}: {t['expr']}": x
        for p, t in target_prometheus(model_papan())
        if (x := masalah(t["expr"], t.get("legendFormat", "")))
    }
    assert not salah, salah


def test_job_matchers_select_the_scrape_jobs() -> None:
    jobs = [j["job_name"] for j in yaml.safe_load(PROMETHEUS_YML.read_text())["scrape_configs"]]
    for _, t in target_prometheus(model_papan()):
        for _, label, nilai in pindai(t["expr"]).matcher:
            if label == "job":
                cocok = [j for j in jobs if re.fullmatch(nilai, j)]
                assert {"satudata-api", "satudata-worker", "satudata-sink"} <= set(cocok), t["expr"]


@pytest.mark.parametrize(
    ("expr", "legenda", "harapan"),
    [
        ("sum(rate(satudata_peristiwa_diproses[5m]))", "", "unknown metric satudata_peristiwa_diproses"),
        ("sum by (kelurahan) (rate(satudata_peristiwa_diproses_total[5m]))", "", "has no label kelurahan"),
        ('sum(satudata_konsumen_lag{topic="x"})', "", "has no label topic"),
        ("histogram_quantile(0.9, sum by (le) (rate(satudata_kesegaran_detik[5m])))", "", "unknown metric"),
        ("sum by (le) (rate(satudata_sink_gagal_total_bucket[5m]))", "", "unknown metric"),
        ("sum by (topik) (satudata_konsumen_lag)", "{{partisi}}", "legend label partisi"),
        ("sum(rat(satudata_sink_gagal_total[5m]))", "", "unexpected function rat"),
    ],
)
def test_the_checker_catches_mistakes(expr: str, legenda: str, harapan: str) -> None:
    assert any(harapan in x for x in masalah(expr, legenda)), masalah(expr, legenda)


def test_the_checker_accepts_valid_expressions() -> None:
    ok = [
        ('sum by (rute, status) (rate(satudata_http_request_duration_seconds_count{status=~"5.."}[1m]))',
         "{{rute}} {{status}}"),
        ("histogram_quantile(0.99, sum by (le, topik) (rate(satudata_kesegaran_detik_bucket[5m])))", "{{topik}}"),
        ('count(up{job=~"satudata-.*"} == 0) or vector(0)', ""),
        ("satudata_sink_lag", "{{partisi}} {{instance}}"),
    ]  # fmt: skip
    for expr, legenda in ok:
        assert masalah(expr, legenda) == [], expr
