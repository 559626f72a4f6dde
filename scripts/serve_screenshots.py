"""Refresh the web UI screenshots in docs/screenshots/ (chat, crisis, practice, scorecard,
report viewer) by running the browser tests with their screenshot folder pointed there.

    .venv/bin/python scripts/serve_screenshots.py

Needs the system Chromium (apt-get install chromium) and Playwright (pip install -e
'.[serve,browser]'); nothing is downloaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    folder = ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "THERALAB_SCREENSHOTS": str(folder), "THERALAB_SEMANTIC": "0"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_serve_browser.py",
        ],
        cwd=ROOT,
        env=env,
    )
    if result.returncode == 0:
        for shot in sorted(folder.glob("*.png")):
            print(f"{shot.relative_to(ROOT)}  {shot.stat().st_size // 1024} KiB")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
