"""The generated dashboards as files: up to date with the code, faithful to foundation-sdk's model, laid out
without overlaps, every panel titled and described, every query on a datasource referenced by uid, and every
panel SQL expandable the way Grafana expands it. (Running the SQL is tests/integration/test_dasbor.py.)"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import Dashboard

from grafana.ekspansi import SEMUA, Konteks, ekspansi
from grafana.kueri import PLUGIN, UID_CLICKHOUSE, UID_PROMETHEUS, daftarkan_plugin
from grafana.papan import KELUARGA
from grafana.render import AKAR, berkas, selisih

BERKAS = sorted((AKAR / "dashboards").glob("*/*.json"))


def model(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_committed_files_equal_generated() -> None:
    assert selisih() == [], "run `satudata grafana render` and commit the result"


def test_every_family_has_boards_and_the_expected_uids() -> None:
    keluarga = {p.parent.name for p in BERKAS}
    assert {"openkab", "opendk"} <= keluarga <= {k.nama for k in KELUARGA}
    uids = [model(p)["uid"] for p in BERKAS]
    assert len(set(uids)) == len(uids)
    assert {"openkab-kota", "opendk-kecamatan"} <= set(uids)
    for p in BERKAS:
        assert p.stem == model(p)["uid"]
        assert len(p.stem) <= 40
    assert not set(uids) & {k.folder_uid for k in KELUARGA}, "Grafana folders and dashboards share uids"


@pytest.mark.parametrize("path", BERKAS, ids=lambda p: p.stem)
def test_round_trip_through_foundation_sdk(path: Path) -> None:
    daftarkan_plugin()
    asli = model(path)
    kembali = json.loads(JSONEncoder(sort_keys=True).encode(Dashboard.from_json(asli)))
    assert kembali == asli


def panels(m: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for p in m["panels"]:
        yield p
        yield from p.get("panels", [])


def _tumpang_tindih(kotak: list[tuple[str, dict[str, int]]]) -> list[tuple[str, str]]:
    out = []
    for i, (a, g) in enumerate(kotak):
        for b, h in kotak[i + 1 :]:
            if (
                g["x"] < h["x"] + h["w"]
                and h["x"] < g["x"] + g["w"]
                and g["y"] < h["y"] + h["h"]
                and h["y"] < g["y"] + g["h"]
            ):
                out.append((a, b))
    return out


@pytest.mark.parametrize("path", BERKAS, ids=lambda p: p.stem)
def test_layout_and_labels(path: Path) -> None:
    m = model(path)
    assert m["title"] and m["description"]
    assert m["refresh"] in ("10s", "15s", "20s", "30s")
    assert m["timezone"] == "Asia/Makassar"
    atas = [(p["title"], p["gridPos"]) for p in m["panels"]]
    assert not _tumpang_tindih(atas)
    for row in (p for p in m["panels"] if p["type"] == "row"):
        assert not _tumpang_tindih([(p["title"], p["gridPos"]) for p in row.get("panels", [])]), row["title"]
    for p in panels(m):
        g = p["gridPos"]
        assert g["x"] >= 0 and g["x"] + g["w"] <= 24 and g["w"] > 0 and g["h"] > 0, p["title"]
        assert p.get("title"), p
        if p["type"] != "row":
            assert p.get("description"), p["title"]


@pytest.mark.parametrize("path", BERKAS, ids=lambda p: p.stem)
def test_queries_use_datasources_by_uid_and_expand(path: Path) -> None:
    m = model(path)
    ctx = Konteks(
        dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC), 3600,
        {v["name"]: SEMUA for v in m["templating"]["list"]},
        {v["name"]: ["1", "2"] for v in m["templating"]["list"]},
    )  # fmt: skip
    for v in m["templating"]["list"]:
        if v["type"] == "query":
            assert v["datasource"] == {"type": PLUGIN, "uid": UID_CLICKHOUSE}
            ekspansi(v["query"], ctx)
    for p in panels(m):
        for t in p.get("targets", []):
            assert t["datasource"]["uid"] in (UID_CLICKHOUSE, UID_PROMETHEUS), p["title"]
            if t["datasource"]["uid"] == UID_CLICKHOUSE:
                assert t["datasource"]["type"] == PLUGIN and t["editorType"] == "sql"
                assert t["format"] == {"timeseries": 0, "table": 1}[t["queryType"]]
                assert "{db}" not in t["rawSql"]
                ekspansi(t["rawSql"], ctx)
            else:
                assert t["datasource"]["type"] == "prometheus" and t["expr"]


def test_provisioning_points_at_the_committed_boards() -> None:
    ds = yaml.safe_load((AKAR / "provisioning/datasources/satudata.yaml").read_text())
    by_uid = {d["uid"]: d for d in ds["datasources"]}
    ch = by_uid[UID_CLICKHOUSE]
    assert ch["type"] == PLUGIN and ch["jsonData"]["username"] == "grafana_pembaca"
    assert ch["secureJsonData"]["password"].startswith("$"), "no password in a committed file"
    assert by_uid[UID_PROMETHEUS]["type"] == "prometheus"
    prov = yaml.safe_load((AKAR / "provisioning/dashboards/satudata.yaml").read_text())
    folder = {p["options"]["path"].rsplit("/", 1)[1]: p for p in prov["providers"]}
    for path in BERKAS:
        assert path.parent.name in folder
    assert len({p["folderUid"] for p in prov["providers"]}) == len(prov["providers"])
    assert all(not p["allowUiUpdates"] for p in prov["providers"])


def test_generation_is_deterministic() -> None:
    assert berkas() == berkas()
