"""Push the committed dashboards, with their folders, kecamatan teams and folder permissions, to a Grafana server.

Input: ``grafana/dashboards/<keluarga>/*.json`` (``<keluarga>`` one of :data:`FOLDER_KELUARGA`), one full dashboard
JSON model per file with a stable ``uid`` and ``title``. A run converges the server to the files and writes only
what differs (dashboards compared without ``id`` and ``version``), so a second run changes nothing. The result:
- one root folder per keluarga (OpenKab, OpenDK, Kualitas Data, Sektoral, Operasional; uid = keluarga);
- under OpenDK one subfolder per Kota Bima kecamatan (uid ``opendk-<kode>``, title = nama) holding a copy of the
  OpenDK dashboard (uid ``opendk-kec-<kode>``, ``OpenDK — Kecamatan <Nama>``) with its ``kecamatan`` variable
  fixed to that kecamatan and hidden;
- one team per kecamatan (``Kecamatan <Nama>``) with View on its own subfolder and nothing else.

Permissions: nested folders inherit their parent's permissions and cannot drop them, so a Viewer entry on OpenDK
would open every kecamatan folder to every viewer. OpenDK therefore holds no entries (admins see everything) and
a kecamatan subfolder only its team's View; the other root folders hold Grafana's defaults for a new folder
(Editor → Edit, Viewer → View). The permission API replaces the whole list, dropping the Admin entry Grafana
gives the creating service account: the token must belong to an Admin service account (teams need that too).

Uids: folders and dashboards share one uid namespace in Grafana ("Dashboard cannot be changed to a folder"),
hence ``opendk-kec-<kode>`` for the copies; a dashboard file using a folder uid is rejected before any write.
The hidden variable only fixes what the page shows (``?var-kecamatan=`` still selects another kecamatan);
keeping a team's data to its kecamatan needs row policies in ClickHouse.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import quote

from grafana_client.api import GrafanaApi
from grafana_client.client import GrafanaClientError, GrafanaException, GrafanaUnauthorizedError

from grafana import papan
from grafana.papan import KELUARGA
from satudata.wilayah import Tingkat, Wilayah, referensi_kota_bima

DASBOR_BAWAAN = Path(__file__).parent / "dashboards"
DATASOURCE_UID = "satudata-clickhouse"
FOLDER_KELUARGA = {
    k.nama: k.folder for k in KELUARGA
}  # keluarga (subdirectory) → folder title (uid = keluarga)
OPENDK = papan.OPENDK.folder_uid
VARIABEL_KECAMATAN = "kecamatan"
PANJANG_UID = 40  # Grafana's limit for folder and dashboard uids
SATU_RUANG = "Grafana 11 memakai satu ruang uid untuk folder dan dasbor, jadi uid dasbor harus diganti"
LIHAT, SUNTING = 1, 2  # Grafana permission levels View, Edit (4 = Admin is never granted here)


class GrafanaTidakTersedia(RuntimeError):
    """Grafana cannot be reached, is unhealthy, or rejects the token."""


class DasborTidakValid(ValueError):
    """The committed dashboard files break the input contract (nothing has been written)."""


class Jenis(StrEnum):
    FOLDER = "folder"
    TIM = "tim"
    IZIN = "izin folder"
    DASBOR = "dasbor"
    DATASOURCE = "datasource"


class Status(StrEnum):
    DIBUAT = "dibuat"
    GANTI_NAMA = "diganti nama"
    DIPINDAH = "dipindah"
    DIPERBARUI = "diperbarui"
    TETAP = "tetap"
    OK = "OK"
    GAGAL = "gagal"


@dataclass(frozen=True, slots=True)
class Baris:  # one report line: what happened (or, with dry_run, would happen) to one resource
    jenis: Jenis
    nama: str
    status: Status
    keterangan: str = ""


@dataclass(slots=True)
class HasilSinkron:
    dry_run: bool
    baris: list[Baris] = field(default_factory=list)

    @property
    def berubah(self) -> list[Baris]:
        return [b for b in self.baris if b.status not in (Status.TETAP, Status.OK, Status.GAGAL)]

    @property
    def gagal(self) -> list[Baris]:
        return [b for b in self.baris if b.status is Status.GAGAL]

    @property
    def kode_keluar(self) -> int:
        return 1 if self.gagal else 0


@dataclass(frozen=True, slots=True)
class Folder:
    uid: str
    judul: str
    induk: str | None = None
    peran_bawaan: bool = False  # Editor → Edit, Viewer → View
    tim: str | None = None  # the team that gets View (kecamatan subfolders)


@dataclass(frozen=True, slots=True)
class Dasbor:
    uid: str
    judul: str
    folder_uid: str
    isi: dict[str, Any]
    sumber: str  # file name, or the uid it was copied from


@dataclass(frozen=True, slots=True)
class Rencana:
    folder: tuple[Folder, ...]
    tim: tuple[str, ...]
    dasbor: tuple[Dasbor, ...]


def nama_tim(kecamatan: Wilayah) -> str:
    return f"Kecamatan {kecamatan.nama}"


def uid_folder_kecamatan(kecamatan: Wilayah) -> str:
    return f"{OPENDK}-{kecamatan.kode}"


def _baca(path: Path, folder_uid: str) -> Dasbor:
    try:
        isi = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DasborTidakValid(f"{path}: bukan JSON yang valid ({exc})") from exc
    if not isinstance(isi, dict):
        raise DasborTidakValid(f"{path}: isi berkas harus objek JSON dasbor")
    uid, judul = isi.get("uid"), isi.get("title")
    if not isinstance(uid, str) or not uid or not isinstance(judul, str) or not judul:
        raise DasborTidakValid(f"{path}: dasbor wajib punya 'uid' dan 'title' (teks tidak kosong)")
    return Dasbor(uid, judul, folder_uid, isi, path.name)


def _variabel(isi: dict[str, Any], nama: str) -> dict[str, Any] | None:
    for v in isi.get("templating", {}).get("list", []):
        if isinstance(v, dict) and v.get("name") == nama:
            return v
    return None


def salinan_kecamatan(asal: Dasbor, kecamatan: Wilayah, *, tunggal: bool = True) -> Dasbor:
    """``asal`` fixed to one kecamatan: its ``kecamatan`` variable set (value = kode, text = nama) and hidden,
    "All" removed, stored in the kecamatan's subfolder. With several OpenDK boards (``tunggal`` false) the uid and
    title keep the original's, so the copies stay apart."""
    isi = copy.deepcopy(asal.isi)
    if tunggal:
        uid, judul = f"{OPENDK}-kec-{kecamatan.kode}", f"OpenDK — Kecamatan {kecamatan.nama}"
    else:
        uid, judul = f"{asal.uid}-{kecamatan.kode}", f"{asal.judul} — Kecamatan {kecamatan.nama}"
    isi.update(uid=uid, title=judul)
    var = _variabel(isi, VARIABEL_KECAMATAN)
    if var is None:
        raise DasborTidakValid(f"{asal.sumber}: tidak ada variabel '{VARIABEL_KECAMATAN}'")
    pilihan = {"selected": True, "text": kecamatan.nama, "value": kecamatan.kode}
    var.update(current=pilihan, options=[dict(pilihan)], hide=2, includeAll=False, multi=False)
    return Dasbor(uid, judul, uid_folder_kecamatan(kecamatan), isi, f"salinan {asal.uid}")


