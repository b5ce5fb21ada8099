"""``satudata grafana sync`` (grafana/sinkron.py) against a local stand-in of the Grafana HTTP API.

No Grafana server can run on this machine, so these tests talk to :mod:`tests.grafana_tiruan`, a small FastAPI
app that mimics the documented Grafana 11 routes the sync uses (folders, folder permissions, teams, dashboards,
datasource health, health). It shows the sync's requests and decisions are right; it cannot show that a real
Grafana agrees in every detail. Dashboards are small fixtures written into ``tmp_path`` following the directory
contract ``<keluarga>/*.json``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from grafana_client.api import GrafanaApi
from typer.testing import CliRunner

from grafana.sinkron import (
    DASBOR_BAWAAN,
    DATASOURCE_UID,
    DasborTidakValid,
    GrafanaTidakTersedia,
    HasilSinkron,
    Jenis,
    Status,
    sinkronkan,
)
from satudata.cli.main import app
from satudata.kafka.broker import free_port
from satudata.wilayah import Tingkat, referensi_kota_bima
from tests.grafana_tiruan import GrafanaTiruan

KECAMATAN = referensi_kota_bima().semua(Tingkat.KECAMATAN)
SEHAT = {DATASOURCE_UID: (True, "Data source is working")}
ROOT = ("openkab", "opendk", "kualitas", "sektoral", "operasional")
UID_DASBOR = ("openkab-kota", "opendk-kecamatan", "kualitas-data", "sektoral-ringkas", "operasional-hub")
SALINAN = tuple(f"opendk-kec-{w.kode}" for w in KECAMATAN)


def _model(uid: str, judul: str, *variabel: dict[str, Any]) -> dict[str, Any]:
    panel = {"id": 1, "type": "stat", "title": "Jumlah penduduk", "gridPos": {"h": 4, "w": 6, "x": 0, "y": 0}}
    return {
        "uid": uid,
        "title": judul,
        "schemaVersion": 41,
        "tags": ["satudata"],
        "panels": [panel],
        "templating": {"list": list(variabel)},
    }


def _variabel_kecamatan() -> dict[str, Any]:
    return {
        "name": "kecamatan",
        "type": "query",
        "label": "Kecamatan",
        "query": "SELECT kode, nama FROM wilayah ORDER BY kode",
        "refresh": 1,
        "includeAll": True,
        "current": {"selected": True, "text": "All", "value": "$__all"},
        "options": [],
        "hide": 0,
    }


def _tulis(path: Path, model: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def dasbor(tmp_path: Path) -> Path:
    akar = tmp_path / "dashboards"
    kelurahan = {"name": "kelurahan", "type": "query", "query": "SELECT kode, nama FROM kelurahan", "hide": 0}
    _tulis(
        akar / "openkab" / "kota.json", _model("openkab-kota", "OpenKab — Kota Bima", _variabel_kecamatan())
    )
    _tulis(
        akar / "opendk" / "kecamatan.json",
        _model("opendk-kecamatan", "OpenDK — Kecamatan", _variabel_kecamatan(), kelurahan),
    )
    _tulis(akar / "kualitas" / "data.json", _model("kualitas-data", "Kualitas Data"))
    _tulis(akar / "sektoral" / "ringkas.json", _model("sektoral-ringkas", "Sektoral — Ringkasan"))
    _tulis(akar / "operasional" / "hub.json", _model("operasional-hub", "Operasional Hub"))
    return akar


@pytest.fixture
def grafana() -> Iterator[GrafanaTiruan]:
    with GrafanaTiruan(datasource=SEHAT) as g:
        yield g


def _api(g: GrafanaTiruan, token: str | None = None) -> GrafanaApi:
    api: GrafanaApi = GrafanaApi.from_url(g.url, credential=token or g.keadaan.token)
    return api


def _status(hasil: HasilSinkron) -> Counter[tuple[Jenis, Status]]:
    return Counter((b.jenis, b.status) for b in hasil.baris)


def _izin(g: GrafanaTiruan, uid: str) -> set[tuple[int, int, str | None, int]]:
    return {(e["userId"], e["teamId"], e["role"], e["permission"]) for e in g.keadaan.izin[uid]}


def _var(model: dict[str, Any], nama: str) -> dict[str, Any]:
    return next(v for v in model["templating"]["list"] if v["name"] == nama)


def test_run_pertama_membuat_folder_tim_izin_dan_dasbor(grafana: GrafanaTiruan, dasbor: Path) -> None:
    hasil = sinkronkan(_api(grafana), dasbor)
    k = grafana.keadaan

    assert {uid: f["parentUid"] for uid, f in k.folder.items()} == {
        **dict.fromkeys(ROOT),
        **{f"opendk-{w.kode}": "opendk" for w in KECAMATAN},
    }
    assert k.folder["kualitas"]["title"] == "Kualitas Data"
    assert k.folder["opendk-527204"]["title"] == "Raba"
    tim = {t["name"]: i for i, t in k.tim.items()}
    assert set(tim) == {f"Kecamatan {w.nama}" for w in KECAMATAN}

    for uid in ("openkab", "kualitas", "sektoral", "operasional"):
        assert _izin(grafana, uid) == {(0, 0, "Editor", 2), (0, 0, "Viewer", 1)}
    assert _izin(grafana, "opendk") == set()  # nested folders inherit: no role entry on the parent
    for w in KECAMATAN:
        assert _izin(grafana, f"opendk-{w.kode}") == {(0, tim[f"Kecamatan {w.nama}"], None, 1)}

    assert {uid: d["folderUid"] for uid, d in k.dasbor.items()} == {
        **dict(zip(UID_DASBOR, ROOT, strict=True)),
        **{f"opendk-kec-{w.kode}": f"opendk-{w.kode}" for w in KECAMATAN},
    }
    for w in KECAMATAN:
        model = k.dasbor[f"opendk-kec-{w.kode}"]["dashboard"]
        assert model["title"] == f"OpenDK — Kecamatan {w.nama}"
        var = _var(model, "kecamatan")
        assert var["current"] == {"selected": True, "text": w.nama, "value": w.kode}
        assert (var["hide"], var["includeAll"]) == (2, False)
        assert _var(model, "kelurahan")["hide"] == 0
        assert model["panels"] == k.dasbor["opendk-kecamatan"]["dashboard"]["panels"]
    asal = _var(k.dasbor["opendk-kecamatan"]["dashboard"], "kecamatan")
    assert (asal["hide"], asal["current"]["value"]) == (0, "$__all")  # the original is left selectable

    assert _status(hasil) == {
        (Jenis.FOLDER, Status.DIBUAT): 10,
        (Jenis.TIM, Status.DIBUAT): 5,
        (Jenis.IZIN, Status.DIPERBARUI): 10,
        (Jenis.DASBOR, Status.DIBUAT): 10,
        (Jenis.DATASOURCE, Status.OK): 1,
    }
    assert Counter(grafana.tulis) == Counter(
        {"POST /api/folders": 10, "POST /api/teams": 5, "POST /api/dashboards/db": 10}
        | {f"POST /api/folders/{uid}/permissions": 1 for uid in k.folder}
    )
    assert hasil.kode_keluar == 0


def test_run_kedua_tidak_menulis_apa_pun(grafana: GrafanaTiruan, dasbor: Path) -> None:
    sinkronkan(_api(grafana), dasbor)
    sebelum = len(grafana.tulis)
    hasil = sinkronkan(_api(grafana), dasbor)
    assert len(grafana.tulis) == sebelum
    assert hasil.berubah == []
    assert {b.status for b in hasil.baris} == {Status.TETAP, Status.OK}
    assert len(hasil.baris) == 10 + 5 + 10 + 10 + 1


def test_mengubah_satu_berkas_memperbarui_tepat_dasbor_itu(grafana: GrafanaTiruan, dasbor: Path) -> None:
    sinkronkan(_api(grafana), dasbor)
    model = json.loads((dasbor / "sektoral" / "ringkas.json").read_text(encoding="utf-8"))
    model["panels"][0]["title"] = "Jumlah keluarga"
    _tulis(dasbor / "sektoral" / "ringkas.json", model)
    grafana.tulis.clear()

    hasil = sinkronkan(_api(grafana), dasbor)
    assert grafana.tulis == ["POST /api/dashboards/db"]
    assert [(b.jenis, b.nama, b.status) for b in hasil.berubah] == [
        (Jenis.DASBOR, "Sektoral — Ringkasan (sektoral-ringkas)", Status.DIPERBARUI)
    ]
    tersimpan = grafana.keadaan.dasbor["sektoral-ringkas"]["dashboard"]
    assert (tersimpan["panels"][0]["title"], tersimpan["version"]) == ("Jumlah keluarga", 2)


def test_mengubah_dasbor_opendk_memperbarui_kelima_salinan(grafana: GrafanaTiruan, dasbor: Path) -> None:
    sinkronkan(_api(grafana), dasbor)
    model = json.loads((dasbor / "opendk" / "kecamatan.json").read_text(encoding="utf-8"))
    model["panels"].append({"id": 2, "type": "table", "title": "Perbandingan kelurahan"})
    _tulis(dasbor / "opendk" / "kecamatan.json", model)
    grafana.tulis.clear()

    hasil = sinkronkan(_api(grafana), dasbor)
    assert grafana.tulis == ["POST /api/dashboards/db"] * 6
    assert {b.nama.rsplit(" (", 1)[1].rstrip(")") for b in hasil.berubah} == {"opendk-kecamatan", *SALINAN}
    for uid in SALINAN:
        tersimpan = grafana.keadaan.dasbor[uid]["dashboard"]
        assert [p["title"] for p in tersimpan["panels"]] == ["Jumlah penduduk", "Perbandingan kelurahan"]
        assert _var(tersimpan, "kecamatan")["hide"] == 2


def test_penyimpangan_di_server_dikembalikan(grafana: GrafanaTiruan, dasbor: Path) -> None:
    """Drift made on the server (renamed folder, moved subfolder, extra permission, edited dashboard) is undone."""
    sinkronkan(_api(grafana), dasbor)
    k = grafana.keadaan
    k.folder["openkab"]["title"] = "OpenKab (lama)"
    k.folder["opendk-527203"]["parentUid"] = None
    k.izin["opendk-527201"].append({"userId": 0, "teamId": 0, "role": "Viewer", "permission": 1})
    k.dasbor["opendk-kec-527205"]["dashboard"]["title"] = "diubah lewat UI"
    grafana.tulis.clear()

    hasil = sinkronkan(_api(grafana), dasbor)
    assert sorted(grafana.tulis) == [
        "POST /api/dashboards/db",
        "POST /api/folders/opendk-527201/permissions",
        "POST /api/folders/opendk-527203/move",
        "PUT /api/folders/openkab",
    ]
    assert {(b.jenis, b.status) for b in hasil.berubah} == {
        (Jenis.FOLDER, Status.GANTI_NAMA),
        (Jenis.FOLDER, Status.DIPINDAH),
        (Jenis.IZIN, Status.DIPERBARUI),
        (Jenis.DASBOR, Status.DIPERBARUI),
    }
    assert k.folder["openkab"]["title"] == "OpenKab"
    assert k.folder["opendk-527203"]["parentUid"] == "opendk"
    assert {e["role"] for e in k.izin["opendk-527201"]} == {None}
    assert k.dasbor["opendk-kec-527205"]["dashboard"]["title"] == "OpenDK — Kecamatan Mpunda"
    assert sinkronkan(_api(grafana), dasbor).berubah == []


def test_tim_yang_sudah_ada_dipakai_ulang(grafana: GrafanaTiruan, dasbor: Path) -> None:
    klien: Any = _api(grafana)  # grafana-client is untyped
    klien.teams.add_team({"name": "Kecamatan Raba"})
    grafana.tulis.clear()
    hasil = sinkronkan(_api(grafana), dasbor)
    assert _status(hasil)[Jenis.TIM, Status.TETAP] == 1
    assert grafana.tulis.count("POST /api/teams") == 4
    assert len(grafana.keadaan.tim) == 5


def test_dry_run_tidak_menulis(grafana: GrafanaTiruan, dasbor: Path) -> None:
    rencana = sinkronkan(_api(grafana), dasbor, dry_run=True)
    assert grafana.tulis == []
    assert grafana.keadaan.folder == {} and grafana.keadaan.dasbor == {}
    assert _status(rencana) == {
        (Jenis.FOLDER, Status.DIBUAT): 10,
        (Jenis.TIM, Status.DIBUAT): 5,
        (Jenis.IZIN, Status.DIPERBARUI): 10,
        (Jenis.DASBOR, Status.DIBUAT): 10,
        (Jenis.DATASOURCE, Status.OK): 1,
    }

    sinkronkan(_api(grafana), dasbor)
    (dasbor / "kualitas" / "data.json").write_text(
        json.dumps(_model("kualitas-data", "Kualitas Data (baru)")), encoding="utf-8"
    )
    grafana.tulis.clear()
    rencana = sinkronkan(_api(grafana), dasbor, dry_run=True)
    assert grafana.tulis == []
    assert [(b.jenis, b.status) for b in rencana.berubah] == [(Jenis.DASBOR, Status.DIPERBARUI)]
    assert grafana.keadaan.dasbor["kualitas-data"]["dashboard"]["title"] == "Kualitas Data"


def test_token_salah_ditolak_dengan_jelas(grafana: GrafanaTiruan, dasbor: Path) -> None:
    with pytest.raises(GrafanaTidakTersedia, match=r"Token ditolak Grafana .*401"):
        sinkronkan(_api(grafana, token="token-salah"), dasbor)
    assert grafana.tulis == [] and grafana.keadaan.folder == {}


def test_grafana_tidak_terjangkau(dasbor: Path) -> None:
    api = GrafanaApi.from_url(f"http://127.0.0.1:{free_port()}", credential="apa-saja")
    with pytest.raises(GrafanaTidakTersedia, match="tidak dapat dihubungi"):
        sinkronkan(api, dasbor)


@pytest.mark.parametrize(
    ("datasource", "pesan"),
    [
        ({}, "404: Data source not found"),
        ({DATASOURCE_UID: (False, "dial tcp: connection refused")}, "refused"),
    ],
)
def test_datasource_tidak_sehat_dilaporkan_tanpa_menghentikan_sinkron(
    dasbor: Path, datasource: dict[str, tuple[bool, str]], pesan: str
) -> None:
    with GrafanaTiruan(datasource=datasource) as g:
        hasil = sinkronkan(_api(g), dasbor)
        assert len(g.keadaan.dasbor) == 10
    [gagal] = hasil.gagal
    assert (gagal.jenis, gagal.nama) == (Jenis.DATASOURCE, DATASOURCE_UID)
    assert pesan in gagal.keterangan
    assert hasil.kode_keluar == 1


@pytest.mark.parametrize(
    ("berkas", "isi", "pesan"),
    [
        ("openkab/kota.json", {"uid": "openkab", "title": "OpenKab"}, "sama dengan uid folder"),
        ("sektoral/x.json", {"uid": "kualitas-data", "title": "Lain"}, "sudah dipakai data.json"),
        ("sektoral/x.json", {"uid": "s" * 41, "title": "Panjang"}, "lebih dari 40"),
        ("sektoral/x.json", {"title": "Tanpa uid"}, "wajib punya 'uid' dan 'title'"),
        ("sektoral/x.json", {"uid": "sektoral-2", "title": "Sektoral — Ringkasan"}, "judul"),
    ],
)
def test_berkas_tidak_valid_ditolak_sebelum_menulis(
    grafana: GrafanaTiruan, dasbor: Path, berkas: str, isi: dict[str, Any], pesan: str
) -> None:
    _tulis(dasbor / berkas, isi)
    with pytest.raises(DasborTidakValid, match=pesan):
        sinkronkan(_api(grafana), dasbor)
    assert grafana.tulis == []


def test_cli_sync_lalu_tanpa_perubahan(grafana: GrafanaTiruan, dasbor: Path) -> None:
    perintah = ["grafana", "sync", "--url", grafana.url, "--dasbor", str(dasbor)]
    runner = CliRunner()
    pertama = runner.invoke(app, perintah, env={"GRAFANA_TOKEN": grafana.keadaan.token})
    assert pertama.exit_code == 0, pertama.output
    assert "35 perubahan" in pertama.output
    kedua = runner.invoke(app, perintah, env={"GRAFANA_TOKEN": grafana.keadaan.token})
    assert kedua.exit_code == 0, kedua.output
    assert "tidak ada perubahan" in kedua.output


def test_cli_keluar_1_bila_datasource_gagal_atau_token_salah(dasbor: Path) -> None:
    runner = CliRunner()
    with GrafanaTiruan(datasource={}) as g:
        perintah = ["grafana", "sync", "--url", g.url, "--dasbor", str(dasbor)]
        salah = runner.invoke(app, [*perintah, "--token", "token-salah"])
        kering = runner.invoke(app, [*perintah, "--token", g.keadaan.token, "--dry-run"])
        assert g.tulis == []
        hasil = runner.invoke(app, [*perintah, "--token", g.keadaan.token])
        assert len(g.keadaan.dasbor) == 10  # the failing health check does not stop the sync
    assert salah.exit_code == 1 and "Token ditolak" in salah.output
    assert kering.exit_code == 1 and "35 perubahan direncanakan" in kering.output
    assert hasil.exit_code == 1, hasil.output
    assert (
        "gagal" in hasil.output and "35 perubahan; datasource satudata-clickhouse tidak sehat" in hasil.output
    )


def test_dasbor_yang_di_commit_tersinkron_dan_stabil(grafana: GrafanaTiruan) -> None:
    """The real committed boards (every family) go up, land in their folders, and a second run writes nothing."""
    berkas = sorted(DASBOR_BAWAAN.glob("*/*.json"))
    hasil = sinkronkan(_api(grafana), DASBOR_BAWAAN)
    assert hasil.kode_keluar == 0
    dibuat = {b.nama for b in hasil.baris if b.jenis is Jenis.DASBOR and b.status is Status.DIBUAT}
    assert len(dibuat) == len(berkas) + 5  # plus one OpenDK copy per kecamatan
    sebelum = len(grafana.tulis)
    assert sinkronkan(_api(grafana), DASBOR_BAWAAN).berubah == []
    assert len(grafana.tulis) == sebelum
