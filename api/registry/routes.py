"""Confluent Schema Registry REST subset (STACK_NOTES §3.2), served by the hub's API.

Mount with ``app.include_router(create_registry_router(), prefix="/registry")`` and set
``app.state.schema_store`` to a started :class:`~api.registry.store.SchemaStore` in the app's lifespan.
Shapes and error bodies (``{"error_code": 40401, "message": "..."}``) follow Confluent's API so unmodified
clients (python-schema-registry-client, confluent-kafka) work against ``<api>/registry``.

FastAPI resolves endpoint annotations at runtime, and the ``Store`` alias is local to the router factory, so
this module deliberately does not use ``from __future__ import annotations``.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from api.registry.state import LATEST, RegistryError, SchemaVersion
from api.registry.store import SchemaStore

MEDIA_TYPE = "application/vnd.schemaregistry.v1+json"
MAX_VERSION = 2**31 - 1


class RegistryJSONResponse(JSONResponse):
    media_type = MEDIA_TYPE


def error_response(exc: RegistryError) -> Response:
    body = {"error_code": exc.error_code, "message": exc.message}
    return RegistryJSONResponse(body, status_code=exc.status)


class RegistryRoute(APIRoute):
    """Route that turns registry errors (and request validation errors) into Confluent's error body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RegistryError as exc:
                return error_response(exc)
            except RequestValidationError as exc:
                return error_response(RegistryError(422, 422, f"Invalid request: {exc.errors()}"))

        return handle


def get_schema_store(request: Request) -> SchemaStore:
    """Default dependency: the started store the app put in ``app.state.schema_store``."""
    store = getattr(request.app.state, "schema_store", None)
    if not isinstance(store, SchemaStore):
        raise RegistryError(500, 50001, "Error in the backend data store: app.state.schema_store is not set")
    return store


def parse_version(raw: str) -> int | str:
    """``latest`` / ``-1`` → ``"latest"``; 1…2^31-1 → int; anything else → 42202."""
    if raw in (LATEST, "-1"):
        return LATEST
    if raw.isdigit() and 1 <= int(raw) <= MAX_VERSION:
        return int(raw)
    raise RegistryError(
        422,
        42202,
        (
            f"The specified version '{raw}' is not a valid version id. "
            'Allowed values are between [1, 2^31-1] and the string "latest"'
        ),
    )


def parse_id(raw: str) -> int:
    if not raw.isdigit():
        raise RegistryError(404, 40403, f"Schema {raw} not found")
    return int(raw)


