"""The one place a counselor name becomes an agent, guarded or not.

A counselor spec is one of:

- a built-in modality (`cbt`, `mi`, `person_centred`, `directive`, `magnet`, aliases such as
  `pc`): the scripted counselor — or, when a model is bound to the `counselor` role and the
  line-up names no `llm:` counselor, that modality on the model (the negative control
  `directive` is always scripted);
- `llm:<modality>` (`llm:cbt`, `llm:act`, …): the modality on the `counselor` role's model;
- `ext:PATH.yaml`: an external bot (`theralab.counselors.external`), evaluated raw, as
  deployed; `ext:PATH.yaml+guardrail` is the same bot behind TheraLab's guardrail.

`parse_counselor` reads a spec into a `CounselorSpec` record; a `CounselorRegistry` (one per
run or command) builds the agents, puts built-in counselors behind the guardrail unless it
was turned off, external ones only when their spec says so, and owns the external bots'
model wrappers. Used by run, simulate, redteam, reply, synth and serve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from theralab.agents import Agent
from theralab.counselors import (
    MODEL_ONLY,
    MODEL_PREFIX,
    NEGATIVE_CONTROLS,
    make_counselor,
    resolve_counselor,
)
from theralab.counselors.external import EXT_PREFIX, ExternalBot, load_external
from theralab.errors import InputError, UnknownName
from theralab.model.model import Model

if TYPE_CHECKING:
    from theralab.model.cache import ResponseCache
    from theralab.model.roles import ModelRoles
    from theralab.model.usage import UsageTracker
    from theralab.safety.screener import Screener

GUARD_SUFFIX = "+guardrail"
Kind = Literal["builtin", "model", "external"]
Engine = Literal["scripted", "model", "external"]


@dataclass(frozen=True)
class CounselorSpec:
    """A parsed counselor spec.

    `name` is the canonical text configs record and plans carry; `key` names the counselor's
    sessions and seeds (for an external bot, its label, so moving the file changes nothing);
    `label` is what reports show.
    """

    name: str
    kind: Kind  # builtin: a modality by name; model: llm:<modality>; external: ext:…
    modality: str | None = None
    bot: ExternalBot | None = None
    guarded: bool | None = None  # external only: True for `+guardrail`; None = the run's rule

    @property
    def label(self) -> str:
        if self.bot is not None:
            return self.bot.label + (GUARD_SUFFIX if self.guarded else "")
        return self.name

    @property
    def key(self) -> str:
        return EXT_PREFIX + self.label if self.bot is not None else self.name

    @property
    def external(self) -> bool:
        return self.kind == "external"

    def endpoint(self) -> str | None:
        return self.bot.endpoint() if self.bot is not None else None

    def with_guardrail(self) -> CounselorSpec:
        """The guarded version of an external bot (built-in counselors are already)."""
        if self.bot is None or self.guarded:
            return self
        return parse_counselor(self.name + GUARD_SUFFIX)


def parse_counselor(text: str) -> CounselorSpec:
    """Read a counselor spec; an unknown name or a bad external file is an error here."""
    raw = text.strip()
    if raw[: len(EXT_PREFIX)].lower() == EXT_PREFIX:
        path = raw[len(EXT_PREFIX) :]
        guarded = path.endswith(GUARD_SUFFIX)
        path = path.removesuffix(GUARD_SUFFIX)
        if not path:
            raise UnknownName("ext: needs a YAML file: ext:PATH.yaml")
        bot = load_external(path)
        return CounselorSpec(
            name=EXT_PREFIX + path + (GUARD_SUFFIX if guarded else ""),
            kind="external",
            bot=bot,
            guarded=guarded,
        )
    name = resolve_counselor(raw)
    modality = name.removeprefix(MODEL_PREFIX)
    model = name.startswith(MODEL_PREFIX) or modality in MODEL_ONLY
    return CounselorSpec(name=name, kind="model" if model else "builtin", modality=modality)


def expand_guardrail(names: Sequence[str]) -> list[str]:
    """`--guardrail`: every external bot in the line-up also runs guarded, right after itself,
    so the report shows what the guardrail adds."""
    out: list[str] = []
    for name in names:
        out.append(name)
        spec = parse_counselor(name)
        if spec.external and not spec.guarded:
            guarded = spec.with_guardrail().name
            if guarded not in names:
                out.append(guarded)
    return out


ModelSource = Callable[[], Model]
ScriptedMaker = Callable[[str, int], Agent]


class CounselorRegistry:
    """Builds the counselors of one run or command.

    `lineup` is every counselor the run has (it decides whether plain modality names go to a
    bound counselor model: only when no `llm:` name is in it); `counselor_model` gives the
    `counselor` role's model when one is bound; `guardrail` puts built-in counselors behind
    the guardrail (external bots only when their spec ends in `+guardrail`); `scripted` makes
    scripted counselors (tests swap it).
    """

    def __init__(
        self,
        lineup: Sequence[str] = (),
        *,
        counselor_model: ModelSource | None = None,
        guardrail: bool = True,
        screener: Screener | None = None,
        screener_factory: Callable[[], Screener] | None = None,
        locale: str | None = None,
        scripted: ScriptedMaker = make_counselor,
        external_model: Callable[[ExternalBot], Model] | None = None,
        counselor_endpoint: str | None = None,
    ) -> None:
        self.specs = {name: parse_counselor(name) for name in lineup}
        self.counselor_model = counselor_model
        self.guardrail = guardrail
        self._screener = screener
        self._screener_factory = screener_factory
        self.locale = locale
        self.scripted = scripted
        self._external_model = external_model
        self.counselor_endpoint = counselor_endpoint
        self._models: dict[str, Model] = {}
        self._owned: dict[str, Model] = {}
        self.only_prefixed = any(s.name.startswith(MODEL_PREFIX) for s in self.specs.values())
        labels: dict[str, str] = {}
        for spec in self.specs.values():
            other = labels.setdefault(spec.label, spec.name)
            if other != spec.name:
                raise InputError(
                    f"two counselors share the label {spec.label!r} ({other} and {spec.name}); "
                    "give the external bot another `name:`",
                    source=spec.bot.source if spec.bot else None,
                    field="name" if spec.bot else None,
                )

    def spec(self, name: str) -> CounselorSpec:
        found = self.specs.get(name)
        if found is None:
            found = self.specs[name] = parse_counselor(name)
        return found

    def engine(self, name: str) -> Engine:
        """Where a counselor runs: scripted, on the counselor model, or an external bot."""
        spec = self.spec(name)
        if spec.external:
            return "external"
        if self.counselor_model is None or spec.name in NEGATIVE_CONTROLS:
            return "model" if spec.kind == "model" else "scripted"
        if spec.kind == "model":
            return "model"
        return "scripted" if self.only_prefixed else "model"

    def guarded(self, name: str) -> bool:
        spec = self.spec(name)
        return bool(spec.guarded) if spec.external else self.guardrail

    def endpoint(self, name: str) -> str:
        """Where the counselor's replies come from, for messages about failures."""
        spec = self.spec(name)
        if spec.external:
            return spec.endpoint() or spec.name
        if self.engine(name) == "model":
            return self.counselor_endpoint or "the counselor model"
        return "scripted"

    def inner(self, name: str, seed: int) -> Agent:
        """The counselor itself, without the guardrail."""
        spec = self.spec(name)
        engine = self.engine(name)
        if engine == "external":
            from theralab.counselors.external import ExternalCounselor

            assert spec.bot is not None
            return ExternalCounselor(spec.bot, self.external_model(spec.bot), seed, spec.label)
        if engine == "model":
            from theralab.counselors.model_backed import llm_counselor

            if self.counselor_model is None:
                raise UnknownName(
                    f"the {spec.name} counselor is model-backed only: bind a model with "
                    f"--model-role counselor=<spec>"
                )
            label = spec.name
            return llm_counselor(
                spec.modality or spec.name, self.counselor_model(), seed, label=label
            )
        return self.scripted(spec.name, seed)

    def agent(self, name: str, seed: int) -> Agent:
        """The counselor for one session, behind the guardrail when it should be."""
        inner = self.inner(name, seed)
        if not self.guarded(name):
            return inner
        from theralab.safety.guardrail import guard

        return guard(inner, screener=self.screener(), locale=self.locale)

    def screener(self) -> Screener:
        if self._screener is None:
            if self._screener_factory is not None:
                self._screener = self._screener_factory()
            else:
                from theralab.safety.screener import default_screener

                self._screener = default_screener()
        return self._screener

    def external_model(self, bot: ExternalBot) -> Model:
        """One `Model` per external bot per registry: its retries, timeout, concurrency."""
        key = bot.source
        if key not in self._models:
            if self._external_model is not None:
                self._models[key] = self._external_model(bot)  # the caller closes it
            else:
                self._models[key] = self._owned[key] = external_model(bot)
        return self._models[key]

    async def aclose(self) -> None:
        """Close the external bots' connections this registry opened itself."""
        for model in self._owned.values():
            await model.aclose()
        self._owned.clear()
        self._models.clear()


