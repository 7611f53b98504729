"""Who may read a session's reports, through every report API route and export:
anonymous, a player, another trainer, a trainer of the same polyclinic with report
sharing on and off, the owner, an admin (the rule: trainer_common.report_owners)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import RunningServer, host, player, start_server
from tests.integration.test_crash_recovery import press

STAFF, DEPARTMENT = "SHARE-1", "Sharing ward"
GAME_ROUTES = ("report", "results", "export.csv", "export.xlsx")


def cli(server: RunningServer, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "quizkiosk.cli", *args, "--data-dir", str(server.data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def add_trainer(server: RunningServer, name: str, polyclinic: str | None) -> str:
    cli(server, "trainers", "add", name, "--password-stdin", stdin=f"{name}-password\n")
    if polyclinic is not None:
        cli(server, "trainers", "polyclinic", name, polyclinic)
    return cli(server, "trainers", "token", name)


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server with a played session of `aziza` (polyclinic 3), a colleague `bobur`
    in the same polyclinic, `sardor` from polyclinic 5, and the admin `nurse`."""
    running = start_server(tmp_path_factory)
    server = next(running)
    tokens = {
        "owner": add_trainer(server, "aziza", "Polyclinic 3"),
        "colleague": add_trainer(server, "bobur", "  Polyclinic   3 "),
        "other": add_trainer(server, "sardor", "Polyclinic 5"),
        "admin": server.admin_token,
    }
    game = server.create_game(token=tokens["owner"], time_per_question=30)

    async def play() -> str:
        projector = await host(server, game)
        phone = await player(server, game["pin"], "Malika", staff_id=STAFF, department=DEPARTMENT)
        await press(projector, {"type": "start"})
        await phone.expect("question", index=0)
        await phone.send({"type": "answer", "question": 0, "value": 0})  # A: wrong
        await phone.expect("answer_ack")
        await press(projector, {"type": "end"})
        await projector.expect("ended")
        return str(phone.received[0]["resume_token"])

    player_token = asyncio.run(play())
    yield {"server": server, "tokens": tokens, "game": game, "player": player_token}
    next(running, None)


def sees(server: RunningServer, game_id: str, token: str | None) -> dict[str, object]:
    """What each report route answers this caller: a status, or whether the session's
    data is in the list."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    seen: dict[str, object] = {}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as client:
        for route in GAME_ROUTES:
            seen[route] = client.get(f"/api/v1/games/{game_id}/{route}").status_code
        seen["staff"] = client.get(f"/api/v1/staff/{STAFF}").status_code
        lists = {
            "sessions": client.get("/api/v1/sessions", params={"per_page": 100}),
            "refreshers": client.get(
                "/api/v1/refreshers", params={"threshold": 100, "min_answers": 1}
            ),
            "heatmap": client.get("/api/v1/heatmap"),
        }
        for name, response in lists.items():
            if response.status_code != 200:
                seen[name] = response.status_code
                continue
            body = response.json()
            if name == "sessions":
                seen[name] = any(s["game_id"] == game_id for s in body["sessions"])
            elif name == "refreshers":
                seen[name] = any(n["staff_id"] == STAFF for n in body["needs"])
            else:
                seen[name] = any(c["department"] == DEPARTMENT for c in body)
    return seen


ALLOWED = {
    **{route: 200 for route in GAME_ROUTES},
    "staff": 200,
    "sessions": True,
    "refreshers": True,
    "heatmap": True,
}
REFUSED = {
    **{route: 403 for route in GAME_ROUTES},
    "staff": 404,
    "sessions": False,
    "refreshers": False,
    "heatmap": False,
}
UNAUTHENTICATED = {key: 401 for key in ALLOWED}


def set_sharing(server: RunningServer, on: bool) -> None:
    said = cli(server, "trainers", "sharing", "on" if on else "off")
    assert ("is on" in said) is on


@pytest.mark.parametrize("sharing", [False, True], ids=["sharing off", "sharing on"])
def test_the_authorisation_matrix_of_every_report_route_and_export(
    clinic: dict[str, Any], sharing: bool
) -> None:
    server: RunningServer = clinic["server"]
    tokens: dict[str, str] = clinic["tokens"]
    game_id = clinic["game"]["game_id"]
    set_sharing(server, sharing)
    try:
        assert sees(server, game_id, None) == UNAUTHENTICATED  # anonymous
        assert sees(server, game_id, clinic["player"]) == UNAUTHENTICATED  # a player
        assert sees(server, game_id, tokens["other"]) == REFUSED  # another polyclinic
        assert sees(server, game_id, tokens["colleague"]) == (ALLOWED if sharing else REFUSED)
        assert sees(server, game_id, tokens["owner"]) == ALLOWED
        assert sees(server, game_id, tokens["admin"]) == ALLOWED
    finally:
        set_sharing(server, False)


def test_sharing_is_off_by_default_and_lists_narrow_to_one_shared_trainer(
    clinic: dict[str, Any],
) -> None:
    server: RunningServer = clinic["server"]
    tokens: dict[str, str] = clinic["tokens"]
    assert "is off" in cli(server, "trainers", "sharing")
    listing = cli(server, "trainers", "list")
    assert "bobur\ttrainer\tPolyclinic 3" in listing  # the name's spaces were tidied
    set_sharing(server, True)
    try:
        with server.api(tokens["colleague"]) as colleague:
            theirs = colleague.get("/api/v1/sessions", params={"trainer": "aziza"}).json()
            # A trainer outside the polyclinic cannot be asked for: only their own show.
            outside = colleague.get("/api/v1/sessions", params={"trainer": "sardor"}).json()
        assert theirs["sessions"] and {s["trainer"] for s in theirs["sessions"]} == {"aziza"}
        assert all(s["trainer"] == "bobur" for s in outside["sessions"])
        # Sharing reports is not sharing the game: the colleague cannot end or host it.
        with server.api(tokens["colleague"]) as colleague:
            ended = colleague.post(f"/api/v1/games/{clinic['game']['game_id']}/end")
        assert ended.status_code in (403, 404)
    finally:
        set_sharing(server, False)


def test_a_trainer_taken_out_of_the_polyclinic_no_longer_shares(clinic: dict[str, Any]) -> None:
    server: RunningServer = clinic["server"]
    tokens: dict[str, str] = clinic["tokens"]
    game_id = clinic["game"]["game_id"]
    set_sharing(server, True)
    try:
        cli(server, "trainers", "polyclinic", "bobur", "--none")
        assert sees(server, game_id, tokens["colleague"]) == REFUSED
    finally:
        cli(server, "trainers", "polyclinic", "bobur", "Polyclinic 3")
        set_sharing(server, False)
