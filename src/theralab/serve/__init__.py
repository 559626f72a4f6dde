"""Serve a guarded counselor: the HTTP API, storage, and the web UI with practice mode.

Needs the `serve` extra (`pip install 'theralab[serve]'`); importing this package does not, so
the CLI can say what to install.
"""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from theralab.serve.app import create_app
    from theralab.serve.settings import ServeSettings

INSTALL_HINT = "theralab serve needs the serve extra: pip install 'theralab[serve]'"
REQUIRED = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "cryptography")


def missing_dependencies() -> list[str]:
    return [name for name in REQUIRED if importlib.util.find_spec(name) is None]


def serve_available() -> bool:
    return not missing_dependencies()


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from theralab.serve.app import create_app

        return create_app
    if name == "ServeSettings":
        from theralab.serve.settings import ServeSettings

        return ServeSettings
    raise AttributeError(name)


__all__ = ["INSTALL_HINT", "ServeSettings", "create_app", "missing_dependencies", "serve_available"]
