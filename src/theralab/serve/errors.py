"""One JSON shape for every error the API returns: {"error": {status, code, message, …}}."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


class APIError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, **extra}}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, **extra), status, headers=headers)


_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


async def api_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, APIError)
    return error_response(exc.status, exc.code, exc.message, exc.headers, **exc.extra)


# FastAPI's words when a JSON body cannot be decoded at all (e.g. it is not UTF-8)
_UNDECODABLE_BODY = "There was an error parsing the body"


async def http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNDECODABLE_BODY:
        return error_response(
            400, "malformed_json", "the request body is not valid JSON (JSON must be UTF-8)"
        )
    code = _CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


async def validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    """Malformed JSON is a 400; JSON of the wrong shape is a 422 naming each field."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return error_response(400, "malformed_json", "the request body is not valid JSON")
    if any(tuple(e.get("loc", ())) == ("body",) for e in errors):
        return error_response(
            400,
            "malformed_body",
            "the request body must be a JSON object (send Content-Type: application/json)",
        )
    fields = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
            "problem": str(e.get("msg", "invalid")),
        }
        for e in errors
    ]
    summary = "; ".join(f"{f['field']}: {f['problem']}" for f in fields[:3])
    return error_response(422, "invalid_request", f"invalid request: {summary}", fields=fields)