def susun_rencana(direktori: Path, kecamatan: Sequence[Wilayah]) -> Rencana:
    """Read and check the dashboard files and derive every folder, team and dashboard the server should hold."""
    if not direktori.is_dir():
        raise DasborTidakValid(f"folder dasbor {direktori} tidak ada")
    folder = [Folder(k, judul, peran_bawaan=k != OPENDK) for k, judul in FOLDER_KELUARGA.items()]
    folder += [Folder(uid_folder_kecamatan(w), w.nama, OPENDK, tim=nama_tim(w)) for w in kecamatan]
    dasbor = [_baca(p, k) for k in FOLDER_KELUARGA for p in sorted((direktori / k).glob("*.json"))]
    asal = [d for d in dasbor if d.folder_uid == OPENDK and _variabel(d.isi, VARIABEL_KECAMATAN) is not None]
    dasbor += [salinan_kecamatan(d, w, tunggal=len(asal) == 1) for d in asal for w in kecamatan]
    uid_folder = {f.uid for f in folder}
    dilihat: dict[str, str] = {}
    judul: dict[tuple[str, str], str] = {}
    for d in dasbor:
        kunci = (d.folder_uid, d.judul.casefold())
        if kunci in judul:
            raise DasborTidakValid(
                f"{d.sumber}: judul {d.judul!r} sama dengan {judul[kunci]} di {d.folder_uid}"
            )
        judul[kunci] = d.sumber
        if len(d.uid) > PANJANG_UID:
            raise DasborTidakValid(f"{d.sumber}: uid {d.uid!r} lebih dari {PANJANG_UID} karakter")
        if d.uid in uid_folder:
            raise DasborTidakValid(f"{d.sumber}: uid {d.uid!r} sama dengan uid folder; {SATU_RUANG}")
        if d.uid in dilihat:
            raise DasborTidakValid(f"{d.sumber}: uid {d.uid!r} sudah dipakai {dilihat[d.uid]}")
        dilihat[d.uid] = d.sumber
    return Rencana(tuple(folder), tuple(nama_tim(w) for w in kecamatan), tuple(dasbor))


