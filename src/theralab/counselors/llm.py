"""Model-backed counselors: CBT (with a Cactus-style planner), MI (with per-turn inference of
the client's stage and a MISC strategy, CAMI-style), person-centred, ACT and PFA (with stage
control). A turn takes two structured calls (CAMI-style): first a small decision — the
strategy, the stage, whether to close — then the reply written to it; the CBT counselor also
asks for its plan once, on its first turn. A model too small to write a call's JSON still
counsels (the turn records `plan_failed` / `decision_failed`). In a course the counselor's
notes from earlier sessions go into the system prompt."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from theralab.agents import CourseContext, Reply, Utterance
from theralab.counselors.planning import write_cbt_plan
from theralab.dialogue.records import AgentSpec, Annotations, Speaker
from theralab.errors import UnknownName
from theralab.model.errors import ErrorKind, ModelError
from theralab.model.model import Model
from theralab.model.types import ChatMessage, GenerateConfig, ModelOutput
from theralab.prompts import render, version
from theralab.safety.conditions import CLINICAL_SAFETY_PROMPT


@dataclass(frozen=True)
class Modality:
    name: str
    title: str
    brief: str
    strategies: tuple[str, ...]
    stages: tuple[str, ...] = ()
    infers_client_stage: bool = False


MODALITIES: dict[str, Modality] = {
    "cbt": Modality(
        "cbt",
        "cognitive behavioural therapy (CBT)",
        "Set a focus, explore a recent situation, elicit the automatic thought, examine it "
        "with your planned technique, help the client reach a balanced alternative, agree "
        "homework and summarise.",
        (
            "reflection",
            "socratic_question",
            "psychoeducation",
            "examine_thought",
            "alternative_thought",
            "homework",
            "summary",
            "close",
        ),
        ("agenda", "explore", "elicit_thought", "examine", "alternative", "action_plan", "close"),
    ),
    "mi": Modality(
        "mi",
        "motivational interviewing (MI)",
        "Engage, agree a focus, evoke the client's own reasons for change and plan only when "
        "they are ready. Reflect more than you ask; reflect change talk; meet sustain talk "
        "with double-sided reflections and autonomy support; advise only with permission.",
        (
            "open_question",
            "closed_question",
            "simple_reflection",
            "complex_reflection",
            "affirm",
            "seek_collaboration",
            "emphasize_autonomy",
            "give_information",
            "advise_with_permission",
            "structure",
            "support",
        ),
        ("engage", "focus", "evoke", "plan", "close"),
        infers_client_stage=True,
    ),
    "person_centred": Modality(
        "person_centred",
        "person-centred",
        "Offer empathy, unconditional positive regard and genuineness; follow the client, "
        "reflect feelings and meanings, and give no advice.",
        ("reflect_feeling", "reflect_meaning", "open_question", "affirm", "summary", "close"),
    ),
    "act": Modality(
        "act",
        "acceptance and commitment therapy (ACT)",
        "Help the client make room for difficult thoughts and feelings, notice thoughts as "
        "thoughts, connect with the present and with their values, and choose a small "
        "committed action.",
        (
            "acceptance",
            "defusion",
            "present_moment",
            "self_as_context",
            "values",
            "committed_action",
            "reflection",
            "close",
        ),
        ("open_up", "be_present", "do_what_matters", "close"),
    ),
    "pfa": Modality(
        "pfa",
        "psychological first aid (PFA, PM+ style)",
        "Look (check safety and urgent needs), listen (let the client tell what happened, "
        "without pressing for detail), link (practical needs, their supports and services).",
        (
            "safety_check",
            "listen_reflect",
            "practical_needs",
            "connect_support",
            "psychoeducation",
            "close",
        ),
        ("look", "listen", "link", "close"),
    ),
    # Multi-agent: turns are made by `theralab.counselors.magnet.llm.MagnetLLMCounselor`.
    "magnet": Modality(
        "magnet",
        "MAGneT multi-agent CBT",
        "A technique agent picks one to three of reflection, questioning, solutions, "
        "normalising and psycho-education; specialised agents draft those parts and a "
        "response agent merges them into one reply.",
        ("reflection", "normalising", "psychoeducation", "solutions", "questioning", "close"),
        ("engage", "explore", "work", "plan", "close"),
    ),
}
# Modalities whose turns take several model calls, served by their own class.
MULTI_AGENT = frozenset({"magnet"})
CLIENT_STAGES = ("precontemplation", "contemplation", "preparation")


def turn_schema(modality: Modality) -> dict[str, Any]:
    props: dict[str, Any] = {
        "strategy": {"enum": list(modality.strategies)},
        "end_session": {"type": "boolean"},
    }
    required = ["strategy", "end_session"]
    if modality.stages:
        props["stage"] = {"enum": list(modality.stages)}
        required.append("stage")
    if modality.infers_client_stage:
        props["client_stage"] = {"enum": list(CLIENT_STAGES)}
        required.insert(0, "client_stage")
    return {"type": "object", "properties": props, "required": required}


class LLMCounselor:
    """A counselor agent on a model. One instance per session.

    Build model-backed counselors by modality name with `counselors.model_backed.
    llm_counselor`, which gives the multi-agent modalities (MAGneT) their own class.
    """

    def __init__(
        self,
        modality: str,
        model: Model,
        seed: int,
        max_exchanges: int = 14,
        temperature: float = 0.7,
        max_tokens: int = 150,
        label: str | None = None,
    ) -> None:
        if modality not in MODALITIES:
            raise UnknownName(
                f"no model-backed counselor {modality!r}; choose from: {', '.join(MODALITIES)}"
            )
        if modality in MULTI_AGENT and type(self) is LLMCounselor:
            raise TypeError(
                f"{modality} is a multi-agent counselor: build it with "
                "theralab.counselors.model_backed.llm_counselor"
            )
        self.modality = MODALITIES[modality]
        self.model = model
        self.seed = seed
        self.max_exchanges = max_exchanges
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.label = label or modality
        self.stage_index = 0
        self.min_turns = max(2, max_exchanges // 2)
        self.plan: str | None = None
        self.technique: str | None = None
        self.turn = 0
        self.course: CourseContext | None = None
        self._fresh_state()

    def _fresh_state(self) -> None:
        """Where a subclass sets up state of its own (called at the end of `__init__`)."""

    def begin_course(self, course: CourseContext) -> None:
        """A session of a course: the notes from earlier sessions go into the prompt."""
        self.course = course if course.of > 1 else None

    @property
    def course_phase(self) -> str | None:
        if self.course is None:
            return None
        return "first" if self.course.first else "last" if self.course.last else "middle"

    @property
    def spec(self) -> AgentSpec:
        return AgentSpec(
            name=self.label,
            engine=self.model.spec,
            params={"seed": self.seed, "prompt_version": version("counselor")},
        )

    def _controlled_stage(self, proposed: str | None, closing: bool) -> str | None:
        """Stage control: stages move forward one at a time (the model may propose to stay or
        advance, never to go back or skip ahead); the last stage only when closing."""
        stages = self.modality.stages
        if not stages:
            return None
        if closing:
            self.stage_index = len(stages) - 1
            return stages[-1]
        wanted = _stage_index(self.modality, proposed)
        if wanted > self.stage_index and self.stage_index + 1 < len(stages) - 1:
            self.stage_index += 1
        return stages[self.stage_index]

    async def respond(self, history: Sequence[Utterance]) -> Reply:
        self.turn += 1
        notes: dict[str, Any] = {}
        client_turns = [u.text for u in history if u.speaker is Speaker.CLIENT]
        if self.modality.name == "cbt" and self.plan is None and client_turns:
            planned = await write_cbt_plan(self._generate, client_turns[0], self.seed, notes)
            self.plan = planned.plan if planned else ""
            if planned:
                self.technique = planned.technique
                notes["plan"] = planned.text
        system = render(
            "counselor",
            modality_name=self.modality.title,
            modality_brief=self.modality.brief,
            plan=notes.get("plan", self.plan) or None,
            strategies=self.modality.strategies,
            stages=self.modality.stages,
            max_exchanges=self.max_exchanges,
        )
        system = f"{system.rstrip()}\n\n{CLINICAL_SAFETY_PROMPT}{course_prompt(self.course)}"
        messages = [ChatMessage(role="system", content=system)]
        for u in history:
            role = "assistant" if u.speaker is Speaker.COUNSELOR else "user"
            messages.append(ChatMessage(role=role, content=u.text))
        if not history:
            messages.append(ChatMessage(role="user", content="(The client has just sat down.)"))
        # Step 1 (CAMI-style): infer the client's state and choose a strategy and stage, as a
        # small constrained answer that even a tiny model gets right.
        decision = await self._decide(messages)
        answer = decision.parsed if decision is not None else None
        if answer is None:
            # The decision could not be parsed even after its repair: carry on with the
            # modality's first strategy and the controlled stage; the turn records it.
            answer = {"strategy": self.modality.strategies[0]}
            notes["decision_failed"] = True
        # The model may close from half the planned length on; at the planned length it closes.
        closing = (bool(answer.get("end_session")) and self.turn >= self.min_turns) or (
            self.turn >= self.max_exchanges
        )
        # Step 2: the reply itself, in plain text, carrying out that strategy.
        stage = self._controlled_stage(answer.get("stage"), closing)
        instruction = (
            f"(Reply to the client now in one to three sentences, using the strategy "
            f"'{answer['strategy']}'"
            + (f" in the '{stage}' stage" if stage else "")
            + ("; this is your closing turn: summarise briefly and say goodbye" if closing else "")
            + ". Write only what you say to the client.)"
        )
        out = await self._generate(
            [*messages, ChatMessage(role="user", content=instruction)],
            GenerateConfig(
                seed=self.seed + self.turn, temperature=self.temperature, max_tokens=self.max_tokens
            ),
        )
        text = _clean(out.text)
        if not text:
            raise ValueError("the model returned an empty counselor reply")
        if self.technique:
            notes["technique"] = self.technique
        if "client_stage" in answer:
            notes["inferred_client_stage"] = answer["client_stage"]
        decided = decision.usage if decision is not None else None
        notes["usage"] = {
            "input_tokens": (decided.input_tokens if decided else 0) + out.usage.input_tokens,
            "output_tokens": (decided.output_tokens if decided else 0) + out.usage.output_tokens,
        }
        annotations = Annotations(
            stage=stage or self.modality.name, strategy=answer["strategy"], **notes
        )
        if closing:
            annotations.action = "close"
        return Reply(text=text, annotations=annotations)

    async def _decide(self, messages: list[ChatMessage]) -> ModelOutput | None:
        """Step 1 (CAMI-style): infer the client's state and choose a strategy and stage, as a
        small constrained answer; None when it never parsed (other failures propagate)."""
        found = await self._choose(
            [
                *messages,
                ChatMessage(
                    role="user",
                    content=(
                        "(Before you answer: choose your strategy"
                        + (", your stage" if self.modality.stages else "")
                        + (
                            ", the client's stage of change"
                            if self.modality.infers_client_stage
                            else ""
                        )
                        + " and whether this is your closing turn.)"
                    ),
                ),
            ],
            turn_schema(self.modality),
            "decision",
            max_tokens=80,
        )
        return None if isinstance(found, ModelError) else found

    async def _generate(self, messages: list[ChatMessage], config: GenerateConfig) -> ModelOutput:
        """Every call this counselor makes goes through here (a subclass counts them)."""
        return await self.model.generate(messages, config)

    async def _choose(
        self, messages: list[ChatMessage], schema: dict[str, Any], name: str, *, max_tokens: int
    ) -> ModelOutput | ModelError:
        """A small constrained choice (temperature 0.3, seeded by turn): the answer, or the
        error when the model never produced one that parses (other failures propagate)."""
        try:
            return await self._generate(
                messages,
                GenerateConfig(
                    json_schema=schema,
                    schema_name=name,
                    seed=self.seed + self.turn,
                    temperature=0.3,
                    max_tokens=max_tokens,
                ),
            )
        except ModelError as exc:
            if exc.kind is not ErrorKind.UNPARSEABLE:
                raise
            return exc


def course_prompt(course: CourseContext | None) -> str:
    """The prompt's course part: which session this is and the counselor's notes so far
    (empty outside a course). Starts with a blank line so it can be appended."""
    if course is None:
        return ""
    lines = [f"\n\nThis is session {course.index} of {course.of} with this client."]
    if course.notes:
        lines.append("Your notes from earlier sessions:")
        lines.extend(f"- {n.render()}" for n in course.notes)
        if course.notes[-1].unsafe:
            lines.append(
                "The last session reached a risk to the client's safety. Open by welcoming "
                "them back and asking directly, before anything else, whether they have had "
                "any thoughts of ending their life or harming themselves since you last met; "
                "come back to the homework only once that is answered."
            )
        else:
            lines.append(
                "Open by welcoming them back and briefly reviewing the last session and how "
                "the homework went; build on what was done, do not start over."
            )
    if course.last:
        lines.append(
            "This is the last session: review what has helped, the early signs of a "
            "setback and what they will do then."
        )
    return "\n".join(lines)


def _stage_index(modality: Modality, stage: str | None) -> int:
    return modality.stages.index(stage) if stage in modality.stages else -1


def _clean(text: str) -> str:
    """The reply as the client should see it: no quotes, role labels or trailing fragments."""
    t = text.strip().strip('"').strip()
    for label in ("Counselor:", "Counsellor:", "Therapist:", "Assistant:"):
        if t.startswith(label):
            t = t[len(label) :].strip()
    return t.split("\nClient:")[0].split("\nUser:")[0].strip()
