"""The distortion messages written for TheraLab (data/distortions/): reading, clear errors on
bad files, and the scheme of the shipped files. Needs no ../shared."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from theralab.cbtbench.dataset import load_written, written_dir
from theralab.cbtbench.labels import DISTORTIONS
from theralab.errors import InputError

GOOD = """\
- id: t_0001
  text: "My friend didn't answer my text. She obviously thinks I'm boring now. What do I do?"
  dominant: mind reading
  secondary: labeling
  span: "She obviously thinks I'm boring now."
- id: t_0002
  text: "I lost my job last month and money is tight. How do I budget until I find work?"
  dominant: no distortion
  secondary: null
  span: null
"""


def test_items_read_as_rows_with_dominant_then_secondary_and_their_span(tmp_path: Path) -> None:
    (tmp_path / "cd_t.yaml").write_text(GOOD, encoding="utf-8")
    first, second = load_written(tmp_path)
    assert first.labels == ("mind reading", "labeling")
    assert first.span == "She obviously thinks I'm boring now."
    assert second.labels == () and second.span == ""


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("dominant: mind reading", "dominant: catastrophizing"), "dominant"),
        (GOOD.replace('  span: "She obviously', '  span: "He obviously'), "copied exactly"),
        (GOOD.replace("secondary: labeling", "secondary: mind reading"), "another of the ten"),
        (GOOD.replace("  span: null\n", '  span: "money is tight"\n'), "no secondary and no span"),
    ],
)
def test_a_bad_item_names_the_file_the_line_and_what_is_wrong(
    tmp_path: Path, broken: str, message: str
) -> None:
    (tmp_path / "cd_t.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_written(tmp_path)
    assert "cd_t.yaml" in str(err.value) and message in str(err.value)
    assert err.value.line is not None


def test_an_id_used_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(InputError, match="duplicate message id 't_0001'"):
        load_written(tmp_path)


def test_the_shipped_messages_cover_every_distortion_and_hard_negatives() -> None:
    if not written_dir().is_dir():
        pytest.skip("no data/distortions in this checkout")
    rows = load_written()
    assert len(rows) >= 500
    dominant = Counter(r.labels[0] if r.labels else "none" for r in rows)
    assert set(dominant) == {*DISTORTIONS, "none"}
    assert all(n >= 0.05 * len(rows) for n in dominant.values()), dominant
    assert all(r.span and r.span in " ".join(r.text.split()) for r in rows if r.labels)
