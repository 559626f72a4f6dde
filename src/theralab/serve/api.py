"""The versioned HTTP API under /v1 (authentication and limits are applied by the gate)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from theralab.profiles import builtin_profiles
from theralab.serve.auth import Principal
from theralab.serve.chat import ChatService, stream_chunks
from theralab.serve.errors import APIError
from theralab.serve.gate import principal_of
from theralab.serve.practice import (
    PracticeCreatedOut,
    PracticeDetail,
    PracticeList,
    PracticeProfileCard,
    PracticeScorecard,
    PracticeService,
    PracticeUtteranceOut,
    intake_card,
)
from theralab.serve.schemas import (
    ConversationCreate,
    ConversationCreated,
    ConversationDetail,
    ConversationExport,
    ConversationList,
    EndOut,
    MessageIn,
    Options,
    PracticeCreate,
    PracticeEndIn,
    ReplyOut,
    UtteranceIn,
)

MAX_OFFSET = 1_000_000_000  # beyond any list; keeps the database's integers in range (422)
_bearer = HTTPBearer(auto_error=False, description="An API key from `theralab keys create`.")


async def principal(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Principal:
    found = principal_of(request.scope)
    if found is None:  # the gate always sets it on /v1; this is a second lock on the door
        raise APIError(401, "unauthenticated", "missing API key")
    return found


Caller = Annotated[Principal, Depends(principal)]
ConversationId = Annotated[str, Path(pattern=r"^conv_[0-9a-f]{24}$", description="From create.")]
PracticeId = Annotated[str, Path(pattern=r"^prac_[0-9a-f]{24}$")]

router = APIRouter(prefix="/v1")
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, invalid or revoked API key."},
    413: {"description": "Request body or message over the server's limit."},
    422: {"description": "The request does not match the schema (fields named)."},
    429: {"description": "Over the key's rate limit; see Retry-After."},
}


def _chat(request: Request) -> ChatService:
    return request.app.state.chat  # type: ignore[no-any-return]


def _practice(request: Request) -> PracticeService:
    return request.app.state.practice  # type: ignore[no-any-return]


@router.get("/options", response_model=Options, tags=["chat"], responses=_ERRORS)
async def options(request: Request, _who: Caller) -> Options:
    """Modalities, models, locales and limits this server offers."""
    settings = request.app.state.settings
    return Options(
        modalities=_chat(request).modalities(),
        client_engines=_practice(request).client_engines(),
        locales=ChatService.locales(),
        max_message_chars=settings.max_message_chars,
        store_text=settings.store_text,
        memory=settings.memory,
        redact_pii=settings.redact_pii,
    )


@router.post(
    "/conversations",
    response_model=ConversationCreated,
    status_code=201,
    tags=["chat"],
    responses=_ERRORS,
)
async def create_conversation(
    request: Request, body: ConversationCreate, who: Caller
) -> ConversationCreated:
    """Start a conversation with a guarded counselor; returns its greeting (with the AI
    disclosure, and a recap of the user's last conversation when `user_id` has one)."""
    return await _chat(request).create(who, body)


_SSE_DOC = (
    'Server-sent events: `delta` events carry `{"text": …}` pieces of the reply; one '
    "`done` event carries the reply's risk level, protocol, guardrail action and, when the "
    'guardrail gave them, crisis resources and the emergency number. With `"stream": false` '
    "the same fields come back as one JSON object."
)


@router.post(
    "/conversations/{conversation_id}/messages",
    tags=["chat"],
    response_model=None,
    responses={
        200: {
            "description": _SSE_DOC,
            "content": {
                "text/event-stream": {
                    "example": 'event: delta\ndata: {"text": "It sounds like "}\n\n'
                    'event: done\ndata: {"seq": 2, "risk": {"level": "none", "categories": '
                    '[]}, "protocol": "normal", "guardrail": "passed", "crisis": false, '
                    '"resources": [], "emergency": null}\n\n'
                },
                "application/json": {"schema": {"$ref": "#/components/schemas/ReplyOut"}},
            },
        },
        404: {"description": "No such conversation for this key."},
        409: {"description": "The conversation has ended or is full."},
        **_ERRORS,
    },
)
async def send_message(
    request: Request, conversation_id: ConversationId, body: MessageIn, who: Caller
) -> Response:
    """Send the person's message; the guarded reply streams back as server-sent events."""
    reply = await _chat(request).reply(who, conversation_id, body.text)
    if not body.stream:
        return JSONResponse(reply.model_dump(mode="json"))
    # The guardrail checks a reply whole before any of it is sent, so the events are ready
    # together: they go out as one body (one write, no streaming task per request), and
    # clients render the pieces as they parse them.
    return Response(
        _events(reply),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _events(reply: ReplyOut) -> bytes:
    """The reply as server-sent events: its pieces (`delta`), then its risk and guardrail
    fields (`done`)."""
    pieces = [_sse("delta", {"text": chunk}) for chunk in stream_chunks(reply.reply)]
    pieces.append(_sse("done", reply.model_dump(mode="json", exclude={"reply"})))
    return b"".join(pieces)


@router.get("/conversations", response_model=ConversationList, tags=["chat"], responses=_ERRORS)
async def list_conversations(
    request: Request,
    who: Caller,
    user_id: Annotated[str | None, Query(max_length=128)] = None,
    status: Annotated[Literal["active", "ended"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ConversationList:
    """This key's conversations, newest first."""
    return await _chat(request).list(who, user_id, status, limit, offset)


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationDetail,
    tags=["chat"],
    responses=_ERRORS,
)
async def get_conversation(
    request: Request, conversation_id: ConversationId, who: Caller
) -> ConversationDetail:
    """A conversation and its turns (text only when the operator stores it)."""
    return await _chat(request).detail(who, conversation_id)


@router.get(
    "/conversations/{conversation_id}/export",
    response_model=ConversationExport,
    tags=["chat"],
    responses=_ERRORS,
)
async def export_conversation(
    request: Request, conversation_id: ConversationId, who: Caller
) -> JSONResponse:
    """The conversation as one JSON document, offered as a download."""
    exported = await _chat(request).export(who, conversation_id)
    return JSONResponse(
        exported.model_dump(mode="json"),
        headers={"content-disposition": f'attachment; filename="{conversation_id}.json"'},
    )


@router.post(
    "/conversations/{conversation_id}/end",
    response_model=EndOut,
    tags=["chat"],
    responses=_ERRORS,
)
async def end_conversation(
    request: Request, conversation_id: ConversationId, who: Caller
) -> EndOut:
    """End the conversation; with a `user_id` and memory on, its summary is kept for the next."""
    return await _chat(request).end(who, conversation_id)


@router.get(
    "/profiles", response_model=list[PracticeProfileCard], tags=["practice"], responses=_ERRORS
)
async def list_profiles(
    _who: Caller,
    show_risk: Annotated[
        bool,
        Query(
            description="Say which clients may disclose suicide or self-harm risk (a trainer's "
            "view). By default it is hidden, so a trainee meets a risk cue unprepared."
        ),
    ] = False,
) -> list[PracticeProfileCard]:
    """The simulated clients a trainee can practise with."""
    return [intake_card(p, show_risk) for p in builtin_profiles()]


@router.post(
    "/practice",
    response_model=PracticeCreatedOut,
    status_code=201,
    tags=["practice"],
    responses=_ERRORS,
)
async def create_practice(
    request: Request, body: PracticeCreate, who: Caller
) -> PracticeCreatedOut:
    """Start a practice session: the trainee is the counselor, a simulated client answers."""
    return await _practice(request).create(who, body)


@router.post(
    "/practice/{practice_id}/utterances",
    response_model=PracticeUtteranceOut,
    tags=["practice"],
    responses=_ERRORS,
)
async def practice_utterance(
    request: Request, practice_id: PracticeId, body: UtteranceIn, who: Caller
) -> PracticeUtteranceOut:
    """The trainee speaks: MI codes for what they said, the client's reply, the running MITI."""
    return await _practice(request).utterance(who, practice_id, body.text)


@router.post(
    "/practice/{practice_id}/end",
    response_model=PracticeScorecard,
    tags=["practice"],
    responses=_ERRORS,
)
async def end_practice(
    request: Request, practice_id: PracticeId, who: Caller, body: PracticeEndIn | None = None
) -> PracticeScorecard:
    """End the session: the scorecard, and the client's cognitive model revealed."""
    inferred = body.inferred if body is not None else None
    return await _practice(request).end(who, practice_id, inferred)


@router.get("/practice", response_model=PracticeList, tags=["practice"], responses=_ERRORS)
async def list_practice(
    request: Request,
    who: Caller,
    status: Annotated[Literal["active", "ended"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> PracticeList:
    """This key's practice sessions, newest first (a trainer's list; `flagged` when something
    in the trainee's words was flagged)."""
    return await _practice(request).list(who, status, limit, offset)


@router.get(
    "/practice/{practice_id}",
    response_model=PracticeDetail,
    tags=["practice"],
    responses=_ERRORS,
)
async def get_practice(
    request: Request,
    practice_id: PracticeId,
    who: Caller,
    show_risk: Annotated[bool, Query(description="As for GET /v1/profiles.")] = False,
) -> PracticeDetail:
    """A practice session: once ended, its scorecard (for the trainer, at any time later);
    while active, its transcript so far and running MITI (to resume it on any worker)."""
    return await _practice(request).detail(who, practice_id, show_risk)
