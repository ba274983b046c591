"""Run a filing command and kill copies of it with SIGKILL at chosen points, recording what its output then is.

    python crash_driver.py REPORT OUTPUT [--kill-on-open PATH] [--kill-workers-after-open PATH] [--rounds N]
                           [--no-exchange] -- filing arguments...

Python raises an audit event before every file-system call (open for writing, mkdir, rename, remove, the look-up
of renameat2 for the swap, ...). At the first such step that names OUTPUT's folder or a path in it, the command's
work is done and only writing remains, so the driver forks there: copy k carries on and kills itself with SIGKILL
just before its k-th step, leaving the disk exactly as a crash at that step would; the driver waits for it, records
OUTPUT's fingerprint and starts copy k + 1. The first copy that reaches its end is the later run that must succeed
despite what the killed copies left; with ``--rounds 2`` the driver then does it all again, over the output that
copy wrote. Steps inside filing.write's clean-up of those leftovers (finishing a commit a killed copy recorded,
sweeping its staging) are not numbered (they vary with the copies killed before), so every copy takes the same
numbered steps.

``--kill-on-open PATH`` kills a copy as the command opens PATH (the tape: the pool stage is running).
``--kill-workers-after-open PATH`` starts a copy as the command opens PATH (a template: rendering begins) and kills it,
alone, as ``kill -9 PID`` would, once one of its PDF workers is busy; the workers must then stop by themselves.
``--no-exchange`` takes renameat2 away, as on systems without it.

REPORT gets one JSON object per line: {"point", "step", "event", "output", "zip"} for each kill (fingerprints of
OUTPUT and OUTPUT.zip, null when absent), {"orphans": [...]} for PDF workers left running, {"exit": code} at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import time
from pathlib import Path

from filing import write
from filing.cli import app

STEPS = {"os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.chmod", "os.truncate", "os.link", "os.symlink",
         "shutil.rmtree", "shutil.move", "tempfile.mkdtemp", "tempfile.mkstemp", "fcntl.flock", "ctypes.dlsym"}
"""Audit events that mark a file-system step; a ctypes call raises none, so the look-up of renameat2 (ctypes.dlsym)
marks the swap that follows it."""
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def fingerprint(path: Path) -> str | None:
    """What a reader of ``path`` would find, as one hash over every entry's name and content; None when absent."""
    if not path.exists():
        return None
    digest = hashlib.sha256()
    for entry in [path, *sorted(path.rglob("*"))] if path.is_dir() else [path]:
        content = hashlib.sha256(entry.read_bytes()).hexdigest() if entry.is_file() else "folder"
        digest.update(f"{entry.relative_to(path.parent)}\0{content}\n".encode())
    return digest.hexdigest()[:16]


