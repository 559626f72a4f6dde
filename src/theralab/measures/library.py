"""Built-in instrument files and user instrument files (any YAML in the same format): the one
registry that `--measures phq9,gad7,./my.yaml` resolves against."""

from __future__ import annotations

from theralab.measures.model import Instrument
from theralab.yamlfiles import YamlLibrary

MEASURES: YamlLibrary[Instrument] = YamlLibrary("theralab.measures", Instrument, "measure")


# The registry's operations under the names the rest of TheraLab and users import.
parse_instrument = MEASURES.parse
load_instrument = MEASURES.load
builtin_instruments = MEASURES.builtin
get_instrument = MEASURES.get
resolve_instruments = MEASURES.resolve
