"""`filing serve`: the web workspace for issuers, law firms and reviewers, over the same stages as the CLI (every
stage call is in ``filing.serve.actions``). ``create_app`` gives the ASGI app; ``run`` serves it with uvicorn."""

from __future__ import annotations

from filing.serve.app import create_app, run
from filing.serve.workspace import Limits

__all__ = ["Limits", "create_app", "run"]
