"""A minimal local stand-in for the Grafana HTTP API, for the ``satudata grafana sync`` tests.

No Grafana server can run on this machine (no Debian package, no container runtime, PyPI only has client
libraries), so the tests talk to this small FastAPI app instead: in-memory state, served by uvicorn in a background
thread on 127.0.0.1 and a free port. It is NOT Grafana: it implements only the routes the sync calls, with the
request and response shapes, status codes and messages of Grafana 11's documented legacy HTTP API
(https://grafana.com/docs/grafana/latest/developers/http_api/: folder, folder_permissions, team, dashboard,
data_source health, health) and the behaviour the sync depends on:

- ``GET /api/health`` answers without a token; every other route needs ``Authorization: Bearer <token>``
  (401 ``{"message": "Unauthorized"}``);
- folders and dashboards share one uid namespace: a new folder on a taken uid is 409, a dashboard saved under a
  folder's uid 400 ("Dashboard cannot be changed to a folder"); uids are at most 40 characters;
- ``PUT /api/folders/:uid`` needs the current ``version`` or ``overwrite`` (412 ``version-mismatch`` otherwise);
- a new root folder gets the creating service account as Admin plus Editor → Edit and Viewer → View; a nested
  folder only the service account (it inherits the rest from its parent); ``GET …/permissions`` lists the
  folder's own entries, ``POST …/permissions`` replaces them all;
- ``POST /api/dashboards/db`` stores the model with ``id``, ``uid`` and ``version`` set, bumps the version on
  every save, and without ``overwrite`` refuses a stale ``version`` (412).

Every authorised non-GET request is appended to :attr:`GrafanaTiruan.tulis` so tests can assert idempotence.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from satudata.kafka.broker import free_port

VERSI = "11.6.0"
TOKEN_BAWAAN = "glsa_tiruan_satudata"
SERVICE_ACCOUNT = {"userId": 2, "userLogin": "sa-1-satudata-sync", "userEmail": ""}  # owner of the token
PANJANG_UID = 40
NAMA_IZIN = {1: "View", 2: "Edit", 4: "Admin"}


def _galat(kode_http: int, pesan: str, **lain: Any) -> JSONResponse:
    return JSONResponse({"message": pesan, **lain}, status_code=kode_http)


def _slug(judul: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", judul.lower()).strip("-")


def _sekarang() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class KeadaanGrafana:
    """The stand-in's whole state; tests may read it and change it to simulate drift."""

    token: str
    datasource: dict[str, tuple[bool, str]]  # uid → (healthy, message)
    folder: dict[str, dict[str, Any]] = field(default_factory=dict)
    izin: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # folder uid → own entries
    tim: dict[int, dict[str, Any]] = field(default_factory=dict)
    dasbor: dict[str, dict[str, Any]] = field(default_factory=dict)  # uid → {"dashboard", "folderUid", …}
    tulis: list[str] = field(default_factory=list)
    _id: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def id_baru(self) -> int:
        return next(self._id)

    def dto_folder(self, uid: str) -> dict[str, Any]:
        f = self.folder[uid]
        dto = {k: f[k] for k in ("id", "uid", "title", "version", "created", "updated")}
        dto |= {"orgId": 1, "url": f"/dashboards/f/{uid}/{_slug(f['title'])}", "hasAcl": False}
        dto |= {"canSave": True, "canEdit": True, "canAdmin": True, "canDelete": True}
        dto |= {"createdBy": SERVICE_ACCOUNT["userLogin"], "updatedBy": SERVICE_ACCOUNT["userLogin"]}
        if f["parentUid"]:
            dto["parentUid"] = f["parentUid"]
            induk = self.folder[f["parentUid"]]
            dto["parents"] = [{k: induk[k] for k in ("id", "uid", "title", "version")}]
        return dto


