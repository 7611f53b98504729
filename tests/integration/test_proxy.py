"""Behind a real nginx: each phone keeps its own address, and only the proxy is believed.

The nginx configuration here is the one docs/deployment.md gives (its
`location` blocks, copied from the doc so the two cannot drift apart).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import require_tool
from tests.integration.conftest import Client, RunningServer, free_port, start_server

DEPLOYMENT_DOC = Path(__file__).parents[2] / "docs" / "deployment.md"


def documented_locations(upstream: str) -> str:
    """The `location` blocks of the nginx example in docs/deployment.md."""
    text = DEPLOYMENT_DOC.read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", text, re.DOTALL)
    assert block is not None, "docs/deployment.md has no ```nginx example"
    config = block.group(1)
    start = config.index("location")
    end = config.rindex("}")
    # The doc's example server block holds the locations; the upstream is ours.
    return config[start:end].replace("http://127.0.0.1:8000", upstream).rstrip()


@pytest.fixture
def nginx_in_front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, RunningServer]]:
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
    )
    require_tool(nginx is not None, "nginx is not installed (apt-get install nginx)")
    assert nginx is not None
    started = start_server(tmp_path_factory, True, "--trusted-proxy", "127.0.0.1")
    server = next(started)
    prefix = tmp_path_factory.mktemp("nginx")
    port = free_port()
    locations = documented_locations(server.base_url)
    (prefix / "nginx.conf").write_text(
        f"""
daemon off;
master_process off;
worker_processes 1;
user root;
error_log {prefix}/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        {locations}
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log = (prefix / "error.log").read_text() if (prefix / "error.log").exists() else ""
            raise RuntimeError(f"nginx did not start: {log}")
        time.sleep(0.1)
    yield f"ws://127.0.0.1:{port}", server
    process.terminate()
    process.wait(timeout=10)
    for _ in started:
        pass


async def wrong_pins(base: str, source: str, count: int, **options: object) -> list[str]:
    codes = []
    for n in range(count):
        guesser = await Client.connect(base, "/ws/play", local_addr=(source, 0), **options)
        await guesser.send({"type": "join", "protocol": 1, "pin": f"{200000 + n}", "name": "X"})
        codes.append((await guesser.expect("error"))["code"])
        await guesser.close()
    return codes


def test_one_phones_typos_do_not_lock_the_room_out(
    nginx_in_front: tuple[str, RunningServer],
) -> None:
    proxied, server = nginx_in_front

    async def main() -> None:
        clumsy = await wrong_pins(proxied, "127.0.0.2", 21)
        assert clumsy[-1] == "too_many_attempts"  # the clumsy phone is limited…
        game = server.create_game()
        # …and the phone next to it, on the same proxy, joins as usual.
        neighbour = await Client.connect(proxied, "/ws/play", local_addr=("127.0.0.3", 0))
        await neighbour.send({"type": "join", "protocol": 1, "pin": game["pin"], "name": "Next"})
        welcome = await neighbour.expect("welcome")
        assert welcome["player"]["name"] == "Next"

    asyncio.run(main())


def test_forwarded_headers_from_anyone_but_the_proxy_are_ignored(
    nginx_in_front: tuple[str, RunningServer],
) -> None:
    _, server = nginx_in_front

    async def main() -> None:
        # Straight to the server from an address that is not the proxy, rotating the
        # header: still one address, still limited.
        codes = []
        for n in range(21):
            headers = {"X-Forwarded-For": f"10.9.{n}.1"}
            codes += await wrong_pins(server.ws_url, "127.0.0.4", 1, additional_headers=headers)
        assert codes[-1] == "too_many_attempts"

    asyncio.run(main())
