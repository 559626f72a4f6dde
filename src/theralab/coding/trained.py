"""What the trained coders (`MICoder`, `EmpathyCoder`) share: linear heads loaded lazily from
`theralab/coding/data/<name>.npz` + `.json`, and the embedding cache their features read.

No numpy at import: the heads and the cache are loaded on first use (the `semantic` extra).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from theralab.text.encoder import CODER_PRECISION, Precision

if TYPE_CHECKING:
    from theralab.coding.vectors import EmbeddingCache, Head


def heads_adapter(path: Path, meta: Mapping[str, Any]) -> Path | None:
    """The fine-tuned top layers the heads at `path` read vectors through (a file beside
    them, named in their metadata `meta`), or None for the published model's vectors. A named
    file that is missing is an error, never a silent fall-back to other vectors."""
    name = meta.get("adapter")
    if not name:
        return None
    adapter = path.parent / str(name)
    if not adapter.is_file():
        raise FileNotFoundError(
            f"{path.with_suffix('.json')}: its encoder layers {adapter} are missing; "
            "retrain: theralab coder train mi"
        )
    return adapter


def shipped_heads(name: str) -> Path:
    """Where shipped heads live (`<name>.npz` + `<name>.json`, beside this module)."""
    return Path(str(resources.files("theralab.coding") / "data" / name))


class TrainedHeads:
    """Heads from `heads_file`, loaded on first use, with their metadata and name."""

    DEFAULT_NAME: ClassVar[str]
    PRECISION: ClassVar[Precision] = CODER_PRECISION  # the vectors the heads read

    def __init__(self, heads: Path) -> None:
        self.heads_file = heads

    @cached_property
    def _loaded(self) -> tuple[dict[str, Head], dict[str, Any]]:
        from theralab.coding.vectors import load_heads

        return load_heads(self.heads_file, self.PRECISION)

    @property
    def heads(self) -> dict[str, Head]:
        return self._loaded[0]

    @property
    def meta(self) -> dict[str, Any]:
        """What the heads were trained on and their validation figures."""
        return self._loaded[1]

    @property
    def name(self) -> str:
        return str(self.meta.get("name", self.DEFAULT_NAME))

    @property
    def adapter(self) -> Path | None:
        """The fine-tuned encoder layers the heads read vectors through, if any."""
        return heads_adapter(self.heads_file, self.meta)

    @cached_property
    def _cache(self) -> EmbeddingCache:
        from theralab.coding.vectors import EmbeddingCache

        return EmbeddingCache(precision=self.PRECISION, adapter=self.adapter)

    @cached_property
    def _published_cache(self) -> EmbeddingCache:
        """The published encoder's vectors at the heads' precision (heads that do not read
        the fine-tuned layers)."""
        from theralab.coding.vectors import EmbeddingCache

        return EmbeddingCache(precision=self.PRECISION)
