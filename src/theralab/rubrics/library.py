"""Built-in rubric files and user rubric files (any YAML in the same format): the one registry
that `--rubric ctrs,./my.yaml` resolves against."""

from __future__ import annotations

from theralab.rubrics.model import Rubric
from theralab.yamlfiles import YamlLibrary

RUBRICS: YamlLibrary[Rubric] = YamlLibrary("theralab.rubrics", Rubric, "rubric")


# The registry's operations under the names the rest of TheraLab and users import.
parse_rubric = RUBRICS.parse
load_rubric = RUBRICS.load
builtin_rubrics = RUBRICS.builtin
get_rubric = RUBRICS.get
resolve_rubrics = RUBRICS.resolve
