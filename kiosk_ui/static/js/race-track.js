/**
 * race-track.js: the projector's race track as data (pure; node's tests run it), from the
 * host's `race_track` message (docs/case-race.md):
 *
 *   laneRows(track, limit) -> [{key, id, name, row, rank, steps, total, at, finished, timeMs,
 *       leader, team}] the leading participants, `row` their place on screen (0 = top) and
 *       `at` 0..1 along the track (finished = 1)
 *   teamRows(track) -> the same shape for teams (progress = the members' mean steps)
 *   laneLimit(track, roomy) -> how many lanes to draw: all that came, or fewer when the
 *       histogram needs the room (more participants than lanes)
 *   showsHistogram(track) -> true when not everyone has a lane
 *   histogramBars(histogram) -> [{steps, onStep, count, height, finish}] one bar per step
 *       (count: how many are on that step; the last bar: finished), height 0..1 of the tallest
 *   caseMarks(cases, total) -> [0..1] where each case after the first begins on the track
 *   newArrivals(before, now) -> ids in `now` not in `before` (finishers landing on the podium)
 *   markerText(name) -> the initials drawn on a lane's marker
 */

export const LANES_WITH_HISTOGRAM = 8;

function fraction(steps, total) {
  if (!total) return 0;
  return Math.max(0, Math.min(1, steps / total));
}

export function showsHistogram(track) {
  const lanes = (track && track.lanes) || [];
  return !!track && (track.participants || 0) > lanes.length;
}

export function laneLimit(track, roomy) {
  const lanes = (track && track.lanes) || [];
  if (showsHistogram(track) && !roomy) return Math.min(lanes.length, LANES_WITH_HISTOGRAM);
  return lanes.length;
}

export function laneRows(track, limit) {
  const total = (track && track.total) || 0;
  const lanes = ((track && track.lanes) || []).slice(0, limit === undefined ? undefined : limit);
  return lanes.map((lane, row) => ({
    key: "p:" + lane.id,
    id: lane.id,
    name: lane.name,
    row: row,
    rank: lane.rank,
    steps: lane.steps,
    total: total,
    at: lane.finished ? 1 : fraction(lane.steps, total),
    finished: !!lane.finished,
    timeMs: lane.time_ms === undefined ? null : lane.time_ms,
    leader: lane.rank <= 3 && (lane.finished || lane.steps > 0),
    team: lane.team || null,
  }));
}

export function teamRows(track) {
  const total = (track && track.total) || 0;
  return ((track && track.teams) || []).map((team, row) => ({
    key: "t:" + team.name,
    id: team.name,
    name: team.name,
    row: row,
    rank: team.rank,
    steps: team.progress,
    total: total,
    at: team.all_finished ? 1 : fraction(team.progress, total),
    finished: !!team.all_finished,
    timeMs: null,
    leader: team.rank <= 3 && (team.all_finished || team.progress > 0),
    members: team.members,
    team: null,
  }));
}

export function histogramBars(histogram) {
  const counts = Array.isArray(histogram) ? histogram : [];
  const most = Math.max(1, ...counts);
  const last = counts.length - 1;
  return counts.map((count, steps) => ({
    steps: steps,
    onStep: steps + 1,
    count: count,
    height: count / most,
    finish: steps === last,
  }));
}

export function caseMarks(cases, total) {
  const marks = [];
  let done = 0;
  (cases || []).forEach((c, i) => {
    if (i > 0 && total) marks.push(done / total);
    done += c.steps || 0;
  });
  return marks;
}

export function newArrivals(before, now) {
  const seen = new Set((before || []).map((entry) => entry.id));
  return (now || []).filter((entry) => !seen.has(entry.id)).map((entry) => entry.id);
}

export function markerText(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  if (!words.length) return "?";
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : [words[0]];
  return letters.map((word) => Array.from(word)[0].toUpperCase()).join("");
}