def _routes_folder(app: FastAPI, k: KeadaanGrafana) -> None:
    tidak_ada = {"status": "not-found"}

    @app.get("/api/folders/{uid}")
    async def ambil_folder(uid: str) -> Response:
        if uid not in k.folder:
            return _galat(404, "folder not found", **tidak_ada)
        return JSONResponse(k.dto_folder(uid))

    @app.post("/api/folders")
    async def buat_folder(request: Request) -> Response:
        body = await request.json()
        judul = str(body.get("title") or "").strip()
        uid = str(body.get("uid") or f"f{k.id_baru():09d}")
        induk = body.get("parentUid") or None
        if not judul:
            return _galat(400, "folder title cannot be empty")
        if len(uid) > PANJANG_UID:
            return _galat(400, "uid too long, max 40 characters")
        if uid in k.folder or uid in k.dasbor:
            return _galat(409, "a folder/dashboard with the same uid already exists")
        if induk is not None and induk not in k.folder:
            return _galat(404, "folder not found", **tidak_ada)
        waktu = _sekarang()
        k.folder[uid] = {"id": k.id_baru(), "uid": uid, "title": judul, "parentUid": induk, "version": 1}
        k.folder[uid] |= {"created": waktu, "updated": waktu}
        sa = {"userId": SERVICE_ACCOUNT["userId"], "teamId": 0, "role": None, "permission": 4}
        peran = [
            {"userId": 0, "teamId": 0, "role": r, "permission": p} for r, p in (("Editor", 2), ("Viewer", 1))
        ]
        k.izin[uid] = [sa] if induk else [sa, *peran]
        return JSONResponse(k.dto_folder(uid))

    @app.put("/api/folders/{uid}")
    async def ubah_folder(uid: str, request: Request) -> Response:
        body = await request.json()
        if uid not in k.folder:
            return _galat(404, "folder not found", **tidak_ada)
        f = k.folder[uid]
        if not body.get("overwrite") and body.get("version") != f["version"]:
            return _galat(412, "the folder has been changed by someone else", status="version-mismatch")
        if body.get("title"):
            f["title"] = str(body["title"])
        f["version"] += 1
        f["updated"] = _sekarang()
        return JSONResponse(k.dto_folder(uid))

    @app.post("/api/folders/{uid}/move")
    async def pindah_folder(uid: str, request: Request) -> Response:
        induk = (await request.json()).get("parentUid") or None
        if uid not in k.folder or (induk is not None and induk not in k.folder):
            return _galat(404, "folder not found", **tidak_ada)
        if induk == uid:
            return _galat(400, "folder cannot be parent of itself")
        k.folder[uid]["parentUid"] = induk
        k.folder[uid]["version"] += 1
        return JSONResponse(k.dto_folder(uid))

    @app.get("/api/folders/{uid}/permissions")
    async def ambil_izin(uid: str) -> Response:
        if uid not in k.folder:
            return _galat(404, "folder not found", **tidak_ada)
        f, keluar = k.folder[uid], []
        for i, e in enumerate(k.izin[uid], start=1):
            tim = k.tim.get(e["teamId"], {})
            pengguna = SERVICE_ACCOUNT if e["userId"] == SERVICE_ACCOUNT["userId"] else {}
            keluar.append(
                e
                | {"id": i, "folderId": f["id"], "created": f["created"], "updated": f["updated"]}
                | {"userLogin": pengguna.get("userLogin", ""), "userEmail": "", "team": tim.get("name", "")}
                | {"teamUid": tim.get("uid", ""), "permissionName": NAMA_IZIN[e["permission"]], "uid": uid}
                | {"title": f["title"], "slug": _slug(f["title"]), "isFolder": True, "inherited": False}
                | {"url": f"/dashboards/f/{uid}/{_slug(f['title'])}"}
            )
        return JSONResponse(keluar)

    @app.post("/api/folders/{uid}/permissions")
    async def ganti_izin(uid: str, request: Request) -> Response:
        body = await request.json()
        if uid not in k.folder:
            return _galat(404, "folder not found", **tidak_ada)
        baru = []
        for item in body.get("items", []):
            e: dict[str, Any] = {
                "userId": int(item.get("userId") or 0),
                "teamId": int(item.get("teamId") or 0),
            }
            e |= {"role": item.get("role") or None, "permission": int(item.get("permission") or 0)}
            if e["userId"] and e["teamId"]:
                return _galat(400, "permission cannot have both a user and a team")
            if (e["userId"] or e["teamId"]) and e["role"]:
                return _galat(400, "permission cannot have both a role and a user or team")
            if e["role"] not in (None, "Viewer", "Editor") or e["permission"] not in NAMA_IZIN:
                return _galat(400, "bad request data")
            if e["teamId"] and e["teamId"] not in k.tim:
                return _galat(400, "team not found")
            baru.append(e)
        k.izin[uid] = baru
        return JSONResponse({"message": "Folder permissions updated"})


def _routes_tim(app: FastAPI, k: KeadaanGrafana) -> None:
    @app.get("/api/teams/search")
    async def cari_tim(
        name: str | None = None, query: str | None = None, page: int = 1, perpage: int = 1000
    ) -> Response:
        cocok = [
            t
            for t in k.tim.values()
            if (name is None or t["name"] == name) and (not query or query.lower() in t["name"].lower())
        ]
        halaman = cocok[(page - 1) * perpage : page * perpage]
        return JSONResponse({"totalCount": len(cocok), "teams": halaman, "page": page, "perPage": perpage})

    @app.post("/api/teams")
    async def buat_tim(request: Request) -> Response:
        body = await request.json()
        nama = str(body.get("name") or "").strip()
        if not nama:
            return _galat(400, "bad request data")
        if any(t["name"] == nama for t in k.tim.values()):
            return _galat(409, "Team name taken")
        i = k.id_baru()
        k.tim[i] = {"id": i, "uid": f"t{i:09d}", "orgId": 1, "name": nama, "email": body.get("email", "")}
        k.tim[i] |= {"avatarUrl": f"/avatar/{i}", "memberCount": 0, "permission": 0, "accessControl": None}
        return JSONResponse({"message": "Team created", "teamId": i, "uid": k.tim[i]["uid"]})


