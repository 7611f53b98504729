"""Rate limits: sliding windows per key, and login attempts counted before the check."""

from __future__ import annotations

from quizkiosk.live.ratelimit import AttemptGuard, FailureWindow, SlidingWindow


def test_a_window_blocks_at_its_limit_and_forgets_old_events() -> None:
    window = SlidingWindow(limit=3, window_seconds=60)
    for at in (0.0, 1.0, 2.0):
        assert not window.blocked("a", now=at)
        window.add("a", now=at)
    assert window.blocked("a", now=3.0)
    assert window.retry_after("a", now=3.0) == 57
    assert not window.blocked("b", now=3.0)  # per key
    assert not window.blocked("a", now=60.5)  # the first event slid out


def test_a_window_keeps_a_bounded_number_of_keys() -> None:
    window = FailureWindow(limit=1, window_seconds=60, max_keys=2)
    for key in ("a", "b", "c"):
        window.fail(key, now=0.0)
    assert not window.blocked("a", now=1.0)  # the oldest key was forgotten
    assert window.blocked("c", now=1.0)


def test_attempts_are_counted_before_they_are_checked() -> None:
    guard = AttemptGuard(per_address=10, per_account=10, window_seconds=60)
    # 40 requests in flight at once: each counts when it starts, so 10 get through.
    started = [guard.begin("10.0.0.1", "nurse", now=0.0) for _ in range(40)]
    assert sum(attempt is not None for attempt in started) == 10


def test_a_success_takes_back_only_its_own_attempt() -> None:
    guard = AttemptGuard(per_address=10, per_account=10, window_seconds=60)
    for _ in range(9):
        assert guard.begin("10.0.0.1", "nurse", now=0.0) is not None  # wrong passwords
    right = guard.begin("10.0.0.1", "other", now=1.0)
    assert right is not None
    right.succeeded()
    # The nine failures stay: one more guess, then the address is blocked.
    assert guard.begin("10.0.0.1", "nurse", now=2.0) is not None
    assert guard.begin("10.0.0.1", "nurse", now=2.0) is None
    assert guard.begin("10.0.0.1", "other", now=2.0) is None


def test_an_account_under_attack_is_limited_from_every_address() -> None:
    guard = AttemptGuard(per_address=10, per_account=5, window_seconds=60)
    for n in range(5):
        assert guard.begin(f"10.0.0.{n}", "nurse", now=0.0) is not None
    assert guard.begin("10.0.0.99", "nurse", now=1.0) is None
    assert guard.retry_after("10.0.0.99", "nurse", now=1.0) == 59
    assert guard.begin("10.0.0.99", "doctor", now=1.0) is not None
    assert guard.begin("10.0.0.99", "NURSE", now=1.0) is None  # names are case-insensitive