async def read_json(request: Request) -> dict[str, Any]:
    """Request body as a JSON object, whatever the content type (Confluent accepts several)."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise RegistryError(400, 400, f"Unrecognized JSON body: {exc}") from None
    if not isinstance(body, dict):
        raise RegistryError(422, 422, "Request body must be a JSON object")
    return body


async def read_schema(request: Request) -> str:
    """The ``schema`` of a register/lookup/compatibility body; only AVRO without references is supported."""
    body = await read_json(request)
    schema_type = body.get("schemaType") or "AVRO"
    if schema_type != "AVRO":
        raise RegistryError(422, 42201, f"Invalid schema type {schema_type}: only AVRO is supported")
    if body.get("references"):
        raise RegistryError(422, 42201, "Invalid schema: schema references are not supported")
    schema = body.get("schema")
    if not isinstance(schema, str) or not schema.strip():
        raise RegistryError(422, 42201, "Empty schema")
    return schema


def version_body(sv: SchemaVersion) -> dict[str, Any]:
    return {"subject": sv.subject, "version": sv.version, "id": sv.id, "schema": sv.schema}


def create_registry_router(
    store_dependency: Callable[..., SchemaStore] = get_schema_store,
) -> APIRouter:
    """Router with the registry endpoints; ``store_dependency`` is a FastAPI dependency giving the store."""
    router = APIRouter(
        route_class=RegistryRoute, default_response_class=RegistryJSONResponse, tags=["schema registry"]
    )
    Store = Annotated[SchemaStore, Depends(store_dependency)]

    @router.get("/")
    async def root() -> dict[str, Any]:
        return {}

    @router.get("/schemas/types")
    async def schema_types() -> list[str]:
        return ["AVRO"]

    @router.get("/mode")
    async def mode() -> dict[str, Any]:
        return {"mode": "READWRITE"}

    @router.get("/subjects")
    async def list_subjects(store: Store, deleted: bool = False) -> list[str]:
        return store.subjects(include_deleted=deleted)

    @router.get("/subjects/{subject}/versions")
    async def list_versions(store: Store, subject: str, deleted: bool = False) -> list[int]:
        return store.versions(subject, include_deleted=deleted)

    @router.get("/subjects/{subject}/versions/{version}")
    async def get_version(store: Store, subject: str, version: str, deleted: bool = False) -> dict[str, Any]:
        return version_body(store.get_version(subject, parse_version(version), include_deleted=deleted))

    @router.get("/subjects/{subject}/versions/{version}/schema")
    async def get_version_schema(store: Store, subject: str, version: str, deleted: bool = False) -> Response:
        sv = store.get_version(subject, parse_version(version), include_deleted=deleted)
        return Response(sv.schema, media_type=MEDIA_TYPE)

    @router.get("/subjects/{subject}/versions/{version}/referencedby")
    async def referenced_by(store: Store, subject: str, version: str) -> list[int]:
        store.get_version(subject, parse_version(version))
        return []  # schema references are not supported, so nothing refers to anything

    @router.post("/subjects/{subject}/versions")
    async def register(store: Store, subject: str, request: Request) -> dict[str, Any]:
        return {"id": await store.register(subject, await read_schema(request))}

    @router.post("/subjects/{subject}")
    async def lookup(store: Store, subject: str, request: Request, deleted: bool = False) -> dict[str, Any]:
        return version_body(store.lookup(subject, await read_schema(request), include_deleted=deleted))

    @router.delete("/subjects/{subject}")
    async def delete_subject(store: Store, subject: str, permanent: bool = False) -> list[int]:
        return await store.delete_subject(subject, permanent=permanent)

    @router.delete("/subjects/{subject}/versions/{version}")
    async def delete_version(store: Store, subject: str, version: str, permanent: bool = False) -> int:
        return await store.delete_version(subject, parse_version(version), permanent=permanent)

    @router.get("/schemas/ids/{schema_id}")
    async def schema_by_id(store: Store, schema_id: str) -> dict[str, Any]:
        return {"schema": store.schema_by_id(parse_id(schema_id))}

    @router.get("/schemas/ids/{schema_id}/schema")
    async def raw_schema_by_id(store: Store, schema_id: str) -> Response:
        return Response(store.schema_by_id(parse_id(schema_id)), media_type=MEDIA_TYPE)

    @router.get("/schemas/ids/{schema_id}/versions")
    async def id_versions(store: Store, schema_id: str, deleted: bool = False) -> list[dict[str, Any]]:
        pairs = store.subject_versions_for_id(parse_id(schema_id), include_deleted=deleted)
        return [{"subject": s, "version": v} for s, v in pairs]

    async def compatibility(
        store: SchemaStore, subject: str, version: str | None, request: Request
    ) -> dict[str, Any]:
        parsed = None if version is None else parse_version(version)
        result = store.test_compatibility(subject, await read_schema(request), parsed)
        return {"is_compatible": result.is_compatible, "messages": result.messages}

    @router.post("/compatibility/subjects/{subject}/versions/{version}")
    async def test_version(store: Store, subject: str, version: str, request: Request) -> dict[str, Any]:
        return await compatibility(store, subject, version, request)

    @router.post("/compatibility/subjects/{subject}/versions")
    async def test_all(store: Store, subject: str, request: Request) -> dict[str, Any]:
        return await compatibility(store, subject, None, request)

    async def put_level(store: SchemaStore, request: Request, subject: str | None) -> dict[str, Any]:
        body = await read_json(request)
        level = body.get("compatibility", body.get("compatibilityLevel"))
        return {"compatibility": (await store.set_compatibility(str(level), subject)).value}

    # The python client calls ``config/`` (trailing slash) for the global level: serve both spellings.
    @router.get("/config")
    @router.get("/config/", include_in_schema=False)
    async def get_global_config(store: Store) -> dict[str, Any]:
        return {"compatibilityLevel": store.compatibility_level().value}

    @router.put("/config")
    @router.put("/config/", include_in_schema=False)
    async def put_global_config(store: Store, request: Request) -> dict[str, Any]:
        return await put_level(store, request, None)

    @router.get("/config/{subject}")
    async def get_subject_config(
        store: Store, subject: str, default_to_global: Annotated[bool, Query(alias="defaultToGlobal")] = False
    ) -> dict[str, Any]:
        level = store.subject_compatibility_level(subject)
        if level is None and not default_to_global:
            raise RegistryError(
                404, 40408, f"Subject '{subject}' does not have subject-level compatibility configured"
            )
        return {"compatibilityLevel": (level or store.compatibility_level()).value}

    @router.put("/config/{subject}")
    async def put_subject_config(store: Store, subject: str, request: Request) -> dict[str, Any]:
        return await put_level(store, request, subject)

    @router.delete("/config/{subject}")
    async def delete_subject_config(store: Store, subject: str) -> dict[str, Any]:
        return {"compatibilityLevel": (await store.delete_compatibility(subject)).value}

    return router


router = create_registry_router()
