"""A throwaway redis-server on a free port in a temporary folder, for the scale tests.

Missing redis-server skips the test outside CI and fails it with CI=true (`.ci/run`
installs it). The server can be stopped and started again on the same port, with its
data kept (a clean SHUTDOWN SAVE, then loaded again) or lost (kill -9, files removed).
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import require_tool

START_TIMEOUT_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    def __init__(self, binary: str, folder: Path) -> None:
        self.binary = binary
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.folder / "redis.log"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while self._command(b"PING") != b"+PONG":
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{self.log()}")
            time.sleep(0.05)

    def stop(self, *, keep_data: bool) -> None:
        """Stop: cleanly with its data saved to disk, or killed with its data lost."""
        if self.process is None:
            return
        if keep_data:
            self._command(b"SHUTDOWN SAVE")
        else:
            self.process.kill()
        self.process.wait(timeout=10)
        self.process = None
        if not keep_data:
            (self.folder / "dump.rdb").unlink(missing_ok=True)

    def restart(self, *, keep_data: bool) -> None:
        self.stop(keep_data=keep_data)
        self.start()

    def log(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def _command(self, command: bytes) -> bytes | None:
        """One inline command and the first line of its reply, or None if unreachable."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as sock:
                sock.sendall(command + b"\r\n")
                return sock.recv(64).split(b"\r\n", 1)[0]
        except OSError:
            return None


def redis_binary() -> str:
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    require_tool(found is not None, "redis-server is not installed (apt-get install redis-server)")
    assert found is not None
    return found


@contextlib.contextmanager
def running_redis(folder: Path) -> Iterator[RedisServer]:
    """A redis-server of its own in `folder`, stopped (data dropped) afterwards."""
    server = RedisServer(redis_binary(), folder)
    server.start()
    try:
        yield server
    finally:
        server.stop(keep_data=False)
