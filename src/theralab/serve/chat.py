"""Conversations with a served counselor — always behind the crisis guardrail.

There is no setting, argument or request field that turns the guardrail off here: every
counselor this module builds is wrapped in `GuardedCounselor` in `_counselor`, the only place
counselors are made. The reply is computed, screened and checked in full before a single chunk
is streamed, so a stream never carries text the output check has not seen.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, Generic, TypeVar

import anyio

from theralab.agents import Agent, CourseContext, CourseCounselor, Reply, Utterance
from theralab.counselors import DESCRIPTIONS, MODEL_PREFIX, NEGATIVE_CONTROLS, resolve_counselor
from theralab.counselors.registry import CounselorRegistry, is_external
from theralab.dialogue.records import Speaker
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.resources import resources_for, supported_countries
from theralab.safety.risk import RiskLevel, max_level
from theralab.safety.screener import Screener
from theralab.serve import memory as mem
from theralab.serve.auth import Principal
from theralab.serve.engines import ModelPool
from theralab.serve.errors import APIError
from theralab.serve.models import Conversation, Message
from theralab.serve.redact import RedactingAgent
from theralab.serve.schemas import (
    ConversationCreate,
    ConversationCreated,
    ConversationDetail,
    ConversationExport,
    ConversationList,
    ConversationOut,
    EndOut,
    ExportTurn,
    MessageOut,
    ModalityOut,
    ReplyOut,
    Risk,
)
from theralab.serve.settings import ServeSettings
from theralab.serve.store import Store, TurnRecord

AI_DISCLOSURE = (
    "I'm an AI counselor, not a person. I can listen and help you think things through, but "
    "I'm not a substitute for a doctor or therapist."
)
SCRIPTED = "scripted"
SERVED_SCRIPTED = ("cbt", "mi", "person_centred")
SERVED_MODEL_ONLY = ("act", "pfa")


def user_ref(key_id: str, user_id: str) -> str:
    """How a caller's user id is stored: a hash, scoped to the key."""
    return hashlib.sha256(f"{key_id}:{user_id}".encode()).hexdigest()


def aware(when: datetime | None) -> datetime | None:
    """Timestamps come back naive from SQLite; they were written in UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when


def conversation_out(c: Conversation) -> ConversationOut:
    return ConversationOut(
        id=c.id,
        modality=c.modality,
        model=c.model,
        locale=c.locale,
        status=c.status,  # type: ignore[arg-type]
        client_messages=c.client_messages,
        crisis_turns=c.crisis_turns,
        risk_peak=c.risk_peak,
        store_text=c.store_text,
        created_at=aware(c.created_at),
        ended_at=aware(c.ended_at),
    )


def stream_chunks(text: str, words: int = 4) -> list[str]:
    """The reply in small pieces for streaming (every piece but the last ends in a space)."""
    parts = text.split(" ")
    chunks = [" ".join(parts[i : i + words]) for i in range(0, len(parts), words)]
    return [c + " " for c in chunks[:-1]] + chunks[-1:]


V = TypeVar("V")


class LiveSessions(OrderedDict[str, V], Generic[V]):
    """Sessions held in memory between requests (conversations, practice sessions): at most
    `limit` (`ServeSettings.live_conversations`); past it the least recently used is evicted,
    and a request for it is told its state is gone."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: str, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)

    def touch(self, key: str) -> V | None:
        """The session, now the most recently used; None when it is not held."""
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value


class LiveService(Generic[V]):
    """What the chat and practice services share: the server's settings, store, screener and
    models, and the sessions they hold in memory, bounded the same way (`LiveSessions`)."""

    def __init__(
        self, settings: ServeSettings, store: Store, screener: Screener, models: ModelPool
    ) -> None:
        self.settings = settings
        self.store = store
        self.screener = screener
        self.models = models
        self.live: LiveSessions[V] = LiveSessions(settings.live_conversations)

    def check_length(self, text: str, what: str) -> None:
        """413 when `text` (a message, an utterance) is longer than this server takes."""
        limit = self.settings.max_message_chars
        if len(text) > limit:
            message = f"the {what} is {len(text)} characters; the limit is {limit}"
            raise APIError(413, "message_too_long", message)


