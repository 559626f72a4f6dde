"""Conversations with a served counselor — always behind the crisis guardrail.

There is no setting, argument or request field that turns the guardrail off here: every
counselor this module builds is wrapped in `GuardedCounselor` in `_counselor`, the only place
counselors are made. The reply is computed, screened and checked in full before a single chunk
is streamed, so a stream never carries text the output check has not seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Generic, NoReturn, TypeVar

import anyio

from theralab.agents import Agent, CourseContext, CourseCounselor, Reply, Utterance
from theralab.batching import MicroBatcher
from theralab.counselors import DESCRIPTIONS, MODEL_PREFIX, NEGATIVE_CONTROLS, resolve_counselor
from theralab.counselors.registry import CounselorRegistry, is_external
from theralab.dialogue.courses import SessionNotes
from theralab.dialogue.records import Speaker
from theralab.safety.guardrail import GuardedCounselor
from theralab.safety.resources import resources_for, supported_countries
from theralab.safety.risk import RiskLevel, max_level
from theralab.safety.screener import Screener
from theralab.serve import memory as mem
from theralab.serve.auth import Principal
from theralab.serve.engines import ModelPool
from theralab.serve.errors import APIError
from theralab.serve.keyring import StateKeys, StateUnreadable
from theralab.serve.models import Conversation, aware
from theralab.serve.observe import Metrics
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
from theralab.serve.state import (
    AskedRecorder,
    ConversationState,
    capture,
    recorder_of,
    restore_counselor,
    restore_guard,
)
from theralab.serve.store import (
    Exchange,
    ExchangeWrite,
    SavedState,
    StaleState,
    StateWrite,
    Store,
    TurnRecord,
)

log = logging.getLogger("theralab.serve")

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


def stream_chunks(text: str, words: int = 4) -> list[str]:
    """The reply in small pieces for streaming (every piece but the last ends in a space)."""
    parts = text.split(" ")
    chunks = [" ".join(parts[i : i + words]) for i in range(0, len(parts), words)]
    return [c + " " for c in chunks[:-1]] + chunks[-1:]


V = TypeVar("V")


def _expired(expires_at: datetime | None) -> bool:
    return expires_at is not None and expires_at < datetime.now(UTC)


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
    """What the chat and practice services share: the server's settings, store, screener,
    models and state keys (both encrypt their saved state with them), and the sessions they
    hold in memory, bounded the same way (`LiveSessions`)."""

    def __init__(
        self,
        settings: ServeSettings,
        store: Store,
        screener: Screener,
        models: ModelPool,
        keys: StateKeys,
    ) -> None:
        self.settings = settings
        self.store = store
        self.screener = screener
        self.models = models
        self.keys = keys
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
    version: int = 0  # the saved state's version this copy matches (0: none saved)
    course_notes: SessionNotes | None = None
    expires_at: datetime | None = None  # when its saved state outlives the retention time
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def state(self) -> ConversationState:
        return capture(
            self.counselor,
            self.history,
            risk_peak=self.risk_peak,
            client_messages=self.client_messages,
            next_seq=self.next_seq,
            course_notes=self.course_notes,
        )


class ChatService(LiveService[LiveConversation]):
    def __init__(
        self,
        settings: ServeSettings,
        store: Store,
        screener: Screener,
        models: ModelPool,
        keys: StateKeys,
        metrics: Metrics | None = None,
    ) -> None:
        super().__init__(settings, store, screener, models, keys)
        self.metrics = metrics or Metrics()
        self.carry_screener = mem.CarryOverScreener(screener)
        self.counselor_turns = 0  # how often a counselor was asked to speak (tests watch it)
        self.rebuilt = 0  # conversations rebuilt from saved state (tests watch it)
        self.caught_up = 0  # copies brought up to date by replaying only the newer turns
        self.conflict_retries = 3  # a turn another worker overtook is computed again this often
        # Answered messages are group-committed (one transaction for the exchanges of many
        # requests), and the state versions a turn starts by reading are read together.
        self.writer: MicroBatcher[ExchangeWrite, None] = MicroBatcher(
            store.record_exchanges, shield=True
        )
        self.versions: MicroBatcher[str, int | None] = MicroBatcher(self._state_versions)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _turn_lock(self, conversation_id: str) -> asyncio.Lock:
        """This conversation's lock in this worker (kept while anybody holds or awaits it)."""
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    # --- saved state ------------------------------------------------------------------------

    def _state_write(self, live: LiveConversation) -> StateWrite:
        """The conversation's state, encrypted, to write with the turn (call in a thread)."""
        payload = self.keys.encrypt(live.state().model_dump_json().encode())
        expires = datetime.now(UTC) + timedelta(hours=self.settings.state_retention_hours)
        live.expires_at = expires
        return StateWrite(payload=payload, version=live.version, expires_at=expires)

    def _state_versions(self, conversation_ids: list[str]) -> list[int | BaseException | None]:
        """`Store.state_version` of each conversation (one thread hop for all of them)."""
        found: list[int | BaseException | None] = []
        for conversation_id in conversation_ids:
            try:
                found.append(self.store.state_version(conversation_id))
            except Exception as exc:
                found.append(exc)
        return found

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
        if model == SCRIPTED:
            inner = AskedRecorder(inner)  # what to replay when another worker continues it
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
        notes_kept = notes if course is not None else None
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
        live = LiveConversation(
            record=record,
            counselor=counselor,
            history=[Utterance(Speaker.COUNSELOR, greeting)],
            risk_peak=RiskLevel.NONE,
            client_messages=0,
            next_seq=1,
            course_notes=notes_kept,
        )

        def add() -> None:
            self.store.add_conversation(
                record, TurnRecord("counselor", greeting), self._state_write(live)
            )

        await anyio.to_thread.run_sync(add)
        live.version = 1
        self._keep(live)
        return ConversationCreated(
            conversation=ConversationOut.model_validate(record),
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
        """The conversation as this worker holds it, rebuilt from its saved state when this
        worker does not hold it or holds an older turn than the database (another worker
        answered since, or the server restarted)."""
        version = await self.versions.submit(conversation_id)
        live = self.live.get(conversation_id)
        current = live is not None and (
            live.version == version or (version is None and live.version == 0)
        )
        if live is not None and current and live.record.key_id == principal.key_id:
            if _expired(live.expires_at):  # the sweep has not reached it yet
                self.live.pop(conversation_id, None)
                await self._expire()
            self.live.touch(conversation_id)
            return live
        record = await self._record(principal, conversation_id)
        if record.status == "ended":
            self.live.pop(conversation_id, None)
            raise APIError(409, "conversation_ended", "this conversation has ended")
        saved = await anyio.to_thread.run_sync(self.store.saved_state, conversation_id)
        if saved is None:
            return await self._rebuild(record)
        behind = live if live is not None and live.record.key_id == principal.key_id else None
        return await self._restore(record, saved, behind)

    async def _expire(self) -> NoReturn:
        """End what outlived the retention time, and tell the caller this one ended."""
        await anyio.to_thread.run_sync(self.store.expire_states)
        raise APIError(
            409,
            "conversation_ended",
            f"this conversation ended after {self.settings.state_retention_hours:g} hours "
            "without a message",
        )

    async def _restore(
        self, record: Conversation, saved: SavedState, behind: LiveConversation | None = None
    ) -> LiveConversation:
        """Rebuild a conversation from its saved state: a model-backed counselor from its
        saved plan and stage (no model call), a scripted one by replaying to it what it was
        asked; the guardrail's memory from the saved screener and protocol state. A copy this
        worker holds that is only `behind` (another worker answered the last turns) catches up
        by replaying just those turns to its scripted counselor."""
        if _expired(aware(saved.expires_at)):
            await self._expire()
        try:
            raw = await anyio.to_thread.run_sync(self.keys.decrypt, saved.payload)
        except StateUnreadable:
            raise APIError(
                409,
                "conversation_state_lost",
                "this server cannot read the conversation's saved state (its state keys "
                "changed); please start a new conversation",
            ) from None
        state = ConversationState.model_validate_json(raw)
        history = state.utterances()
        if behind is not None and await self._catch_up(behind, state, history, saved.version):
            behind.expires_at = aware(saved.expires_at)
            return behind
        notes = state.course_notes
        course = (
            CourseContext(notes.session + 1, notes.session + 2, (notes,), welcomed=True)
            if notes is not None
            else None
        )
        counselor = self._counselor(
            record.modality, record.model, record.seed, record.locale, record.carried_risk, course
        )
        recorder = recorder_of(counselor.inner)
        if state.counselor is not None:
            restore_counselor(counselor, state.counselor)
        elif recorder is not None:
            await recorder.replay(history, state.asked)
        screener = self.carry_screener if record.carried_risk else self.screener
        restore_guard(counselor, state.guard, screener)
        live = LiveConversation(
            record=record,
            counselor=counselor,
            history=history,
            risk_peak=state.risk_peak,
            client_messages=state.client_messages,
            next_seq=state.next_seq,
            version=saved.version,
            course_notes=notes,
            expires_at=aware(saved.expires_at),
        )
        self.rebuilt += 1
        self.metrics.inc("theralab_conversations_restored_total")
        self._keep(live)
        return live

    async def _catch_up(
        self,
        live: LiveConversation,
        state: ConversationState,
        history: list[Utterance],
        version: int,
    ) -> bool:
        """Bring a copy that is behind up to `state` in place; False when it cannot (it is
        not a prefix of the saved conversation), and the caller rebuilds."""
        n = len(live.history)
        recorder = recorder_of(live.counselor.inner)
        if n > len(history) or live.history != history[:n]:
            return False
        if state.counselor is not None:
            restore_counselor(live.counselor, state.counselor)
        elif recorder is not None:
            done = len(recorder.asked)
            if recorder.asked != state.asked[:done]:
                return False
            await recorder.replay(history, state.asked[done:])
            recorder.asked = list(state.asked)
        else:
            return False
        screener = self.carry_screener if live.record.carried_risk else self.screener
        restore_guard(live.counselor, state.guard, screener)
        live.history = history
        live.risk_peak = state.risk_peak
        live.client_messages = state.client_messages
        live.next_seq = state.next_seq
        live.version = version
        self.caught_up += 1
        self.metrics.inc("theralab_conversations_restored_total")
        self.live.touch(live.record.id)
        return True

    async def _rebuild(self, record: Conversation) -> LiveConversation:
        """A conversation without saved state (started before states were kept): replay it
        when its text is stored."""
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
        """Answer one message. When another worker answered a message of this conversation
        while this one was being answered, the turn is computed again on the newer state (a
        few times), so both messages are answered in order; then 409 `conversation_busy`."""
        self.check_length(text, "message")
        for attempt in range(self.conflict_retries + 1):
            try:
                return await self._turn(principal, conversation_id, text)
            except StaleState:
                self.metrics.inc("theralab_conversation_conflicts_total")
                await anyio.sleep(0.005 * (attempt + 1) * (1 + secrets.randbelow(4)))
        raise APIError(
            409,
            "conversation_busy",
            "other messages in this conversation are being answered at the same time; "
            "send yours again",
        )

    async def _turn(self, principal: Principal, conversation_id: str, text: str) -> ReplyOut:
        # One turn at a time per conversation in this worker: the saved version is compared
        # and the turn written under the same lock (other workers: the version check).
        async with self._turn_lock(conversation_id):
            live = await self._live(principal, conversation_id)
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
            saved = live.version > 0
            exchange = Exchange(
                live.record,
                seq,
                (
                    TurnRecord("client", text, risk=level.value),
                    TurnRecord(
                        "counselor",
                        answer.text,
                        risk=level.value,
                        protocol=protocol,
                        guardrail=action,
                    ),
                ),
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
            try:
                await self.writer.submit(
                    (exchange, partial(self._state_write, live) if saved else None)
                )
            except StaleState:
                self.live.pop(conversation_id, None)  # this copy is behind: rebuild next time
                raise
            except BaseException:
                self.live.pop(conversation_id, None)  # not saved: never continue from it
                raise
            if saved:
                live.version += 1
        self.metrics.inc("theralab_guardrail_actions_total", action=action, level=level.value)
        reasons = guard.reasons if guard is not None else []
        if any(r.startswith("counselor_error:") for r in reasons):
            self.metrics.inc("theralab_model_errors_total", modality=live.record.modality)
        log.info(
            "message answered",
            extra={
                "event": "message",
                "conversation": conversation_id,
                "modality": live.record.modality,
                "risk": level.value,
                "protocol": protocol,
                "guardrail": action,
                "ms": round(1000 * (time.perf_counter() - started), 1),
            },
        )
        return ReplyOut(
            seq=seq + 1,
            reply=answer.text,
            risk=Risk(
                level=level.value,
                categories=list(guard.categories) if guard is not None else [],
                whose="other" if guard is not None and guard.whose == "other" else "own",
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
        with contextlib.suppress(APIError):  # its history and counselor, for the memory
            await self._live(principal, conversation_id)
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
        return EndOut(
            conversation=ConversationOut.model_validate(updated), memory_saved=summary is not None
        )

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
            items=[ConversationOut.model_validate(r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    async def detail(self, principal: Principal, conversation_id: str) -> ConversationDetail:
        record = await self._record(principal, conversation_id)
        messages = await anyio.to_thread.run_sync(self.store.messages, record.id)
        return ConversationDetail(
            conversation=ConversationOut.model_validate(record),
            messages=[MessageOut.model_validate(m) for m in messages],
        )

    async def export(self, principal: Principal, conversation_id: str) -> ConversationExport:
        record = await self._record(principal, conversation_id)
        messages = await anyio.to_thread.run_sync(self.store.messages, record.id)
        await anyio.to_thread.run_sync(
            partial(self.store.audit, "conversation.exported", principal.key_id, record.id)
        )
        return ConversationExport(
            conversation=ConversationOut.model_validate(record),
            text_stored=record.store_text,
            turns=[ExportTurn.model_validate(m) for m in messages],
        )
