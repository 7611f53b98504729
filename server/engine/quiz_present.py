"""What a live quiz shows: its events turned into typed messages, and its screens.

Pure functions of the game's state. `present` is how every command's events
become the Outcome the live layer delivers and archives; the screen functions
answer "what should this player / the projector show now" for a (re)connect.
Nothing that is right or wrong, nor a score that moved, leaves before the reveal:
open questions are sent without their key, and screens during an open question
use standings without that question's points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizkiosk.engine.game import (
    PODIUM_SIZE,
    AnswerKept,
    Disconnect,
    FinalStanding,
    GameFinished,
    GameStarted,
    Output,
    ParticipantJoined,
)
from quizkiosk.engine.players import Standing
from quizkiosk.engine.quiz_events import (
    LEADERBOARD_SIZE,
    AnswerAccepted,
    AnsweredCount,
    ConnectionChanged,
    Ended,
    Event,
    Joined,
    LeaderboardShown,
    Left,
    LobbyChanged,
    Paused,
    Phase,
    PlayerResult,
    QuestionClosed,
    QuestionOpened,
    Resumed,
    Returned,
    Started,
)
from quizkiosk.engine.views import texts
from quizkiosk.protocol import (
    CLOSE_KICKED,
    EVERYONE,
    HOSTS,
    PLAYERS,
    AnswerAck,
    Answered,
    EndedMsg,
    Json,
    Kicked,
    Leaderboard,
    Lobby,
    ModeSummary,
    OnePlayer,
    PausedMsg,
    PlayerJoined,
    PlayerLeft,
    PlayerStatus,
    Podium,
    QuestionShown,
    QuizScreen,
    Rank,
    Result,
    ResumedMsg,
    Reveal,
    Send,
    ServerMessage,
    StandingEntry,
)

if TYPE_CHECKING:
    from quizkiosk.engine.quiz import QuizGame

ANSWERED_EVERY = 0.25  # seconds between answered-count updates to the host
LOBBY_COUNT_EVERY = 1.0  # seconds between player-count updates to waiting phones


def present(game: QuizGame, events: list[Event], now: float) -> list[Output]:
    outputs: list[Output] = []
    for event in events:
        outputs += _outputs_of(game, event, now)
    return outputs


def _outputs_of(game: QuizGame, event: Event, now: float) -> list[Output]:
    if isinstance(event, Joined):
        p = event.player
        return [
            ParticipantJoined(p.id, p.name, p.staff_id, p.department, p.joined_at),
            *_player_joined(game, p.id, p.name),
        ]
    if isinstance(event, Returned):
        return _player_joined(game, event.player.id, event.player.name)
    if isinstance(event, ConnectionChanged):
        return [Send(HOSTS, PlayerStatus(event.player_id, event.connected))]
    if isinstance(event, Left):
        outputs: list[Output] = [
            Send(HOSTS, PlayerLeft(event.player_id, event.kicked, game.present_count)),
            *_lobby_count(game),
        ]
        if event.kicked:
            outputs += [
                Send(OnePlayer(event.player_id), Kicked("the host removed you from this game")),
                Disconnect(event.player_id, CLOSE_KICKED, "removed by the host"),
            ]
        return outputs
    if isinstance(event, LobbyChanged):
        return [Send(EVERYONE, Lobby(event.locked, game.present_count))]
    if isinstance(event, Started):
        return [GameStarted(event.at)]
    if isinstance(event, QuestionOpened):
        host = question_message(game, for_players=False, now=now)
        players = question_message(game, for_players=True, now=now)
        assert host is not None and players is not None
        return [Send(HOSTS, host), Send(PLAYERS, players)]
    if isinstance(event, Paused):
        return [Send(EVERYONE, PausedMsg(round(event.remaining * 1000)))]
    if isinstance(event, Resumed):
        remaining = max(0.0, event.deadline - now)
        return [Send(EVERYONE, ResumedMsg(round(remaining * 1000)))]
    if isinstance(event, AnswerAccepted):
        answer = event.answer
        ack = Send(OnePlayer(answer.player_id), AnswerAck(answer.question_index, answer.payload))
        if event.repeat:
            return [ack]
        kept = AnswerKept(
            player_id=answer.player_id,
            question_index=answer.question_index,
            question_id=answer.question_id,
            payload=answer.payload,
            answer=answer.answer,
            received_at=answer.received_at,
            response_ms=answer.response_ms,
            correct=answer.correct,
            points=answer.points,
        )
        return [kept, ack]
    if isinstance(event, AnsweredCount):
        return [Send(HOSTS, Answered(event.answered, event.expected), every=ANSWERED_EVERY)]
    if isinstance(event, QuestionClosed):
        count = len(event.results)
        return [
            Send(EVERYONE, reveal_message(event)),
            *(Send(OnePlayer(r.player_id), result_message(r, count)) for r in event.results),
        ]
    if isinstance(event, LeaderboardShown):
        count = len(event.standings)
        return [
            Send(EVERYONE, board_message(event.top, event.final, count)),
            *(Send(OnePlayer(s.player_id), rank_message(s, count)) for s in event.standings),
        ]
    if isinstance(event, Ended):
        count = len(event.standings)
        top = [standing_json(s) for s in event.standings[:PODIUM_SIZE]]
        finals = tuple(
            FinalStanding(s.player_id, s.rank, s.score, s.correct_count) for s in event.standings
        )
        return [
            Send(EVERYONE, EndedMsg(top, count)),
            *(Send(OnePlayer(s.player_id), rank_message(s, count)) for s in event.standings),
            GameFinished(event.at, finals),
        ]
    raise AssertionError(f"unhandled event {event!r}")


def _player_joined(game: QuizGame, player_id: str, name: str) -> list[Output]:
    joined = PlayerJoined({"id": player_id, "name": name}, game.present_count)
    return [Send(HOSTS, joined), *_lobby_count(game)]


def _lobby_count(game: QuizGame) -> list[Output]:
    # Phones waiting in the lobby see the room fill up, once a second at most, so a
    # join wave of 300 phones is not 300 broadcasts.
    if game.phase != Phase.LOBBY:
        return []
    return [Send(PLAYERS, Lobby(game.locked, game.present_count), every=LOBBY_COUNT_EVERY)]


# ---- message shapes ------------------------------------------------------------------------


def question_message(game: QuizGame, for_players: bool, now: float) -> QuestionShown | None:
    payload = game.public_question()
    current = game.current
    if payload is None or current is None:
        return None
    remaining = game.remaining(now)
    text = payload["text"]
    choices = payload.get("choices")
    if for_players and not game.settings.show_question_on_phones:
        # Phones show only the answer buttons; the projector shows the question.
        text = None
        if isinstance(choices, list):
            choices = [None] * len(choices)
    return QuestionShown(
        index=current.played.index,
        total=len(game.plan),
        kind=current.played.question.type,
        text=text if isinstance(text, dict) else None,
        time_limit=current.played.time_limit,
        points=int(str(payload["points"])),
        image=current.played.question.image,
        show_text_on_phones=game.settings.show_question_on_phones,
        remaining_ms=round((remaining or 0.0) * 1000),
        paused=current.deadline is None,
        choices=choices if isinstance(choices, list) else None,
    )


def reveal_message(event: QuestionClosed) -> Reveal:
    r = event.reveal
    return Reveal(
        index=_int(r["index"]),
        kind=str(r["kind"]),
        correct=r["correct"],
        explanation=r["explanation"] if isinstance(r["explanation"], dict) else None,
        distribution=list(r["distribution"]) if isinstance(r["distribution"], list) else [],
        answered=_int(r["answered"]),
        correct_count=_int(r["correct_count"]),
        closed_by=str(r["closed_by"]) if r.get("closed_by") is not None else None,
    )


def _int(value: object) -> int:
    assert isinstance(value, int)
    return value


def result_message(result: PlayerResult, players: int) -> Result:
    return Result(
        players=players,
        correct=result.correct,
        answered=result.answered,
        points=result.points,
        score=result.score,
        rank=result.rank,
    )


def standing_json(standing: Standing) -> StandingEntry:
    return {
        "rank": standing.rank,
        "name": standing.name,
        "score": standing.score,
        "id": standing.player_id,
    }


def board_message(top: list[Standing], final: bool, players: int) -> Leaderboard | Podium:
    entries = [standing_json(s) for s in top]
    return Podium(entries, players) if final else Leaderboard(entries, players)


def rank_message(standing: Standing, players: int) -> Rank:
    return Rank(standing.rank, standing.score, players, standing.correct_count)


# ---- screens for (re)connecting clients ------------------------------------------------------


def summary(game: QuizGame) -> ModeSummary:
    """The mode's part of the `game` object (the live layer adds id, pin and title)."""
    return {
        "mode": game.mode,
        "total": len(game.plan),
        "phase": game.phase.value,
        "locked": game.locked,
        "settings": game.settings.model_dump(),
    }


