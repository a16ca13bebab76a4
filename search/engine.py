"""The embedded search engine: the ``osmem-server`` wheel, started on demand.

Used only when ``ELASTICSEARCH_URL`` is not set, like ``workershome.embedded`` does for
PostgreSQL: a machine with nothing installed still has search. The engine runs detached and
keeps running after the process that started it ends; its address and pid are written to
``var/search/engine.json`` and the next process (web, worker, a command) reuses it. A file lock
makes sure two processes starting at once start one engine.

The engine holds its indices in memory only: after it is restarted the indices are empty until
``manage.py search_reindex`` runs (``make demo`` runs it after seeding).

An engine belongs to one state folder: it is started with the folder's real path in its
environment (``OWNER_ENV``), and the state file names that folder. A recorded engine is reused
only if the state file is this folder's (not one copied from another checkout) and the process
with the recorded pid carries this folder in its environment (not a pid reused by another
process while another folder's engine took the port). So two checkouts, or two test workers,
never share an engine, even if one's state file reaches the other. The port is always chosen by
the kernel (``127.0.0.1:0``): a free one, never one another engine holds.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

STATE_FILE = "engine.json"
LOCK_FILE = "engine.lock"
LOG_FILE = "engine.log"
STARTUP_TIMEOUT = 30.0
#: The environment variable that ties an engine process to its state folder.
OWNER_ENV = "WORKERSHOME_SEARCH_ENGINE_DIR"


class EngineStartError(RuntimeError):
    """The embedded engine could not be started."""


def engine_binary() -> str:
    from osmem_server import resolve_binary

    return resolve_binary()


def engine_answers(url: str, timeout: float = 1.0) -> bool:
    """Whether an engine answers at ``url`` (its root endpoint)."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def engine_owner(state_dir: Path) -> str:
    """The identity of the engine of ``state_dir``: the folder's real path."""
    return os.path.realpath(state_dir)


def _process_owned_by(pid: int, owner: str) -> bool:
    """Whether process ``pid`` was started for ``owner`` (its environment says so). Without
    ``/proc`` (not Linux) the state file's owner has to do."""
    if not os.path.isdir("/proc/self"):
        return True
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False  # gone, or another user's process
    return f"{OWNER_ENV}={owner}".encode() in environ.split(b"\0")


def engine_state(state_dir: Path) -> dict | None:
    """The recorded engine (``{"url", "pid", "owner"}``) if it is this folder's, still running
    and answering (see the module docstring)."""
    try:
        state = json.loads((state_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict):
        return None
    owner = engine_owner(state_dir)
    pid = int(state.get("pid", 0) or 0)
    if state.get("owner") != owner or not _pid_alive(pid) or not _process_owned_by(pid, owner):
        return None
    return state if engine_answers(state["url"]) else None


@contextlib.contextmanager
def _locked(state_dir: Path) -> Iterator[None]:
    with open(state_dir / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def engine_start(state_dir: Path, *, addr: str = "127.0.0.1:0", parent_pid: int | None = None) -> dict:
    """Start an engine process detached from this one and wait until it answers.

    ``parent_pid``: the engine exits when that process does (tests); otherwise it outlives us.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    owner = engine_owner(state_dir)
    log_path = state_dir / LOG_FILE
    args = [engine_binary(), "--addr", addr, "--no-stdin-watch"]
    if parent_pid:
        args += ["--parent-pid", str(parent_pid)]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, OWNER_ENV: owner},
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        for line in log_path.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                message = json.loads(line)
                if isinstance(message, dict) and "url" in message:
                    pid = int(message.get("pid") or process.pid)
                    return {"url": message["url"], "pid": pid, "owner": owner}
        if process.poll() is not None:
            raise EngineStartError(f"the search engine exited during start-up; see {log_path}")
        time.sleep(0.02)
    process.kill()
    raise EngineStartError(f"the search engine did not start within {STARTUP_TIMEOUT:.0f} s; see {log_path}")


def embedded_engine_url(state_dir: Path) -> str:
    """The URL of the embedded engine for ``state_dir``, starting it if none is running."""
    state = engine_state(state_dir)
    if state:
        return state["url"]
    state_dir.mkdir(parents=True, exist_ok=True)
    with _locked(state_dir):
        state = engine_state(state_dir)  # another process may have started it meanwhile
        if state is None:
            state = engine_start(state_dir)
            (state_dir / STATE_FILE).write_text(json.dumps(state))
    return state["url"]


def embedded_engine_stop(state_dir: Path, timeout: float = 5.0) -> bool:
    """Stop the recorded embedded engine (its indices are lost); whether one was running.
    Never stops an engine that is not this folder's."""
    state = engine_state(state_dir)
    if state is None:
        return False
    os.kill(int(state["pid"]), 15)
    deadline = time.monotonic() + timeout
    while _pid_alive(int(state["pid"])) and time.monotonic() < deadline:
        time.sleep(0.05)
    (state_dir / STATE_FILE).unlink(missing_ok=True)
    return True
