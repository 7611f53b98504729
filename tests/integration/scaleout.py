"""Three `quizkiosk serve --redis … --database postgresql://…` workers behind a real
nginx (round robin, no sticky sessions), on a throwaway redis-server and PostgreSQL
cluster: the scaled-out shape of docs/deployment.md, for the test_scaleout_* tests.

The workers share the data folder only for the host key (projector tokens must verify
on every worker); everything else is in PostgreSQL and Redis.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_tool
from tests.integration.conftest import HERE, RunningServer, _cli, free_port, launch
from tests.integration.test_proxy import documented_locations
from tests.redis_server import RedisServer, running_redis

WORKERS = 3


@dataclass
class ScaledOut:
    workers: list[RunningServer]
    proxy_ws: str  # ws://127.0.0.1:<nginx port>
    redis: RedisServer
    database_url: str

    def logs(self) -> str:
        return "\n".join(f"--- worker {n}\n{w.log()}" for n, w in enumerate(self.workers))


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    require_tool(found is not None, "nginx is not installed (apt-get install nginx)")
    assert found is not None
    return found


def start_nginx(
    prefix: Path, ports: list[int], worker_connections: int = 1024
) -> tuple[subprocess.Popen[bytes], int]:
    listen = free_port()
    servers = "\n".join(f"        server 127.0.0.1:{port};" for port in ports)
    locations = documented_locations("http://quizkiosk_workers")
    (prefix / "nginx.conf").write_text(
        f"""
daemon off;
master_process off;
worker_processes 1;
user root;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections {worker_connections}; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream quizkiosk_workers {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{listen};
        {locations}
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{listen}/healthz", timeout=1).status_code == 200:
                return process, listen
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
            process.kill()
            raise RuntimeError(f"nginx did not start: {log}")
        time.sleep(0.1)


def scaled_out(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
) -> Iterator[ScaledOut]:
    nginx_binary()  # skip (or fail in CI) before starting anything
    # `trainers add` / `token` read the environment; `serve` gets the options itself.
    monkeypatch.setenv("QUIZKIOSK_DATABASE", database_url)
    data_dir = tmp_path_factory.mktemp("data")
    banks_dir = tmp_path_factory.mktemp("banks")
    shutil.copy(HERE / "every_type.yaml", banks_dir / "every_type.yaml")
    _cli(
        data_dir, "trainers", "add", "nurse", "--admin", "--password-stdin", stdin="nurse-pass-1\n"
    )
    admin_token = _cli(data_dir, "trainers", "token", "nurse")
    with running_redis(tmp_path_factory.mktemp("redis")) as redis:
        args = ("--database", database_url, "--redis", redis.url, "--trusted-proxy", "127.0.0.1")
        workers: list[RunningServer] = []
        try:
            # One after the other: the first creates the host key the others read.
            for n in range(WORKERS):
                port = free_port()
                log_path = data_dir / f"worker{n}.log"
                process = launch(data_dir, banks_dir, port, log_path, args)
                workers.append(
                    RunningServer(
                        f"http://127.0.0.1:{port}",
                        f"ws://127.0.0.1:{port}",
                        data_dir,
                        admin_token,
                        admin_token,
                        process,
                        log_path,
                        banks_dir,
                        args,
                    )
                )
            nginx, listen = start_nginx(tmp_path_factory.mktemp("nginx"), [w.port for w in workers])
            try:
                yield ScaledOut(workers, f"ws://127.0.0.1:{listen}", redis, database_url)
            finally:
                nginx.terminate()
                nginx.wait(timeout=10)
        finally:
            for worker in workers:
                if worker.process.poll() is None:
                    worker.process.kill()
                    worker.process.wait(timeout=10)
