/**
 * countdown.js: the question countdown, as the phone and the projector both show it. Pure:
 * the clock is passed in (performance.now by default), so it runs under node's tests.
 *
 *   const clock = createCountdown();
 *   clock.set(remainingMs, paused)   from the server's question / paused / resumed messages
 *   clock.left() -> ms left now; clock.paused
 *   secondsShown(ms) -> whole seconds as shown (rounded up: 0.2 s left shows 1)
 *   fractionLeft(ms, limitMs) -> 0..1 for the bar or ring
 *   armedWarnings(remainingMs) / warningsDue(leftMs, said): the "10 seconds left" and
 *   "5 seconds left" announcements, each said once per question (not when already past it).
 *   formatClock(ms) -> "14:05" (minutes:seconds, rounded up like secondsShown), "1:02:03" from an hour
 */

export const WARNING_MARKS = [10, 5];

export function createCountdown(now) {
  const clock = now || (() => performance.now());
  let endsAt = 0;
  let remaining = 0;
  let paused = false;
  return {
    set(remainingMs, isPaused) {
      remaining = Math.max(0, Number(remainingMs) || 0);
      paused = !!isPaused;
      endsAt = clock() + remaining;
    },
    left() {
      return paused ? remaining : Math.max(0, endsAt - clock());
    },
    get paused() {
      return paused;
    },
  };
}

export function secondsShown(leftMs) {
  return Math.ceil(Math.max(0, leftMs) / 1000);
}

export function fractionLeft(leftMs, limitMs) {
  return Math.max(0, Math.min(1, leftMs / Math.max(1, limitMs)));
}

/** Marks already passed when a countdown starts are never announced. */
export function armedWarnings(remainingMs) {
  const said = {};
  for (const mark of WARNING_MARKS) said[mark] = remainingMs <= mark * 1000;
  return said;
}

/** The marks to announce now; they are recorded in `said`. */
export function warningsDue(leftMs, said) {
  const due = [];
  for (const mark of WARNING_MARKS) {
    if (!said[mark] && leftMs <= mark * 1000 && leftMs > 0) {
      said[mark] = true;
      due.push(mark);
    }
  }
  return due;
}

/** A clock face for a longer time (the case race): "m:ss", or "h:mm:ss" from an hour on. */
export function formatClock(ms) {
  const total = secondsShown(ms);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n) => (n < 10 ? "0" : "") + n;
  return hours > 0 ? hours + ":" + two(minutes) + ":" + two(seconds) : minutes + ":" + two(seconds);
}