class Driver:
    def __init__(self, options: argparse.Namespace):
        self.report = open(options.report, "a", encoding="utf-8")  # opened before the hook, so not a step
        self.output = Path(options.output).absolute()
        self.folder = str(self.output.parent)
        self.kill_on_open = _absolute(options.kill_on_open)
        self.kill_workers_after_open = _absolute(options.kill_workers_after_open)
        self.cleanup = {write._sweep.__code__, write.recover.__code__}
        self.rounds = options.rounds
        self.busy = False
        self.stop_at: int | None = None  # in a copy: the step to die at; None in the driver
        self.steps = 0
        self.pipe = os.pipe()

    def hook(self, event: str, args: tuple) -> None:
        if self.busy:
            return
        self.busy = True
        try:
            self._on(event, args)
        finally:
            self.busy = False

    def _on(self, event: str, args: tuple) -> None:
        if self.stop_at is not None:
            if _mutating(event, args) and not self._cleaning_up():
                self.steps += 1
                if self.steps == self.stop_at:
                    os.write(self.pipe[1], f"{event} {_short(args)}\n".encode())
                    os.kill(os.getpid(), signal.SIGKILL)
            return
        opened = _path(args) if event == "open" else None
        if opened and opened == self.kill_on_open:
            self.kill_on_open = None
            self._kill_a_copy()
        elif opened and opened == self.kill_workers_after_open:
            self.kill_workers_after_open = None
            self._kill_a_copy_with_workers()
        elif _mutating(event, args) and _inside(_path(args), self.folder):
            if self.kill_on_open or self.kill_workers_after_open:  # else every copy would redo the whole command
                sys.exit(f"{event} {_short(args)}: a write step in the output folder before the command opened "
                         f"{self.kill_on_open or self.kill_workers_after_open}; judging a target must not write")
            self._enumerate(f"{event} {_short(args)}")

    def _cleaning_up(self) -> bool:
        """Inside filing.write's clean-up of what killed writers left (a recorded commit finished, staging swept):
        those steps vary with the copies killed before, so they are not numbered, and every copy takes the same
        numbered steps."""
        frame = sys._getframe(1)
        while frame is not None and frame.f_code not in self.cleanup:
            frame = frame.f_back
        return frame is not None

    def _kill_a_copy(self) -> None:
        child = os.fork()
        if child == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        os.waitpid(child, 0)
        self._record(point="pool")

    def _kill_a_copy_with_workers(self) -> None:
        child = os.fork()
        if child == 0:
            self.stop_at = 0  # a copy: no more kill points
            return
        workers: list[int] = []
        while not any(_cpu_ticks(pid) > 50 for pid in workers):  # half a second laying out pages
            if os.waitpid(child, os.WNOHANG)[0]:
                sys.exit("the copy ended before any PDF worker was busy")
            workers = _forked_children(child)
            time.sleep(0.05)
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        self._record(point="pdf")
        deadline = time.monotonic() + 120
        while (alive := [pid for pid in workers if _running(pid)]) and time.monotonic() < deadline:
            time.sleep(0.1)
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        self._write({"orphans": alive})

    def _enumerate(self, first: str) -> None:
        """Copy k dies before step k, for k = 1, 2, ... until a copy finishes; never returns."""
        for _ in range(self.rounds):
            step = 1
            while True:
                child = os.fork()
                if child == 0:
                    self.stop_at, self.steps = step, 1
                    if step == 1:
                        os.write(self.pipe[1], f"{first}\n".encode())
                        os.kill(os.getpid(), signal.SIGKILL)
                    return
                _, status = os.waitpid(child, 0)
                if not os.WIFSIGNALED(status):
                    break
                event = os.read(self.pipe[0], 4096).decode().strip()
                self._record(point="write", step=step, event=event)
                step += 1
            self._record(point="done", step=step)
        self._write({"exit": os.waitstatus_to_exitcode(status)})
        os._exit(0)

    def _record(self, **facts) -> None:
        zip_path = self.output.with_name(self.output.name + ".zip")
        self._write(facts | {"output": fingerprint(self.output), "zip": fingerprint(zip_path)})

    def _write(self, line: dict) -> None:
        self.report.write(json.dumps(line) + "\n")
        self.report.flush()


def _mutating(event: str, args: tuple) -> bool:
    if event == "open":
        mode, flags = args[1], args[2]
        return bool((isinstance(mode, str) and set(mode) & set("wax+")) or (isinstance(flags, int) and
                                                                              flags & WRITE_FLAGS))
    return event in STEPS


def _path(args: tuple) -> str | None:
    first = args[0] if args else None
    if isinstance(first, (str, bytes, os.PathLike)):
        return os.path.abspath(os.fsdecode(first))
    return None


def _absolute(path: str | None) -> str | None:
    return os.path.abspath(path) if path else None


def _inside(path: str | None, folder: str) -> bool:
    return path is not None and (path == folder or path.startswith(folder + os.sep))


def _short(args: tuple) -> str:
    return " ".join(str(arg) for arg in args if isinstance(arg, (str, bytes, os.PathLike)))[:300]


def _forked_children(pid: int) -> list[int]:
    """Children of ``pid`` running the same program (its PDF workers, not fc-match)."""
    try:
        children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        program = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [child for child in children if Path(f"/proc/{child}/cmdline").read_bytes() == program]
    except OSError:  # gone meanwhile
        return []


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return bool(fields) and fields[0] not in ("Z", "X")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("output")
    parser.add_argument("--kill-on-open")
    parser.add_argument("--kill-workers-after-open")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-exchange", action="store_true")
    split = sys.argv.index("--")
    options = parser.parse_args(sys.argv[1:split])
    if options.no_exchange:
        write._exchange = lambda staging, target: False
    sys.addaudithook(Driver(options).hook)
    app(sys.argv[split + 1:], prog_name="filing")


if __name__ == "__main__":
    main()