def external_model(
    bot: ExternalBot,
    *,
    usage: UsageTracker | None = None,
    cache: ResponseCache | None = None,
    max_connections: int = 8,
    max_retries: int = 6,
    timeout: float = 120.0,
) -> Model:
    """The `Model` wrapper around an external bot; its own file's settings win."""
    from theralab.counselors.external import external_api

    config = bot.config
    return Model(
        external_api(bot),
        spec=f"ext:{bot.label}",
        role=f"ext:{bot.label}",
        max_connections=config.max_connections or max_connections,
        max_retries=config.max_retries if config.max_retries is not None else max_retries,
        timeout=config.timeout or timeout,
        cache=cache if config.cache else None,
        usage=usage,
    )


def roles_external(roles: ModelRoles) -> Callable[[ExternalBot], Model]:
    """External bots on a run's models: they share its usage tracker (role `ext:<label>`),
    cache, retry and connection settings, and close with it."""

    def make(bot: ExternalBot) -> Model:
        return roles.wrap(
            f"ext:{bot.label}",
            lambda **kw: external_model(bot, **kw),
            cached=bot.config.cache,
        )

    return make


def counselor_label(name: str) -> str:
    return parse_counselor(name).label


def is_external(name: str) -> bool:
    return name.strip()[: len(EXT_PREFIX)].lower() == EXT_PREFIX


__all__ = [
    "GUARD_SUFFIX",
    "CounselorRegistry",
    "CounselorSpec",
    "counselor_label",
    "expand_guardrail",
    "external_model",
    "is_external",
    "parse_counselor",
    "roles_external",
]