def player_screen(game: QuizGame, player_id: str, now: float) -> QuizScreen:
    if game.phase == Phase.LOBBY:
        # Nobody has scored before the first question, so everyone shares rank 1 (as
        # rank_players ranks equal scores): no ranking of the room for each welcome,
        # which made a join wave of N players O(N² log N).
        joined = player_id in game.players
        return {
            "phase": game.phase.value,
            "score": 0,
            "rank": 1 if joined else None,
            "players": len(game.players),
        }
    standings = game.public_standings()
    me = game.public_standing_of(player_id) if player_id else None
    screen: QuizScreen = {
        "phase": game.phase.value,
        "score": me.score if me else 0,
        "rank": me.rank if me else None,
        "players": len(standings),
    }
    if game.phase == Phase.QUESTION and player_id:
        screen["question"] = _wire(question_message(game, for_players=True, now=now))
        given = game.answer_of(player_id)
        screen["my_answer"] = given.payload if given else None
    elif game.phase == Phase.REVEAL:
        closed = game.last_reveal()
        if closed is not None:
            screen["reveal"] = reveal_message(closed).wire()
            mine = closed.result_of(player_id)
            if mine is not None:
                screen["result"] = result_message(mine, len(closed.results)).wire()
    elif game.phase in (Phase.LEADERBOARD, Phase.PODIUM, Phase.ENDED):
        final = game.phase != Phase.LEADERBOARD
        top = standings[: PODIUM_SIZE if final else LEADERBOARD_SIZE]
        screen["board"] = board_message(top, final, len(standings)).wire()
    return screen


def host_screen(game: QuizGame, now: float) -> QuizScreen:
    screen = player_screen(game, "", now)
    if game.phase in (Phase.QUESTION, Phase.REVEAL):
        # The projector shows the question's texts under the reveal, too.
        screen["question"] = _wire(question_message(game, for_players=False, now=now))
        current = game.current
        if current is not None:
            screen["answered"] = {
                "answered": len(current.answers),
                "expected": len(current.answers) + len(current.waiting),
            }
    screen["player_list"] = [
        {"id": p.id, "name": p.name, "connected": p.connected}
        for p in sorted(game.players.values(), key=lambda p: p.order)
        if not p.left
    ]
    return screen


def _wire(message: ServerMessage | None) -> Json | None:
    return message.wire() if message is not None else None


__all__ = ["present", "texts"]