def _routes_dasbor(app: FastAPI, k: KeadaanGrafana) -> None:
    @app.get("/api/dashboards/uid/{uid}")
    async def ambil_dasbor(uid: str) -> Response:
        d = k.dasbor.get(uid)
        if d is None:
            return _galat(404, "Dashboard not found")
        model, folder = d["dashboard"], k.folder.get(d["folderUid"] or "")
        meta = {"type": "db", "canSave": True, "canEdit": True, "canAdmin": True, "canStar": True}
        meta |= {"canDelete": True, "slug": _slug(model["title"]), "url": f"/d/{uid}/{_slug(model['title'])}"}
        meta |= {"created": d["created"], "updated": d["updated"], "version": model["version"]}
        meta |= {"createdBy": SERVICE_ACCOUNT["userLogin"], "updatedBy": SERVICE_ACCOUNT["userLogin"]}
        meta |= {"hasAcl": False, "isFolder": False, "provisioned": False, "provisionedExternalId": ""}
        meta |= {"folderId": folder["id"] if folder else 0, "folderUid": d["folderUid"] or ""}
        meta |= {"folderTitle": folder["title"] if folder else "General"}
        meta["folderUrl"] = f"/dashboards/f/{folder['uid']}/{_slug(folder['title'])}" if folder else ""
        return JSONResponse({"dashboard": model, "meta": meta})

    @app.post("/api/dashboards/db")
    async def simpan_dasbor(request: Request) -> Response:
        body = await request.json()
        model = dict(body.get("dashboard") or {})
        folder_uid = body.get("folderUid") or None
        uid = str(model.get("uid") or f"d{k.id_baru():09d}")
        if not str(model.get("title") or "").strip():
            return _galat(400, "Dashboard title cannot be empty")
        if len(uid) > PANJANG_UID:
            return _galat(400, "uid too long, max 40 characters")
        if uid in k.folder:
            return _galat(400, "Dashboard cannot be changed to a folder")
        if folder_uid is not None and folder_uid not in k.folder:
            return _galat(400, "Folder not found")
        lama = k.dasbor.get(uid)
        if model.get("id") is not None and (lama is None or lama["dashboard"]["id"] != model["id"]):
            return _galat(404, "Dashboard not found")
        if (
            lama is not None
            and not body.get("overwrite")
            and model.get("version") != lama["dashboard"]["version"]
        ):
            return _galat(412, "The dashboard has been changed by someone else", status="version-mismatch")
        versi = lama["dashboard"]["version"] + 1 if lama else 1
        ident = lama["dashboard"]["id"] if lama else k.id_baru()
        waktu = _sekarang()
        model |= {"id": ident, "uid": uid, "version": versi}
        k.dasbor[uid] = {"dashboard": model, "folderUid": folder_uid, "updated": waktu}
        k.dasbor[uid]["created"] = lama["created"] if lama else waktu
        slug = _slug(model["title"])
        return JSONResponse(
            {"id": ident, "uid": uid, "url": f"/d/{uid}/{slug}", "status": "success", "version": versi}
            | {"slug": slug, "folderUid": folder_uid or ""}
        )


def buat_app(k: KeadaanGrafana) -> FastAPI:
    app = FastAPI(title="Grafana tiruan", openapi_url=None, docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def periksa_token(request: Request, lanjut: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path != "/api/health":
            if request.headers.get("authorization") != f"Bearer {k.token}":
                return _galat(401, "Unauthorized")
            if request.method != "GET":
                k.tulis.append(f"{request.method} {request.url.path}")
        return await lanjut(request)

    @app.get("/api/health")
    async def kesehatan() -> dict[str, str]:
        return {"commit": "tiruan", "database": "ok", "version": VERSI}

    @app.get("/api/org")
    async def organisasi() -> dict[str, Any]:
        return {"id": 1, "name": "Main Org.", "address": {"address1": "", "city": "", "country": ""}}

    @app.get("/api/datasources/uid/{uid}/health")
    async def kesehatan_datasource(uid: str) -> Response:
        if uid not in k.datasource:
            return _galat(404, "Data source not found")
        sehat, pesan = k.datasource[uid]
        return JSONResponse(
            {"status": "OK" if sehat else "ERROR", "message": pesan}, status_code=200 if sehat else 400
        )

    _routes_folder(app, k)
    _routes_tim(app, k)
    _routes_dasbor(app, k)
    return app


class GrafanaTiruan:
    """The stand-in served on 127.0.0.1 for the duration of a ``with`` block.

    ``datasource`` maps datasource uids to (healthy, message) for ``GET /api/datasources/uid/:uid/health``;
    a uid not in it answers 404.
    """

    def __init__(
        self, *, token: str = TOKEN_BAWAAN, datasource: dict[str, tuple[bool, str]] | None = None
    ) -> None:
        self.keadaan = KeadaanGrafana(token, dict(datasource or {}))
        self.port = free_port()
        config = uvicorn.Config(
            buat_app(self.keadaan), host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="grafana-tiruan", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tulis(self) -> list[str]:
        return self.keadaan.tulis

    def __enter__(self) -> GrafanaTiruan:
        self._thread.start()
        batas = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > batas:
                raise RuntimeError("Grafana tiruan gagal menyala")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
