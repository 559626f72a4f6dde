"""A model-backed simulated client: the profile's cognitive model, style, attitude, stage and
risk in a versioned prompt; one structured call a turn (`reply`, `end_session`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from theralab.agents import Reply, Utterance
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig
from theralab.profiles.model import ClientProfile, Style
from theralab.prompts import render, version

STYLE_HINTS = {
    Style.PLAIN: "say things simply and directly",
    Style.UPSET: "you are frustrated and a little defensive; show it",
    Style.VERBOSE: "you say a lot, with details and asides",
    Style.RESERVED: "you give short answers and hold back until you trust the counselor",
    Style.TANGENT: "you drift into side stories before coming back",
    Style.PLEASING: "you agree readily and play your problems down",
}
CLIENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "reply": {"type": "string", "minLength": 1, "maxLength": 600},
        "end_session": {"type": "boolean"},
    },
    "required": ["reply", "end_session"],
}


class LLMClient:
    def __init__(
        self,
        profile: ClientProfile,
        model: Model,
        seed: int,
        temperature: float = 0.8,
        max_tokens: int = 200,
    ) -> None:
        self.profile = profile
        self.model = model
        self.seed = seed
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.turn = 0
        self.system = render("client", p=profile, style_hint=STYLE_HINTS[profile.style])

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(
            name="llm-client",
            engine=self.model.spec,
            params={
                "profile": self.profile.id,
                "seed": self.seed,
                "prompt_version": version("client"),
            },
        )

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turn += 1
        messages = [ChatMessage(role="system", content=self.system)]
        for u in history:
            role = "assistant" if u.speaker is Speaker.CLIENT else "user"
            messages.append(ChatMessage(role=role, content=u.text))
        out = await self.model.generate(
            messages,
            GenerateConfig(
                json_schema=CLIENT_SCHEMA,
                schema_name="client_turn",
                seed=self.seed + self.turn,
                temperature=self.temperature,
                max_tokens=self.max_tokens,
            ),
        )
        answer = out.parsed or {}
        ends = bool(answer.get("end_session"))
        annotations = Annotations(action="end" if ends else "speak", usage=out.usage.model_dump())  # type: ignore[call-arg]
        return Reply(text=answer["reply"].strip(), annotations=annotations, ends_session=ends)
