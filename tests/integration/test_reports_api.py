"""The session report through the API: only the game's trainer or an admin sees it."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx

from tests.integration.conftest import RunningServer, host, player


def test_the_report_of_a_played_game_and_who_may_read_it(server: RunningServer) -> None:
    game = server.create_game(token=server.trainer_token, time_per_question=20)

    async def main() -> None:
        projector = await host(server, game)
        ann = await player(server, game["pin"], "Ann", staff_id="T-1")
        bob = await player(server, game["pin"], "Bob")
        await projector.send({"type": "start"})
        question = await ann.expect("question", index=0)
        labels = [choice["en"] for choice in question["choices"]]
        await ann.send({"type": "answer", "question": 0, "value": labels.index("B")})  # right
        await bob.send({"type": "answer", "question": 0, "value": labels.index("A")})  # wrong
        await ann.expect("answer_ack")
        await bob.expect("answer_ack")
        await projector.expect("reveal")
        await projector.send({"type": "end"})
        await projector.expect("ended")

    asyncio.run(main())
    path = f"/api/v1/games/{game['game_id']}/report"
    assert httpx.get(f"{server.base_url}{path}").status_code == 401
    with server.api(server.trainer_token) as owner:
        report = owner.get(path).json()
    with server.api(server.admin_token) as admin:
        assert admin.get(path).status_code == 200
        assert admin.get("/api/v1/games/nope/report").status_code == 404
    assert report["mode"] == "quiz" and report["bank_id"] == "every-type"
    single = next(q for q in report["questions"] if q["question_id"] == "single")
    assert single["answered"] == 2 and single["correct"] == 1
    assert [(c["label"]["en"], c["count"], c["correct"]) for c in single["choices"]] == [
        ("A", 1, False),
        ("B", 1, True),
        ("C", 0, False),
    ]
    names = [p["name"] for p in report["participants"]]
    assert names == ["Ann", "Bob"] and report["participants"][0]["staff_id"] == "T-1"


def test_another_trainer_may_not_read_a_report(server: RunningServer) -> None:
    game = server.create_game()  # the admin's game
    with server.api(server.trainer_token) as other:
        response = other.get(f"/api/v1/games/{game['game_id']}/report")
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_owner"


def test_the_sessions_list_shows_a_trainer_their_own_and_an_admin_everyone(
    server: RunningServer,
) -> None:
    mine = server.create_game(token=server.trainer_token)
    theirs = server.create_game()
    with server.api(server.trainer_token) as trainer:
        listed = trainer.get("/api/v1/sessions", params={"per_page": 100}).json()
        bad = trainer.get("/api/v1/sessions", params={"from": "yesterday"})
    ids = {s["game_id"] for s in listed["sessions"]}
    assert mine["game_id"] in ids and theirs["game_id"] not in ids
    assert bad.status_code == 422 and "expected a date" in bad.json()["error"]["message"]
    with server.api() as admin:
        everyone = admin.get("/api/v1/sessions", params={"per_page": 100}).json()
        only_doctor = admin.get("/api/v1/sessions", params={"trainer": "doctor"}).json()
    assert {mine["game_id"], theirs["game_id"]} <= {s["game_id"] for s in everyone["sessions"]}
    assert all(s["trainer"] == "doctor" for s in only_doctor["sessions"])
    assert httpx.get(f"{server.base_url}/api/v1/sessions").status_code == 401


def test_exports_through_the_api_and_the_command_line(server: RunningServer) -> None:
    game = server.create_game()
    path = f"/api/v1/games/{game['game_id']}/export"
    with server.api() as admin:
        as_csv = admin.get(f"{path}.csv", params={"lang": "ru"})
        as_xlsx = admin.get(f"{path}.xlsx")
        unknown = admin.get(f"{path}.pdf")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.text.lstrip("\ufeff").startswith("Участник")
    assert as_xlsx.status_code == 200 and as_xlsx.content[:2] == b"PK"  # a zip: XLSX
    assert unknown.status_code == 404
    with server.api(server.trainer_token) as other:
        assert other.get(f"{path}.csv").status_code == 403
    output = server.data_dir / "export.xlsx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizkiosk.cli",
            "export",
            game["game_id"],
            "-o",
            str(output),
            "--data-dir",
            str(server.data_dir),
            "--banks",
            str(server.banks_dir),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert output.read_bytes()[:2] == b"PK"
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizkiosk.cli",
            "export",
            "nope",
            "-o",
            str(output),
            "--data-dir",
            str(server.data_dir),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 1 and "no session 'nope'" in missing.stdout


def test_staff_records_refreshers_and_the_heat_map_follow_staff_across_sessions(
    server: RunningServer,
) -> None:
    async def play(wrong: bool) -> None:
        game = server.create_game(time_per_question=20, require_staff_id=True)
        projector = await host(server, game)
        nurse = await player(server, game["pin"], "Nurse", staff_id="S-77", department="ENT")
        await projector.send({"type": "start"})
        question = await nurse.expect("question", index=0)
        labels = [choice["en"] for choice in question["choices"]]
        value = labels.index("A" if wrong else "B")
        await nurse.send({"type": "answer", "question": 0, "value": value})
        await nurse.expect("answer_ack")
        await projector.expect("reveal")
        await projector.send({"type": "end"})
        await projector.expect("ended")

    for wrong in (True, True, True, False):  # four sessions, one right
        asyncio.run(play(wrong))
    with server.api() as admin:
        record = admin.get("/api/v1/staff/S-77").json()
        needs_page = admin.get("/api/v1/refreshers").json()
        needs = needs_page["needs"]
        second = admin.get("/api/v1/refreshers", params={"per_page": 1, "page": 2}).json()
        assert admin.get("/api/v1/refreshers", params={"per_page": "0"}).status_code == 422
        cells = admin.get("/api/v1/heatmap").json()
        assert admin.get("/api/v1/staff/nobody").status_code == 404
        assert admin.get("/api/v1/refreshers", params={"threshold": "0"}).status_code == 422
    assert record["answered"] == 4 and record["right"] == 1 and record["accuracy"] == 25.0
    assert record["departments"] == ["ENT"]
    assert any(n["staff_id"] == "S-77" and n["department"] == "ENT" for n in needs)
    assert needs_page["total"] == len(needs) and needs_page["per_page"] == 100
    assert second["page"] == 2 and second["needs"] == needs[1:2]
    assert record["name"]  # the name the staff member gave
    assert any(c["department"] == "ENT" and c["participants"] == 1 for c in cells)
    with server.api(server.trainer_token) as other:  # not their sessions
        assert other.get("/api/v1/staff/S-77").status_code == 404


def test_an_admin_merges_a_participant_into_a_staff_record_and_erases_personal_data(
    server: RunningServer,
) -> None:
    async def play(staff_id: str | None) -> tuple[str, str]:
        game = server.create_game(time_per_question=20)
        projector = await host(server, game)
        extra = {"staff_id": staff_id} if staff_id else {}
        phone = await player(server, game["pin"], "Gulnora", department="Therapy", **extra)
        await projector.send({"type": "start"})
        question = await phone.expect("question", index=0)
        labels = [choice["en"] for choice in question["choices"]]
        await phone.send({"type": "answer", "question": 0, "value": labels.index("B")})
        await phone.expect("answer_ack")
        await projector.send({"type": "end"})
        await projector.expect("ended")
        return game["game_id"], phone.received[0]["player"]["id"]

    asyncio.run(play("G-5"))
    loose_game, loose_player = asyncio.run(play(None))  # joined without her staff ID
    path = f"/api/v1/participants/{loose_game}/{loose_player}"
    with server.api(server.trainer_token) as trainer:
        assert trainer.post(path, json={"staff_id": "G-5"}).status_code == 403
    with server.api() as admin:
        assert admin.get("/api/v1/staff/G-5").json()["answered"] == 1
        assert admin.post(path, json={"staff_id": ""}).status_code == 422
        assert admin.post(path, json={"staff_id": "G-5"}).json() == {"updated": True}
        merged = admin.get("/api/v1/staff/G-5").json()
        assert merged["answered"] == 2 and merged["name"] == "Gulnora"
        in_heat_map = admin.get("/api/v1/heatmap").json()
        assert admin.post("/api/v1/staff/G-5/erase", json={}).json() == {"erased": 2}
        assert admin.get("/api/v1/staff/G-5").status_code == 404
        # Erased: in no roll-up by department any more (no staff ID, no department).
        assert any(c["department"] == "Therapy" for c in in_heat_map)
        assert not any(c["department"] == "Therapy" for c in admin.get("/api/v1/heatmap").json())
        report = admin.get(f"/api/v1/games/{loose_game}/report").json()
    # Her answer still counts, anonymously.
    assert report["participants"][0]["name"] == "—"
    assert report["participants"][0]["staff_id"] is None
    single = next(q for q in report["questions"] if q["question_id"] == "single")
    assert single["answered"] == 1 and single["correct"] == 1
