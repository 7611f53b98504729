"""Per-connection send queues: bounded, never waited on, slow clients dropped."""

from __future__ import annotations

import asyncio

from server.live.connection import CLOSE_TOO_SLOW, Connection


def test_frames_go_out_in_order_and_report_when_sent() -> None:
    async def main() -> None:
        sent: list[str] = []
        seen_at: list[float] = []

        async def send_text(frame: str) -> None:
            sent.append(frame)

        async def close(code: int, reason: str) -> None:
            raise AssertionError("not closed")

        connection = Connection(send_text, close, queue_limit=4)
        connection.send("a")
        connection.send("b", on_sent=seen_at.append)
        await asyncio.sleep(0.01)
        assert sent == ["a", "b"]
        assert len(seen_at) == 1
        await connection.finish()

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
        await connection.finish()

    asyncio.run(main())
