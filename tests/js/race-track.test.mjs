// The projector's race track as data: lanes, teams, the histogram, case marks, arrivals.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  LANES_WITH_HISTOGRAM,
  caseMarks,
  histogramBars,
  laneLimit,
  laneRows,
  markerText,
  newArrivals,
  showsHistogram,
  teamRows,
} from "../../kiosk_ui/static/js/race-track.js";

const lane = (id, rank, steps, extra) =>
  Object.assign({ id, name: "P" + id, rank, finished: false, steps, time_ms: null, first_try: steps, team: null }, extra);

const track = (lanes, participants, extra) =>
  Object.assign({ total: 8, participants, lanes, histogram: [], finishers: [], teams: [], hardest: null }, extra);

test("each lane is a participant at steps / total, the finished at the finish line", () => {
  const rows = laneRows(
    track([lane("a", 1, 8, { finished: true, time_ms: 61000 }), lane("b", 2, 4), lane("c", 3, 0), lane("d", 4, 2)], 4),
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.row, r.at, r.finished, r.timeMs]),
    [
      ["p:a", 0, 1, true, 61000],
      ["p:b", 1, 0.5, false, null],
      ["p:c", 2, 0, false, null],
      ["p:d", 3, 0.25, false, null],
    ],
  );
  // Leaders: the top three once they have moved at all.
  assert.deepEqual(rows.map((r) => r.leader), [true, true, false, false]);
});

test("shared ranks keep their number; a lane never runs past the finish", () => {
  const rows = laneRows(track([lane("a", 1, 3), lane("b", 1, 3), lane("c", 3, 99)], 3));
  assert.deepEqual(rows.map((r) => r.rank), [1, 1, 3]);
  assert.equal(rows[2].at, 1);
  assert.deepEqual(laneRows({ total: 0, lanes: [lane("a", 1, 0)] }).map((r) => r.at), [0]);
  assert.deepEqual(laneRows(null), []);
});

test("more participants than lanes: the histogram, and fewer lanes to make room for it", () => {
  const twelve = Array.from({ length: 12 }, (_, i) => lane(String(i), i + 1, 12 - i));
  const room = track(twelve, 12);
  assert.equal(showsHistogram(room), false);
  assert.equal(laneLimit(room), 12);
  const crowd = track(twelve, 300);
  assert.equal(showsHistogram(crowd), true);
  assert.equal(laneLimit(crowd), LANES_WITH_HISTOGRAM);
  assert.equal(laneLimit(crowd, true), 12);
  assert.equal(laneRows(crowd, laneLimit(crowd)).length, LANES_WITH_HISTOGRAM);
  assert.equal(showsHistogram(null), false);
});

test("histogram bars: how many are on each step, the last bar the finished, heights to the tallest", () => {
  const bars = histogramBars([5, 10, 0, 2]);
  assert.deepEqual(
    bars.map((b) => [b.steps, b.onStep, b.count, b.height, b.finish]),
    [
      [0, 1, 5, 0.5, false],
      [1, 2, 10, 1, false],
      [2, 3, 0, 0, false],
      [3, 4, 2, 0.2, true],
    ],
  );
  assert.deepEqual(histogramBars([0, 0]).map((b) => b.height), [0, 0]); // nobody yet: no division by zero
  assert.deepEqual(histogramBars(undefined), []);
});

test("teams are lanes too: progress is the members' mean steps", () => {
  const rows = teamRows(
    track([], 5, {
      teams: [
        { rank: 1, name: "Therapy", members: 2, progress: 8, finished: true, all_finished: true },
        { rank: 2, name: "Surgery", members: 3, progress: 2.67, finished: false, all_finished: false },
        { rank: 3, name: "Lab", members: 1, progress: 0, finished: false, all_finished: false },
      ],
    }),
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.row, r.at, r.finished, r.members, r.leader]),
    [
      ["t:Therapy", 0, 1, true, 2, true],
      ["t:Surgery", 1, 2.67 / 8, false, 3, true],
      ["t:Lab", 2, 0, false, 1, false],
    ],
  );
});

test("case marks: where each case after the first begins", () => {
  assert.deepEqual(caseMarks([{ steps: 4 }, { steps: 4 }], 8), [0.5]);
  assert.deepEqual(caseMarks([{ steps: 2 }, { steps: 3 }, { steps: 5 }], 10), [0.2, 0.5]);
  assert.deepEqual(caseMarks([{ steps: 9 }], 9), []);
  assert.deepEqual(caseMarks(undefined, 9), []);
});

test("new arrivals on the podium are the finishers not there before", () => {
  const a = { id: "a" };
  const b = { id: "b" };
  const c = { id: "c" };
  assert.deepEqual(newArrivals([a], [a, b, c]), ["b", "c"]);
  assert.deepEqual(newArrivals([a, b], [a, b]), []);
  assert.deepEqual(newArrivals(null, [a]), ["a"]);
});

test("a marker shows the initials of first and last name", () => {
  assert.equal(markerText("Dilnoza Karimova"), "DK");
  assert.equal(markerText("  bobur  "), "B");
  assert.equal(markerText("Ali Vali Soli"), "AS");
  assert.equal(markerText("Ōйбек"), "Ō");
  assert.equal(markerText(""), "?");
});