@dataclass
class LiveConversation:
    """A conversation's counselor and history, kept in memory between messages."""

    record: Conversation
    counselor: GuardedCounselor
    history: list[Utterance]
    risk_peak: RiskLevel
    client_messages: int
    next_seq: int
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class ChatService(LiveService[LiveConversation]):
    def __init__(
        self, settings: ServeSettings, store: Store, screener: Screener, models: ModelPool
    ) -> None:
        super().__init__(settings, store, screener, models)
        self.carry_screener = mem.CarryOverScreener(screener)
        self.counselor_turns = 0  # how often a counselor was asked to speak (tests watch it)

    # --- what is offered --------------------------------------------------------------------

    def modalities(self) -> list[ModalityOut]:
        models = list(self.settings.counselor_models)
        out = [
            ModalityOut(name=m, description=DESCRIPTIONS[m], models=[SCRIPTED, *models])
            for m in SERVED_SCRIPTED
        ]
        if models:
            out += [
                ModalityOut(name=m, description=DESCRIPTIONS[m], models=models)
                for m in SERVED_MODEL_ONLY
            ]
        return out

    @staticmethod
    def locales() -> list[str]:
        return [f"en-{c}" for c in supported_countries()]

    def _resolve(self, modality: str, model: str | None) -> tuple[str, str]:
        if is_external(modality):
            # Never from a request: an ext: file names code and endpoints on this machine.
            offered = ", ".join(m.name for m in self.modalities())
            raise APIError(
                422, "unknown_modality", f"unknown modality; this server offers: {offered}"
            )
        try:
            name = resolve_counselor(modality)
        except KeyError:
            offered = ", ".join(m.name for m in self.modalities())
            raise APIError(
                422, "unknown_modality", f"unknown modality; this server offers: {offered}"
            ) from None
        if name.startswith("llm:"):
            raise APIError(
                422, "unknown_modality", "give the modality plainly and choose a model with `model`"
            )
        if name in NEGATIVE_CONTROLS:
            raise APIError(
                422,
                "modality_not_served",
                f"{name} is a negative control for research runs and is never served",
            )
        engine = model or SCRIPTED
        if engine == SCRIPTED:
            if name not in SERVED_SCRIPTED:
                raise APIError(
                    422,
                    "model_required",
                    f"{name} is model-backed only; this server offers models: "
                    f"{', '.join(self.settings.counselor_models) or 'none'}",
                )
            return name, SCRIPTED
        if engine not in self.settings.counselor_models:
            offered = ", ".join([SCRIPTED, *self.settings.counselor_models])
            raise APIError(
                422, "unknown_model", f"model not enabled on this server; choose from: {offered}"
            )
        return name, engine

    def _counselor(
        self,
        modality: str,
        model: str,
        seed: int,
        locale: str,
        carried_risk: bool,
        course: CourseContext | None = None,
    ) -> GuardedCounselor:
        """The only place a served counselor is built: always behind the guardrail. With
        `course` (a returning user's notes) it works as in a later session of a course."""
        name = modality if model == SCRIPTED else f"{MODEL_PREFIX}{modality}"
        registry = CounselorRegistry(
            [name],
            counselor_model=(
                None if model == SCRIPTED else lambda: self.models.model(model, "counselor")
            ),
        )
        inner: Agent = registry.inner(name, seed)
        if course is not None and isinstance(inner, CourseCounselor):
            inner.begin_course(course)
        if model != SCRIPTED and self.settings.redact_pii:
            inner = RedactingAgent(inner)
        screener = self.carry_screener if carried_risk else self.screener
        return GuardedCounselor(inner, screener=screener, locale=locale)

    # --- conversations ----------------------------------------------------------------------

    async def create(self, principal: Principal, body: ConversationCreate) -> ConversationCreated:
        modality, model = self._resolve(body.modality, body.model)
        ref = user_ref(principal.key_id, body.user_id) if body.user_id else None
        summary: dict[str, Any] | None = None
        if ref is not None and self.settings.memory:
            found = await anyio.to_thread.run_sync(self.store.latest_memory, principal.key_id, ref)
            summary = found.summary if found is not None else None
        carried = mem.carries_risk(summary)
        seed = secrets.randbelow(2**31)
        notes = mem.notes_of(summary)
        course = (
            CourseContext(notes.session + 1, notes.session + 2, (notes,), welcomed=True)
            if notes is not None
            else None
        )
        counselor = self._counselor(modality, model, seed, body.locale, carried, course)
        opening = await self._speak(counselor, ())
        recap = mem.recap(summary) if summary else None
        greeting = " ".join(p for p in (AI_DISCLOSURE, recap, opening.text) if p)
        record = Conversation(
            id="conv_" + secrets.token_hex(12),
            key_id=principal.key_id,
            user_ref=ref,
            modality=modality,
            model=model,
            locale=body.locale,
            status="active",
            seed=seed,
            store_text=self.settings.store_text,
            carried_risk=carried,
            client_messages=0,
            crisis_turns=0,
            risk_peak=RiskLevel.NONE.value,
        )
        await anyio.to_thread.run_sync(
            self.store.add_conversation, record, TurnRecord("counselor", greeting)
        )
        self._keep(
            LiveConversation(
                record=record,
                counselor=counselor,
                history=[Utterance(Speaker.COUNSELOR, greeting)],
                risk_peak=RiskLevel.NONE,
                client_messages=0,
                next_seq=1,
            )
        )
        return ConversationCreated(
            conversation=conversation_out(record),
            greeting=greeting,
            ai_disclosure=AI_DISCLOSURE,
            memory_recap=recap,
        )

    async def _speak(self, counselor: GuardedCounselor, history: tuple[Utterance, ...]) -> Reply:
        self.counselor_turns += 1
        return await counselor.respond(history)

    def _keep(self, live: LiveConversation) -> None:
        self.live.keep(live.record.id, live)

    async def _record(self, principal: Principal, conversation_id: str) -> Conversation:
        record = await anyio.to_thread.run_sync(
            self.store.conversation, principal.key_id, conversation_id
        )
        if record is None:
            raise APIError(404, "not_found", "no such conversation for this key")
        return record

    async def _live(self, principal: Principal, conversation_id: str) -> LiveConversation:
        live = self.live.get(conversation_id)
        if live is not None and live.record.key_id == principal.key_id:
            self.live.touch(conversation_id)
            return live
        record = await self._record(principal, conversation_id)
        if record.status == "ended":
            raise APIError(409, "conversation_ended", "this conversation has ended")
        return await self._rebuild(record)

    async def _rebuild(self, record: Conversation) -> LiveConversation:
        """A conversation not in memory (after a restart): replay it when that is possible."""
        if not (record.store_text and record.model == SCRIPTED):
            raise APIError(
                409,
                "conversation_state_lost",
                "the server no longer holds this conversation's state (it restarted, and "
                "conversation text is not stored); please start a new conversation",
            )
        messages = await anyio.to_thread.run_sync(self.store.messages, record.id)
        counselor = self._counselor(
            record.modality, record.model, record.seed, record.locale, record.carried_risk
        )
        await counselor.respond(())
        history: list[Utterance] = []
        peak = RiskLevel.NONE
        for m in messages:
            speaker = Speaker(m.speaker)
            history.append(Utterance(speaker, m.text or ""))
            if speaker is Speaker.CLIENT:
                reply = await counselor.respond(tuple(history))
                peak = max_level([peak, RiskLevel(reply.annotations.risk or "none")])
        live = LiveConversation(
            record=record,
            counselor=counselor,
            history=history,
            risk_peak=peak,
            client_messages=record.client_messages,
            next_seq=len(messages),
        )
        self._keep(live)
        return live

    async def reply(self, principal: Principal, conversation_id: str, text: str) -> ReplyOut:
        self.check_length(text, "message")
        live = await self._live(principal, conversation_id)
        async with live.lock:
            if live.record.status == "ended":
                raise APIError(409, "conversation_ended", "this conversation has ended")
            if live.client_messages >= self.settings.max_client_messages:
                raise APIError(
                    409,
                    "conversation_full",
                    f"this conversation reached {self.settings.max_client_messages} messages; "
                    "end it and start a new one",
                )
            started = time.perf_counter()
            live.history.append(Utterance(Speaker.CLIENT, text))
            answer = await self._speak(live.counselor, tuple(live.history))
            live.history.append(Utterance(Speaker.COUNSELOR, answer.text))
            guard = answer.annotations.guard
            level = answer.annotations.risk or RiskLevel.NONE
            live.risk_peak = max_level([live.risk_peak, level])
            live.client_messages += 1
            seq = live.next_seq
            live.next_seq += 2
            protocol = guard.protocol if guard is not None else "normal"
            action = guard.action if guard is not None else "passed"
            resources = list(guard.resources) if guard is not None else []
            crisis = protocol == "crisis"
            await anyio.to_thread.run_sync(
                partial(
                    self.store.record_exchange,
                    live.record,
                    seq,
                    [
                        TurnRecord("client", text, risk=level.value),
                        TurnRecord(
                            "counselor",
                            answer.text,
                            risk=level.value,
                            protocol=protocol,
                            guardrail=action,
                        ),
                    ],
                    live.risk_peak.value,
                    crisis,
                    {
                        "chars_in": len(text),
                        "chars_out": len(answer.text),
                        "risk": level.value,
                        "protocol": protocol,
                        "guardrail": action,
                        "ms": round(1000 * (time.perf_counter() - started), 1),
                    },
                )
            )
        return ReplyOut(
            seq=seq + 1,
            reply=answer.text,
            risk=Risk(
                level=level.value, categories=list(guard.categories) if guard is not None else []
            ),
            protocol="crisis" if crisis else "normal",
            guardrail=action,
            crisis=crisis,
            resources=resources,
            emergency=resources_for(live.record.locale).emergency if resources or crisis else None,
        )

    async def end(self, principal: Principal, conversation_id: str) -> EndOut:
        record = await self._record(principal, conversation_id)
        if record.status == "ended":
            raise APIError(409, "conversation_ended", "this conversation has already ended")
        live = self.live.pop(conversation_id, None)
        if live is not None:
            record = live.record
            client_texts = [u.text for u in live.history if u.speaker is Speaker.CLIENT]
            peak, count = live.risk_peak, live.client_messages
        else:
            client_texts = []
            peak, count = RiskLevel(record.risk_peak), record.client_messages
        summary = None
        if self.settings.memory and record.user_ref is not None:
            summary = mem.summarise(
                client_texts, modality=record.modality, risk_peak=peak, client_messages=count
            )
            before = await anyio.to_thread.run_sync(
                self.store.latest_memory, principal.key_id, record.user_ref
            )
            earlier = mem.notes_of(before.summary if before is not None else None)
            notes = mem.session_notes(
                live.history if live is not None else [],
                index=earlier.session + 1 if earlier is not None else 1,
                phase=live.counselor.course_phase if live is not None else None,
                risk_peak=peak,
                previous=earlier,
            )
            summary["notes"] = notes.model_dump(mode="json")
        await anyio.to_thread.run_sync(self.store.end_conversation, record, summary)
        updated = await self._record(principal, conversation_id)
        return EndOut(conversation=conversation_out(updated), memory_saved=summary is not None)

    async def list(
        self,
        principal: Principal,
        user_id: str | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> ConversationList:
        ref = user_ref(principal.key_id, user_id) if user_id else None
        rows, total = await anyio.to_thread.run_sync(
            partial(
                self.store.conversations,
                principal.key_id,
                user_ref=ref,
                status=status,
                limit=limit,
                offset=offset,
            )
        )
        return ConversationList(
            items=[conversation_out(r) for r in rows], total=total, limit=limit, offset=offset
        )

    async def detail(self, principal: Principal, conversation_id: str) -> ConversationDetail:
        record = await self._record(principal, conversation_id)
        messages = await anyio.to_thread.run_sync(self.store.messages, record.id)
        return ConversationDetail(
            conversation=conversation_out(record), messages=[_message_out(m) for m in messages]
        )

    async def export(self, principal: Principal, conversation_id: str) -> ConversationExport:
        record = await self._record(principal, conversation_id)
        messages = await anyio.to_thread.run_sync(self.store.messages, record.id)
        await anyio.to_thread.run_sync(
            partial(self.store.audit, "conversation.exported", principal.key_id, record.id)
        )
        return ConversationExport(
            conversation=conversation_out(record),
            text_stored=record.store_text,
            turns=[
                ExportTurn(
                    seq=m.seq,
                    speaker=m.speaker,
                    text=m.text,
                    risk=m.risk,
                    protocol=m.protocol,
                    created_at=aware(m.created_at),
                )
                for m in messages
            ],
        )


def _message_out(m: Message) -> MessageOut:
    return MessageOut(
        seq=m.seq,
        speaker=m.speaker,  # type: ignore[arg-type]
        text=m.text,
        chars=m.chars,
        risk=m.risk,
        protocol=m.protocol,
        guardrail=m.guardrail,
        created_at=aware(m.created_at),
    )
