"""A misspelt key in a YAML file is named where it is, with the field it probably meant
(black-box finding: `modle: stub` was reported as `model` missing at line 1)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from theralab.errors import InputError
from theralab.yamlfiles import parse_yaml_model


class _Bot(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    name: str
    model: str
    temperature: float = 0.7


def test_a_misspelt_key_is_named_at_its_line_with_a_suggestion() -> None:
    text = "kind: openai-chat\nname: teambot\nmodle: stub\n"
    with pytest.raises(InputError) as err:
        parse_yaml_model(text, _Bot, source="bot.yaml")
    said = str(err.value)
    assert "bot.yaml:3" in said and "unknown field 'modle'" in said
    assert "did you mean 'model'?" in said


def test_an_unknown_key_with_nothing_like_it_gets_no_guess() -> None:
    text = "kind: openai-chat\nname: teambot\nmodel: stub\ncolour: blue\n"
    with pytest.raises(InputError) as err:
        parse_yaml_model(text, _Bot, source="bot.yaml")
    said = str(err.value)
    assert "bot.yaml:4" in said and "unknown field 'colour'" in said
    assert "did you mean" not in said


def test_other_errors_are_reported_as_before() -> None:
    with pytest.raises(InputError) as err:
        parse_yaml_model("kind: a\nname: b\nmodel: c\ntemperature: hot\n", _Bot, source="b.yaml")
    assert "b.yaml:4" in str(err.value) and "temperature" in str(err.value)
