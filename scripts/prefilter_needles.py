"""Write the pattern tier's prefilter needles into the package (safety/data/prefilter_needles.json).

Every process that screens would otherwise read the syntax trees of some 160 regexes at start
(a third of a second on two cores). Run this after changing a prefiltered regex of
`theralab.safety.patterns`, `medication` or `language`, or `theralab.safety.prefilter` itself;
until then the changed regexes are read at start as before (results never depend on the table),
and `tests/test_safety_prefilter.py` fails to say the table is stale.

    .venv/bin/python scripts/prefilter_needles.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys

import theralab.safety.language
import theralab.safety.medication
import theralab.safety.patterns  # noqa: F401  (each makes its Prefiltered regexes on import)
from theralab.safety import prefilter


def current() -> str:
    patterns = [made.regex for made in prefilter.made()]
    return json.dumps(prefilter.table(patterns), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the table is stale")
    args = parser.parse_args()
    text = current()
    shipped = prefilter.TABLE.read_text(encoding="utf-8") if prefilter.TABLE.is_file() else ""
    if args.check:
        if text != shipped:
            print(f"{prefilter.TABLE} is stale: run scripts/prefilter_needles.py", file=sys.stderr)
            return 1
        return 0
    prefilter.TABLE.write_text(text, encoding="utf-8")
    print(f"{len(prefilter.made())} regexes → {prefilter.TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