def _pesan(exc: GrafanaException) -> str:
    jawab = exc.response
    if isinstance(jawab, dict) and jawab.get("message"):
        return f"{exc.status_code}: {jawab['message']}"
    return str(exc.message)


def _kunci_izin(item: dict[str, Any]) -> tuple[str, str, int] | None:
    """A permission entry as (kind, who, level); None for entries this folder does not own."""
    if item.get("inherited"):
        return None
    tingkat = int(item.get("permission") or 0)
    if item.get("teamId"):
        return ("tim", str(item["teamId"]), tingkat)
    if item.get("userId"):
        return ("pengguna", str(item["userId"]), tingkat)
    if item.get("role"):
        return ("peran", str(item["role"]), tingkat)
    return None


def _tanpa_versi(isi: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in isi.items() if k not in ("id", "version")}


class SinkronGrafana:
    """Converge one Grafana server to a :class:`Rencana`; with ``dry_run`` only read and report the plan."""

    def __init__(
        self,
        api: GrafanaApi,
        rencana: Rencana,
        *,
        datasource_uid: str = DATASOURCE_UID,
        dry_run: bool = False,
    ) -> None:
        # grafana-client's element methods are untyped; they return decoded JSON.
        self._api: Any = api
        self._rencana = rencana
        self._datasource_uid = datasource_uid
        self._hasil = HasilSinkron(dry_run)
        self._folder_ada: set[str] = set()
        self._tim_id: dict[str, int] = {}

    def jalankan(self) -> HasilSinkron:
        self.periksa_koneksi()
        for f in self._rencana.folder:
            self._folder(f)
        for nama in self._rencana.tim:
            self._tim(nama)
        for f in self._rencana.folder:
            self._izin(f)
        for d in self._rencana.dasbor:
            self._dasbor(d)
        self._datasource()
        return self._hasil

    def periksa_koneksi(self) -> None:
        """GET /api/health (no token needed), then an authenticated GET /api/org to check the token."""
        alamat = self._api.url or self._api.client.url
        try:
            sehat = self._api.client.GET("/health")
            self._api.organization.get_current_organization()
        except OSError as exc:  # niquests' ConnectionError and friends
            raise GrafanaTidakTersedia(f"Grafana di {alamat} tidak dapat dihubungi: {exc}") from exc
        except GrafanaUnauthorizedError as exc:
            raise GrafanaTidakTersedia(
                f"Token ditolak Grafana di {alamat} (HTTP {_pesan(exc)}): periksa --token / GRAFANA_TOKEN "
                "(token service account berperan Admin)."
            ) from exc
        except GrafanaException as exc:
            raise GrafanaTidakTersedia(f"Grafana di {alamat} menjawab galat: {_pesan(exc)}") from exc
        if not isinstance(sehat, dict) or sehat.get("database") != "ok":
            raise GrafanaTidakTersedia(f"Grafana di {alamat} tidak sehat: {sehat!r}")

    def _catat(self, jenis: Jenis, nama: str, status: Status, keterangan: str = "") -> None:
        self._hasil.baris.append(Baris(jenis, nama, status, keterangan))

    def _baca_atau_none(self, panggil: Any, *argumen: Any) -> Any:
        try:
            return panggil(*argumen)
        except GrafanaClientError as exc:
            if exc.status_code == 404:
                return None
            raise

    def _folder(self, f: Folder) -> None:
        nama = f"{f.judul} ({f.uid})"
        ada = self._baca_atau_none(self._api.folder.get_folder, f.uid)
        if ada is None:
            if not self._hasil.dry_run:
                self._api.folder.create_folder(f.judul, uid=f.uid, parent_uid=f.induk)
            self._catat(Jenis.FOLDER, nama, Status.DIBUAT, f"di dalam {f.induk}" if f.induk else "")
            return
        self._folder_ada.add(f.uid)
        berubah = False
        if ada.get("title") != f.judul:
            if not self._hasil.dry_run:
                self._api.folder.update_folder(f.uid, title=f.judul, version=ada.get("version"))
            self._catat(Jenis.FOLDER, nama, Status.GANTI_NAMA, f"dari {ada.get('title')!r}")
            berubah = True
        induk_ada = ada.get("parentUid") or None
        if induk_ada != f.induk:
            if not self._hasil.dry_run:
                self._api.folder.move_folder(f.uid, f.induk or "")
            self._catat(Jenis.FOLDER, nama, Status.DIPINDAH, f"dari {induk_ada or '(akar)'}")
            berubah = True
        if not berubah:
            self._catat(Jenis.FOLDER, nama, Status.TETAP)

    def _tim(self, nama: str) -> None:
        ada = [t for t in self._api.teams.get_team_by_name(quote(nama, safe="")) if t.get("name") == nama]
        if ada:
            self._tim_id[nama] = int(ada[0]["id"])
            self._catat(Jenis.TIM, nama, Status.TETAP)
            return
        if not self._hasil.dry_run:
            self._tim_id[nama] = int(self._api.teams.add_team({"name": nama})["teamId"])
        self._catat(Jenis.TIM, nama, Status.DIBUAT)

    def _izin_tujuan(self, f: Folder) -> list[dict[str, Any]] | None:
        """The folder's full permission list; None while its team does not exist yet (dry run)."""
        if f.tim is not None:
            tim_id = self._tim_id.get(f.tim)
            return None if tim_id is None else [{"teamId": tim_id, "permission": LIHAT}]
        if f.peran_bawaan:
            return [{"role": "Editor", "permission": SUNTING}, {"role": "Viewer", "permission": LIHAT}]
        return []

    def _izin(self, f: Folder) -> None:
        tujuan = self._izin_tujuan(f)
        if f.tim is not None:
            uraian = f"{f.tim}: View"
        else:
            uraian = "Editor: Edit, Viewer: View" if f.peran_bawaan else "hanya admin"
        sekarang: list[dict[str, Any]] | None = None
        if f.uid in self._folder_ada:
            sekarang = self._api.folder.get_folder_permissions(f.uid)
        if sekarang is not None and tujuan is not None:
            kunci_sekarang = {k for k in map(_kunci_izin, sekarang) if k is not None}
            if kunci_sekarang == {k for k in map(_kunci_izin, tujuan) if k is not None}:
                self._catat(Jenis.IZIN, f.uid, Status.TETAP, uraian)
                return
        if not self._hasil.dry_run and tujuan is not None:
            self._api.folder.update_folder_permissions(f.uid, tujuan)
        self._catat(Jenis.IZIN, f.uid, Status.DIPERBARUI, uraian)

    def _dasbor(self, d: Dasbor) -> None:
        nama = f"{d.judul} ({d.uid})"
        ada = self._baca_atau_none(self._api.dashboard.get_dashboard, d.uid)
        if ada is not None:
            folder_ada = (ada.get("meta") or {}).get("folderUid") or None
            if folder_ada == d.folder_uid and _tanpa_versi(ada.get("dashboard") or {}) == _tanpa_versi(d.isi):
                self._catat(Jenis.DASBOR, nama, Status.TETAP, d.folder_uid)
                return
        if not self._hasil.dry_run:
            kirim = {"dashboard": _tanpa_versi(d.isi) | {"id": None}, "folderUid": d.folder_uid}
            self._api.dashboard.update_dashboard(
                kirim | {"overwrite": True, "message": "satudata grafana sync"}
            )
        self._catat(Jenis.DASBOR, nama, Status.DIBUAT if ada is None else Status.DIPERBARUI, d.folder_uid)

    def _datasource(self) -> None:
        try:
            jawab = self._api.datasource.health(self._datasource_uid)
        except GrafanaException as exc:
            self._catat(Jenis.DATASOURCE, self._datasource_uid, Status.GAGAL, _pesan(exc))
            return
        ok = isinstance(jawab, dict) and jawab.get("status") == "OK"
        pesan = str(jawab.get("message", "")) if isinstance(jawab, dict) else str(jawab)
        self._catat(Jenis.DATASOURCE, self._datasource_uid, Status.OK if ok else Status.GAGAL, pesan)


def sinkronkan(
    api: GrafanaApi,
    direktori: Path = DASBOR_BAWAAN,
    *,
    kecamatan: Iterable[Wilayah] | None = None,
    datasource_uid: str = DATASOURCE_UID,
    dry_run: bool = False,
) -> HasilSinkron:
    """Sync ``direktori`` to the server behind ``api`` (Kota Bima's kecamatan unless ``kecamatan`` is given).

    Raises :class:`DasborTidakValid` before any request, :class:`GrafanaTidakTersedia` before any write, and
    grafana-client's ``GrafanaException`` when a write is refused; a failing datasource health check is reported
    in the result (``kode_keluar`` 1) and does not stop the sync.
    """
    daftar = list(kecamatan) if kecamatan is not None else referensi_kota_bima().semua(Tingkat.KECAMATAN)
    rencana = susun_rencana(direktori, daftar)
    return SinkronGrafana(api, rencana, datasource_uid=datasource_uid, dry_run=dry_run).jalankan()
