"""The model-backed MAGneT counselor (`llm:magnet`).

Per turn: one structured call to the technique agent (1–3 techniques from the fixed set, a
one-line rationale, the stage and whether to close), one call per selected response agent
(each with its own versioned prompt template) and one call to the response agent that merges
their drafts. On the client's first turn a CBT agent writes the session plan (the CBT
planner of the CBT counselor). Stage control is the one every model-backed counselor uses.

Failures degrade, and the turn records how: an unparseable selection falls back to
reflection + questioning; an agent that fails or returns nothing is left out; a merge that
fails is replaced by the scripted merger over the drafts. Transport errors on the selection
(the model is unreachable) propagate, so the guardrail answers with its safe reply.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from theralab.agents import Reply, Utterance
from theralab.coding.rules import RuleCoder
from theralab.counselors.llm import LLMCounselor, _clean, course_prompt
from theralab.counselors.magnet.agents import Candidate
from theralab.counselors.magnet.merge import MAX_SENTENCES, merge
from theralab.counselors.magnet.selector import (
    MAGNET_TECHNIQUES,
    MAX_TECHNIQUES,
    QUESTIONING,
    REFLECTION,
    SOLUTIONS,
    TECHNIQUE_BRIEFS,
    order,
)
from theralab.counselors.planning import write_cbt_plan
from theralab.counselors.techniques import TECHNIQUES
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput, Usage
from theralab.prompts import render, version
from theralab.safety.conditions import CLINICAL_SAFETY_PROMPT

FALLBACK_TECHNIQUES: tuple[str, ...] = (REFLECTION, QUESTIONING)
TEMPLATES = (
    "magnet_system",
    "magnet_selector",
    *(f"magnet_{t}" for t in MAGNET_TECHNIQUES),
    "magnet_merge",
    "cbt_planner",
)
_CODER = RuleCoder()


def selection_schema(stages: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "techniques": {
                "type": "array",
                "items": {"enum": list(MAGNET_TECHNIQUES)},
                "minItems": 1,
                "maxItems": MAX_TECHNIQUES,
                "uniqueItems": True,
            },
            "rationale": {"type": "string", "minLength": 1, "maxLength": 300},
            "stage": {"enum": list(stages)},
            "end_session": {"type": "boolean"},
        },
        "required": ["techniques", "rationale", "stage", "end_session"],
    }


class MagnetLLMCounselor(LLMCounselor):
    """MAGneT on a model: technique agent → response agents → response (merge) agent."""

    def _fresh_state(self) -> None:
        self.permission_asked = False
        self._usage = Usage()
        self._calls = 0

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(
            name=self.label,
            engine=self.model.spec,
            params={
                "seed": self.seed,
                "architecture": "magnet",
                "prompt_versions": {name: version(name) for name in TEMPLATES},
            },
        )

    # --- one model call ---------------------------------------------------------------------

    async def _generate(self, messages: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
        self._calls += 1  # calls made, failed ones included
        out = await self.model.generate(messages, config)
        self._usage.input_tokens += out.usage.input_tokens
        self._usage.output_tokens += out.usage.output_tokens
        return out

    def _messages(self, history: Sequence[Utterance], stage: str) -> list[ChatMessage]:
        system = render("magnet_system", plan=self.plan, stages=self.modality.stages, stage=stage)
        system = f"{system.rstrip()}\n\n{CLINICAL_SAFETY_PROMPT}{course_prompt(self.course)}"
        messages = [ChatMessage(role="system", content=system)]
        for u in history:
            role = "assistant" if u.speaker is Speaker.COUNSELOR else "user"
            messages.append(ChatMessage(role=role, content=u.text))
        return messages

    def _text_config(self, offset: int = 0) -> GenerateConfig:
        return GenerateConfig(
            seed=self.seed + self.turn * 10 + offset,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )

    # --- the turn ---------------------------------------------------------------------------

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turn += 1
        self._usage, self._calls = Usage(), 0
        notes: dict[str, Any] = {}
        client_turns = [u.text for u in history if u.speaker is Speaker.CLIENT]
        if not client_turns:
            stage = self.modality.stages[self.stage_index]
            text = await self._merge_call(history, stage, "open", [])
            return self._reply(text, stage, "magnet:greeting", (), notes, closing=False)
        if self.plan is None:
            await self._plan(client_turns[0], notes)

        current = self.modality.stages[self.stage_index]
        techniques, answer = await self._select(history, current, notes)
        closing = (bool(answer.get("end_session")) and self.turn >= self.min_turns) or (
            self.turn >= self.max_exchanges
        )
        stage = self._controlled_stage(answer.get("stage"), closing) or current
        if closing:
            text = await self._merge_call(history, stage, "close", [])
            return self._reply(text, stage, "magnet:close", (), notes, closing=True)

        drafts = await asyncio.gather(
            *(
                self._agent(t, history, stage, answer.get("rationale", ""), notes)
                for t in techniques
            )
        )
        candidates = [c for c in drafts if c is not None]
        if not candidates:
            raise ValueError("every MAGneT response agent failed or returned nothing")
        if any(c.technique == SOLUTIONS for c in candidates):
            self.permission_asked = True
        used = order([c.technique for c in candidates])
        notes["candidates"] = {c.technique: c.parts[0][0] for c in candidates}
        text = await self._merge_or_fallback(history, stage, candidates, notes)
        return self._reply(text, stage, "magnet:" + "+".join(used), used, notes, closing=False)

    async def _plan(self, first_turn: str, notes: dict[str, Any]) -> None:
        """MAGneT's CBT agent: a technique and a plan from the client's first words."""
        planned = await write_cbt_plan(self._generate, first_turn, self.seed, notes)
        self.plan = planned.text if planned else ""  # "" = planned without success: not again
        if planned:
            self.technique = planned.technique
            notes["plan"] = self.plan

    async def _select(
        self, history: Sequence[Utterance], stage: str, notes: dict[str, Any]
    ) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The technique agent: one structured call; unparseable → reflection + questioning."""
        instruction = render(
            "magnet_selector",
            techniques=TECHNIQUE_BRIEFS,
            stages=self.modality.stages,
            max_exchanges=self.max_exchanges,
            turn=self.turn,
        )
        out = await self._choose(
            [*self._messages(history, stage), ChatMessage(role="user", content=instruction)],
            selection_schema(self.modality.stages),
            "selection",
            max_tokens=120,
        )
        if isinstance(out, ModelError):
            notes["selection"] = "fallback"
            notes["selection_error"] = str(out)
            notes["rationale"] = "selection unparseable: reflection and questioning by default"
            return FALLBACK_TECHNIQUES, {}
        answer = out.parsed or {}
        techniques = order(answer.get("techniques") or FALLBACK_TECHNIQUES)[:MAX_TECHNIQUES]
        notes["selection"] = "model"
        notes["rationale"] = str(answer.get("rationale", ""))
        return techniques, answer

    async def _agent(
        self,
        technique: str,
        history: Sequence[Utterance],
        stage: str,
        rationale: str,
        notes: dict[str, Any],
    ) -> Candidate | None:
        """One response agent, one call; a failure or an empty draft leaves it out."""
        homework = next((t.homework for t in TECHNIQUES if t.name == self.technique), None)
        instruction = render(
            f"magnet_{technique}",
            rationale=rationale or "(none given)",
            stage=stage,
            technique=self.technique,
            permission=self.permission_asked,
            homework=homework,
        )
        offset = 1 + MAGNET_TECHNIQUES.index(technique)
        try:
            out = await self._generate(
                [*self._messages(history, stage), ChatMessage(role="user", content=instruction)],
                self._text_config(offset),
            )
        except ModelError as exc:
            if exc.kind is ErrorKind.COST_LIMIT:
                raise
            empty = exc.kind is ErrorKind.EMPTY  # asked again with new seeds: still nothing
            notes.setdefault("agent_errors", {})[technique] = "empty draft" if empty else str(exc)
            return None
        text = _clean(out.text)
        if not text:
            notes.setdefault("agent_errors", {})[technique] = "empty draft"
            return None
        return Candidate(technique, [(text, _CODER.code_counselor(text).primary)])

    async def _merge_call(
        self, history: Sequence[Utterance], stage: str, mode: str, candidates: list[Candidate]
    ) -> str:
        instruction = render(
            "magnet_merge",
            mode=mode,
            candidates=[{"technique": c.technique, "text": c.parts[0][0]} for c in candidates],
            max_sentences=MAX_SENTENCES,
        )
        out = await self._generate(
            [*self._messages(history, stage), ChatMessage(role="user", content=instruction)],
            self._text_config(),
        )
        text = _clean(out.text)
        if not text:
            raise ValueError("the model returned an empty counselor reply")
        return text

    async def _merge_or_fallback(
        self,
        history: Sequence[Utterance],
        stage: str,
        candidates: list[Candidate],
        notes: dict[str, Any],
    ) -> str:
        """The response agent; if it fails, the scripted merger joins the drafts."""
        try:
            return await self._merge_call(history, stage, "turn", candidates)
        except (ModelError, ValueError) as exc:
            if isinstance(exc, ModelError) and exc.kind is ErrorKind.COST_LIMIT:
                raise
            notes["merge"] = "fallback"
            notes["merge_error"] = str(exc)
            coded = [
                Candidate(
                    c.technique,
                    [(s.text, s.code) for s in _CODER.code_counselor(c.parts[0][0]).sentences],
                )
                for c in candidates
            ]
            return merge(coded).draft.text

    def _reply(
        self,
        text: str,
        stage: str,
        strategy: str,
        techniques: Sequence[str],
        notes: dict[str, Any],
        closing: bool,
    ) -> Reply:
        if self.technique:
            notes["technique"] = self.technique
        if techniques:
            notes["techniques"] = list(techniques)
        notes["calls"] = self._calls
        notes["usage"] = {
            "input_tokens": self._usage.input_tokens,
            "output_tokens": self._usage.output_tokens,
        }
        # The reply's acts, coded from its text the way the evaluation codes any transcript.
        annotations = Annotations(
            codes=_CODER.code_counselor(text).codes,
            stage=stage,
            strategy=strategy,
            codes_by=_CODER.name,
            **notes,
        )
        if closing:
            annotations.action = "close"
        return Reply(text=text, annotations=annotations)
