"""py3langid's language identifier, loaded from an unpacked copy of its model.

py3langid ships its model as one LZMA-compressed file (4.6 MB, 68 MB unpacked); unpacking it
took a third of a second each time a process first needed it (`theralab screen` on English chat
meets a message that does not read as English at a glance within its first few hundred). The
first process to need it writes an unpacked copy next to the encoders
(`<model dir>/py3langid-<version>-<model file's size>/`), and every later one maps that copy's
large table from disk instead: the same arrays, the same answers (`tests/test_langid_model.py`
compares the two loaders), about a third of the time, and only the pages a message touches
are read.

Anything wrong with the copy (a read-only cache folder, a half-written or foreign file, another
py3langid) falls back to py3langid's own loader: slower, never different.
"""

from __future__ import annotations

import functools
import io
import lzma
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

_TABLE = "ptc.npy"  # the naive Bayes table: mapped from disk, read where a message looks
_REST = "rest.npz"  # the byte automaton and the rest, read whole


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    path = Path(MODEL_FILE)
    return path if path.is_absolute() else Path(MODEL_DIR) / path


def unpacked_dir() -> Path:
    """Where this py3langid's unpacked model lives (it need not exist yet)."""
    from theralab.text.encoder import model_dir

    size = _model_file().stat().st_size
    return model_dir() / f"py3langid-{version('py3langid')}-{size}"


def _unpack(target: Path) -> None:
    """Write the unpacked copy: into a folder of its own first, then renamed into place, so a
    reader never sees half of it (a process that loses the race keeps the winner's copy)."""
    import numpy as np  # here, not at import: the rule-only path never loads numpy

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".langid-", dir=target.parent))
    try:
        packed = io.BytesIO(lzma.decompress(_model_file().read_bytes()))
        with np.load(packed, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        np.save(work / _TABLE, arrays.pop("ptc"))
        np.savez(work / _REST, **arrays)
        try:
            os.rename(work, target)
        except OSError:
            if not (target / _REST).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _from_unpacked(folder: Path) -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    table = np.load(folder / _TABLE, mmap_mode="r", allow_pickle=False)
    with np.load(folder / _REST, allow_pickle=False) as data:
        return LanguageIdentifier(
            table,
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _to_array(data["nextmove"]),
            data["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_to_array(data["nextmove_row"]),
        )


@functools.cache
def identifier() -> Any:
    """py3langid's identifier with normalised probabilities (one per process)."""
    try:
        folder = unpacked_dir()
        if not (folder / _REST).is_file():
            _unpack(folder)
        return _from_unpacked(folder)
    except Exception:  # a read-only cache, a damaged copy, another py3langid: its own loader
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
