"""What defines a synthetic dataset: recipe, counselors, quotas, filters, models, seed.

The dataset folder is named by a hash of everything that changes its content. The number of
rows is not part of it: rows are pure functions of (configuration, index), so asking for more
rows later extends the same dataset instead of starting another.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from theralab.errors import read_json_model
from theralab.version import __version__

CONFIG_FILE = "synth.json"


class SynthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipe: Literal["cactus", "expand", "from-notes"] = "cactus"
    source: str | None = Field(
        default=None, description="Input JSONL for expand (question/answer) or from-notes (notes)."
    )
    n: int = Field(ge=1)
    counselors: list[str] = Field(min_length=1)
    seed: int = 0
    quotas: list[str] = Field(default_factory=list)
    filters: list[str] = Field(default_factory=list)
    profiles: Literal["compose", "library", "llm"] = "compose"
    with_risk: bool = Field(
        default=False, description="Include at-risk library clients (routed to their own split)."
    )
    max_turns: int = Field(default=24, ge=4)
    sessions: int = Field(
        default=1,
        ge=1,
        le=52,
        description="Sessions per course: rows come in courses of this many consecutive rows.",
    )
    model_roles: dict[str, str] = Field(default_factory=dict)
    base_url: str | None = None
    rubrics: list[str] = Field(default_factory=list)
    score: list[str] = Field(default_factory=lambda: ["miti", "outcome"])
    dedup_threshold: float = Field(default=0.8, gt=0, le=1)
    reference: str | None = Field(default=None, description="JSONL of dialogues to dedup against.")
    locale: str | None = None
    theralab_version: str = __version__

    @model_validator(mode="after")
    def _recipe_inputs(self) -> SynthConfig:
        if self.profiles == "llm" and "client" not in self.model_roles:
            raise ValueError("--profiles llm asks a model: bind --model-role client=SPEC")
        if self.recipe != "cactus":
            if not self.source:
                raise ValueError(f"the {self.recipe} recipe needs a source file")
            if "counselor" not in self.model_roles:
                raise ValueError(
                    f"the {self.recipe} recipe writes dialogues with a model: bind one with "
                    "--model-role counselor=SPEC"
                )
        return self

    def digest(self) -> str:
        """Hash of what determines the rows (not n, not the version that made them)."""
        content = self.model_dump(exclude={"n", "theralab_version"})
        if self.sessions == 1:  # datasets made before courses keep their folder and digest
            content.pop("sessions")
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:12]

    def default_folder(self, root: Path = Path("datasets")) -> Path:
        return root / f"{self.recipe}-{self.digest()}"


def load_config(folder: Path) -> SynthConfig | None:
    path = folder / CONFIG_FILE
    if not path.exists():
        return None
    return read_json_model(path, SynthConfig, "dataset configuration")
