"""A real `quizkiosk serve` process on a free port, and real WebSocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    ws_url: str
    data_dir: Path
    admin_token: str
    trainer_token: str
    process: subprocess.Popen[str]
    log_path: Path
    banks_dir: Path = Path()
    serve_args: tuple[str, ...] = ()

    def log(self) -> str:
        """Everything the server printed so far (every run of it)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def kill(self) -> None:
        """`kill -9`: no shutdown code runs at all."""
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM: the graceful stop."""
        self.process.terminate()
        self.process.wait(timeout=20)

    def restart(self) -> None:
        """Start the server again on the same data directory, banks and port."""
        assert self.process.poll() is not None, "stop the server first"
        self.process = launch(
            self.data_dir, self.banks_dir, self.port, self.log_path, self.serve_args
        )

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.admin_token}"}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)

    def create_game(
        self, bank_id: str = "every-type", token: str | None = None, **settings: Any
    ) -> dict[str, Any]:
        with self.api(token) as client:
            response = client.post("/api/v1/games", json={"bank_id": bank_id, "settings": settings})
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created


def _cli(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    yield from start_server(tmp_path_factory)


@pytest.fixture
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A server of the test's own, for tests that leave lasting state (address blocks)."""
    yield from start_server(tmp_path_factory)


def start_server(
    tmp_path_factory: pytest.TempPathFactory, with_trainers: bool = True, *serve_args: str
) -> Iterator[RunningServer]:
    data_dir = tmp_path_factory.mktemp("data")
    banks_dir = tmp_path_factory.mktemp("banks")
    shutil.copy(HERE / "every_type.yaml", banks_dir / "every_type.yaml")
    shutil.copy(Path(__file__).parents[2] / "question_banks" / "icd10-coding.yaml", banks_dir)
    shutil.copy(Path(__file__).parents[1] / "fixtures" / "race_bank.yaml", banks_dir)
    admin_token = trainer_token = ""
    if with_trainers:
        _cli(
            data_dir,
            "trainers",
            "add",
            "nurse",
            "--admin",
            "--password-stdin",
            stdin="nurse-pass-1\n",
        )
        _cli(data_dir, "trainers", "add", "doctor", "--password-stdin", stdin="doctor-pass-1\n")
        admin_token = _cli(data_dir, "trainers", "token", "nurse")
        trainer_token = _cli(data_dir, "trainers", "token", "doctor")
    port = free_port()
    log_path = data_dir / "server.log"
    process = launch(data_dir, banks_dir, port, log_path, serve_args)
    running = RunningServer(
        f"http://127.0.0.1:{port}",
        f"ws://127.0.0.1:{port}",
        data_dir,
        admin_token,
        trainer_token,
        process,
        log_path,
        banks_dir,
        serve_args,
    )
    yield running
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()
        running.process.wait(timeout=5)


def launch(
    data_dir: Path, banks_dir: Path, port: int, log_path: Path, serve_args: tuple[str, ...]
) -> subprocess.Popen[str]:
    """Run `quizkiosk serve` and wait until it answers /healthz."""
    with log_path.open("a", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quizkiosk.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data-dir",
                str(data_dir),
                "--banks",
                str(banks_dir),
                *serve_args,
            ],
            # A file, not a pipe: nobody reads a pipe while the tests run, and a full
            # pipe would block the server's logging.
            stdout=log_file,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"server did not start:\n{log_path.read_text()}")
        time.sleep(0.1)


class Client:
    """A WebSocket client that keeps every message it receives, in order."""

    def __init__(self, socket: websockets.ClientConnection) -> None:
        self.socket = socket
        self.received: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, server: RunningServer | str, path: str, **options: Any) -> Client:
        """`options` go to websockets.connect, e.g. `local_addr=("127.0.0.2", 0)` to
        come from another loopback address, `additional_headers={...}`."""
        base = server if isinstance(server, str) else server.ws_url
        return cls(await websockets.connect(f"{base}{path}", max_size=2**20, **options))

    async def closed_with(self, timeout: float = 5.0) -> int | None:
        """Wait for the server to close the socket; its close code."""
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(self.socket.recv(), timeout)
        return self.socket.close_code

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        await self.socket.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.socket.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        self.received.append(message)
        return message

    async def expect(self, kind: str, timeout: float = 5.0, **fields: Any) -> dict[str, Any]:
        """Read until a message of `kind` (with `fields`) arrives; skip others."""
        end = time.monotonic() + timeout
        while True:
            message = await self.next(max(0.01, end - time.monotonic()))
            if message.get("type") == kind and all(message.get(k) == v for k, v in fields.items()):
                return message

    async def close(self) -> None:
        await self.socket.close()


async def host(server: RunningServer, game: dict[str, Any]) -> Client:
    client = await Client.connect(server, "/ws/host")
    await client.send(
        {
            "type": "host",
            "protocol": 1,
            "game_id": game["game_id"],
            "host_token": game["host_token"],
        }
    )
    await client.expect("host_welcome")
    return client


async def player(server: RunningServer, pin: str, name: str, **extra: Any) -> Client:
    client = await Client.connect(server, "/ws/play")
    await client.send({"type": "join", "protocol": 1, "pin": pin, "name": name, **extra})
    welcome = await client.next()
    assert welcome["type"] == "welcome", welcome
    return client
