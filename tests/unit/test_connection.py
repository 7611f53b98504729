"""Per-connection send queues: bounded, never waited on, slow clients dropped,
and every end of a connection carries a close code."""

from __future__ import annotations

import asyncio

from quizkiosk.live.connection import CLOSE_ENDED, CLOSE_NORMAL, CLOSE_TOO_SLOW, Connection


def test_frames_go_out_in_order() -> None:
    async def main() -> None:
        sent: list[str] = []
        closed: list[int] = []

        async def send_text(frame: str) -> None:
            sent.append(frame)

        async def close(code: int, reason: str) -> None:
            closed.append(code)

        connection = Connection(send_text, close, queue_limit=4)
        connection.send("a")
        connection.send("b")
        await asyncio.sleep(0.01)
        assert sent == ["a", "b"]
        assert closed == []
        await connection.shutdown()
        assert closed == [CLOSE_NORMAL]

    asyncio.run(main())


def test_a_client_too_slow_to_drain_its_queue_is_disconnected_not_waited_for() -> None:
    async def main() -> None:
        closed: list[int] = []
        never = asyncio.Event()

        async def stuck_send(frame: str) -> None:
            await never.wait()  # a phone that stopped reading

        async def close(code: int, reason: str) -> None:
            closed.append(code)

        connection = Connection(stuck_send, close, queue_limit=3)
        for n in range(10):
            connection.send(f"frame {n}")  # returns at once every time
        await asyncio.sleep(0.01)
        assert connection.closed
        assert closed == [CLOSE_TOO_SLOW]
        connection.send("after close")  # ignored, no error
        await connection.shutdown()
        assert closed == [CLOSE_TOO_SLOW]  # the first reason stands

    asyncio.run(main())


def test_queued_frames_go_out_before_the_close_frame() -> None:
    async def main() -> None:
        log: list[str] = []

        async def send_text(frame: str) -> None:
            await asyncio.sleep(0.001)
            log.append(frame)

        async def close(code: int, reason: str) -> None:
            log.append(f"close {code} {reason}")

        connection = Connection(send_text, close)
        connection.send("ended")
        connection.send("rank")
        await connection.shutdown(CLOSE_ENDED, "the game is over")
        assert log == ["ended", "rank", "close 4000 the game is over"]

    asyncio.run(main())


def test_a_client_that_is_gone_is_closed_without_waiting_for_its_queue() -> None:
    async def main() -> None:
        closed: list[int] = []

        async def broken_send(frame: str) -> None:
            raise ConnectionResetError

        async def close(code: int, reason: str) -> None:
            closed.append(code)

        connection = Connection(broken_send, close)
        connection.send("one")
        connection.send("two")
        await asyncio.sleep(0.01)
        started = asyncio.get_running_loop().time()
        await connection.shutdown()
        assert asyncio.get_running_loop().time() - started < 0.5
        assert closed == [CLOSE_NORMAL]

    asyncio.run(main())


def test_an_idle_connection_writes_at_once_without_a_task() -> None:
    async def main() -> None:
        sent: list[str] = []

        async def send_text(frame: str) -> None:
            sent.append(frame)

        async def close(code: int, reason: str) -> None:
            return None

        connection = Connection(send_text, close)
        tasks_before = len(asyncio.all_tasks())
        connection.send("now")
        assert sent == ["now"]  # before any await: no task, no queue
        assert len(asyncio.all_tasks()) == tasks_before

    asyncio.run(main())


def test_a_backed_up_socket_finishes_in_order_then_goes_back_to_writing_at_once() -> None:
    async def main() -> None:
        sent: list[str] = []
        writable = asyncio.Event()

        async def send_text(frame: str) -> None:
            await writable.wait()  # like uvicorn's send while the buffer is full
            sent.append(frame)

        async def close(code: int, reason: str) -> None:
            return None

        connection = Connection(send_text, close)
        for n in range(5):
            connection.send(f"f{n}")
        await asyncio.sleep(0.01)
        assert sent == []
        writable.set()
        await asyncio.sleep(0.01)
        assert sent == ["f0", "f1", "f2", "f3", "f4"]
        connection.send("f5")
        assert sent[-1] == "f5"  # idle again: written at once

    asyncio.run(main())
