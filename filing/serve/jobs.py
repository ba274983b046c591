"""Long jobs (the chain suite, a packet build) run off the request path, one at a time, each recorded as a JSON file
in the workspace: the page polls its progress, and a restart finds every finished job's result where it was.

Why one worker: a build keeps a core busy for tens of seconds; two at once on a small machine only make both slow.
A job that was running when the server stopped is marked ``interrupted`` at the next start (its output, written
atomically by the build, is either the old packet or the new one).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from filing.errors import InputError
from filing.progress import Progress
from filing.serve import actions
from filing.serve.workspace import NotFound, load_json, save_json

Work = Callable[[Progress], dict[str, Any]]
SAVE_EVERY = 0.5
"""Seconds between progress records on disk; the final state is always saved."""


class Jobs:
    def __init__(self, folder: Path, shown: dict[str, str] | None = None):
        self.folder = folder
        self.shown = shown or {}
        """Server paths and the names the user knows them by, for the located errors of a failed job."""
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="filing-job")
        for path in folder.glob("*.json"):
            job = load_json(path)
            if job["status"] in ("queued", "running"):
                save_json(path, job | {"status": "interrupted", "finished": time.time()})

    def submit(self, kind: str, deal: str, work: Work) -> dict[str, Any]:
        job = {"id": secrets.token_hex(6), "kind": kind, "deal": deal, "status": "queued", "step": "", "done": 0,
               "total": 0, "created": time.time(), "finished": None, "result": None, "error": None}
        save_json(self._path(job["id"]), job)
        self._pool.submit(self._run, job, work)
        return job

    def get(self, job_id: str) -> dict[str, Any]:
        path = self._path(job_id)
        if not path.is_file():
            raise NotFound(f"no job {job_id!r}")
        with self._lock:
            return load_json(path)

    def latest(self, deal: str) -> dict[str, dict[str, Any]]:
        """The newest job of each kind for a deal."""
        newest: dict[str, dict[str, Any]] = {}
        for path in self.folder.glob("*.json"):
            job = load_json(path)
            if job["deal"] == deal and job["created"] >= newest.get(job["kind"], {}).get("created", 0):
                newest[job["kind"]] = job
        return newest

    def wait(self, job_id: str, timeout: float) -> dict[str, Any]:
        """The job once it has finished (for tests and scripts that want the result, not the progress)."""
        deadline = time.monotonic() + timeout
        while (job := self.get(job_id))["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
        return job

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: dict[str, Any], work: Work) -> None:
        last = 0.0

        def progress(step: str, done: int, total: int) -> None:
            nonlocal last
            job.update(step=step, done=done, total=total)
            if time.monotonic() - last > SAVE_EVERY:
                last = time.monotonic()
                self._save(job)

        job["status"] = "running"
        self._save(job)
        try:
            job.update(result=work(progress), status="done")
        except InputError as error:
            job.update(status="failed", error=actions.input_error(error, self.shown))
        except actions.StageFailed as error:
            job.update(status="failed", error=_failure("STAGE", str(error)))
        except Exception as error:  # a job must end recorded, whatever went wrong in it
            job.update(status="failed", error=_failure("INTERNAL", f"{type(error).__name__}: {error}"))
        job["finished"] = time.time()
        self._save(job)

    def _save(self, job: dict[str, Any]) -> None:
        with self._lock:
            save_json(self._path(job["id"]), job)

    def _path(self, job_id: str) -> Path:
        if not job_id.isalnum():
            raise NotFound(f"no job {job_id!r}")
        return self.folder / f"{job_id}.json"


def _failure(rule: str, message: str) -> dict[str, Any]:
    return {"ok": False, "findings": [{"rule": rule, "severity": "blocker", "path": "", "message": message}]}
