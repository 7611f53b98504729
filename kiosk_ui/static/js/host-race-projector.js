/**
 * host-race-projector.js: the case race on the projector (templates/host_race.html): the lobby
 * (QR code, PIN, players and their teams), the race track, the final podium, and the control
 * bar. The track: one lane per leading participant (or per team), its marker moving step by
 * step to the finish line; the leaders highlighted; the time left counting down here between
 * the server's updates; finishers landing on a small podium as they arrive; the hardest step
 * so far; and, when not everyone has a lane, a histogram of how many are on each step.
 * The layout as data is race-track.js. Lanes are kept by participant, so a marker slides
 * (CSS transitions on --at and --row) instead of jumping.
 *
 *   raceProjector: the view host-race-messages.js drives (rebuild, render, renderCounts,
 *   trackChanged, playerJoined, playerLeft, playerChanged, tick)
 */

import { announce } from "./announce.js";
import { el } from "./dom.js";
import { localized, t, tn } from "./i18n.js";
import { formatClock } from "./countdown.js";
import { $, game } from "./host-state.js";
import { addPlayer, markOverflow, rebuildPlayerList, refreshPlayer, removePlayer } from "./host-players.js";
import { configureTeams } from "./host-race-teams.js";
import {
  caseMarks,
  histogramBars,
  laneLimit,
  laneRows,
  markerText,
  newArrivals,
  showsHistogram,
  teamRows,
} from "./race-track.js";

const SCREENS = ["loading", "lobby", "track", "podium", "gone"];
const MIN_ROWS = 6; // a few participants still get lanes of a sensible height
const lanes = new Map(); // key -> <li>

export function screenFor(phase) {
  if (phase === "race") return "track";
  if (phase === "ended") return "podium";
  return SCREENS.includes(phase) ? phase : "loading";
}

export const raceProjector = {
  rebuild() {
    configureTeams();
    rebuildPlayerList();
    $("race-lanes").replaceChildren();
    lanes.clear();
    this.render();
  },

  playerJoined(player) {
    addPlayer(player);
    this.renderCounts();
  },

  playerLeft(playerId) {
    removePlayer(playerId);
    this.renderCounts();
  },

  playerChanged(player) {
    refreshPlayer(player);
  },

  trackChanged(before, track, started) {
    if (started) this.render();
    else if (game.phase === "race") renderTrack(before);
    this.renderCounts();
  },

  render() {
    const screen = screenFor(game.phase);
    $("stage").dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
    if (screen === "lobby") renderLobby();
    if (screen === "track") renderTrack(null);
    if (screen === "podium") renderPodium();
    renderBar();
    renderControls();
    this.renderCounts();
    this.tick();
  },

  renderCounts() {
    markOverflow();
    $("bar-players").textContent = tn("%(num)s player", "%(num)s players", game.playerCount);
    $("joined-count").textContent = String(game.playerCount);
    $("lobby-empty").hidden = game.playerCount > 0;
    $("kick-hint").hidden = game.playerCount === 0;
    const hostTeams = (game.settings || {}).teams === "host";
    $("team-tools").hidden = !hostTeams || game.phase !== "lobby" || game.playerCount < 2;
  },

  tick() {
    const face = $("race-clock");
    const left = game.phase === "race" ? game.clock.left() : game.phase === "ended" ? 0 : game.clock.left();
    $("race-clock-time").textContent = formatClock(left);
    face.classList.toggle("low", left < 60000 && game.phase === "race");
    face.classList.toggle("paused", game.paused);
  },
};

function renderBar() {
  $("bar-pin").hidden = game.phase !== "race" || game.locked;
}

function renderControls() {
  const next = $("next-button");
  const lobby = game.phase === "lobby";
  next.hidden = !lobby;
  next.disabled = !lobby;
  next.textContent = `${t("Start the race")} ▶`;
  $("next-key-hint").hidden = !lobby;
  const pause = $("pause-toggle");
  pause.hidden = game.phase !== "race";
  pause.replaceChildren(
    document.createTextNode(game.paused ? `▶ ${t("Resume")} ` : `${t("Pause")} `),
    el("kbd", "", "P"),
  );
  const live = lobby || game.phase === "race";
  const lock = $("lock-toggle");
  lock.hidden = !live;
  lock.setAttribute("aria-pressed", String(game.locked));
  lock.textContent = game.locked ? t("Unlock") : t("Lock");
  $("end-button").hidden = !live;
  $("remote-link").hidden = game.phase === "gone";
}

function raceFacts() {
  const settings = game.settings || {};
  const parts = [
    tn("%(num)s case", "%(num)s cases", game.cases.length || 1),
    tn("%(num)s step", "%(num)s steps", game.total),
    tn("%(num)s minute", "%(num)s minutes", Math.round((settings.time_limit || 0) / 60)),
  ];
  if (settings.penalty) parts.push(t("wait %(seconds)s s after a wrong answer", { seconds: settings.penalty }));
  return parts.join(" · ");
}

function renderLobby() {
  $("lobby-locked-banner").hidden = !game.locked;
  document.querySelector(".join-card").classList.toggle("locked", game.locked);
  $("race-facts").textContent = raceFacts();
  const hostTeams = (game.settings || {}).teams === "host";
  $("kick-hint").textContent = hostTeams
    ? t("Click a name to put that player in a team, or to remove them.")
    : t("Click a name to remove that player.");
}

// ---- the track ----

function renderScale(total) {
  const marks = caseMarks(game.cases, total);
  const holder = $("scale-cases");
  holder.replaceChildren();
  marks.forEach((at, i) => {
    const mark = el("span", "scale-case", t("Case %(number)s", { number: i + 2 }));
    mark.style.setProperty("--at", at.toFixed(4));
    holder.append(mark);
  });
  return marks;
}

function laneElement(row) {
  const item = el("li", "lane");
  item.dataset.testid = "race-lane";
  const rank = el("span", "lane-rank");
  const name = el("span", "lane-name");
  const rail = el("span", "lane-rail");
  const inner = el("span", "rail-inner");
  const marker = el("span", "lane-marker");
  marker.setAttribute("aria-hidden", "true");
  inner.append(marker);
  rail.append(inner);
  const status = el("span", "lane-status");
  item.append(rank, name, rail, status);
  item.style.setProperty("--at", "0");
  lanes.set(row.key, item);
  return item;
}

function fillLane(item, row, marks, teamsView) {
  item.className = `lane${row.leader ? ` leader rank-${row.rank}` : ""}${row.finished ? " finished" : ""}`;
  item.dataset.id = row.id;
  item.dataset.steps = String(row.steps);
  item.style.setProperty("--row", String(row.row));
  item.style.setProperty("--at", row.at.toFixed(4));
  const rank = item.querySelector(".lane-rank");
  rank.replaceChildren(el("span", "visually-hidden", `${t("Place")} `), document.createTextNode(String(row.rank)));
  const name = item.querySelector(".lane-name");
  name.replaceChildren(el("span", "lane-name-text", row.name));
  if (row.team) name.append(el("span", "lane-team", row.team));
  if (teamsView) name.append(el("span", "lane-team", tn("%(num)s player", "%(num)s players", row.members)));
  const inner = item.querySelector(".rail-inner");
  if (inner.dataset.marks !== marks.join(",")) {
    inner.dataset.marks = marks.join(",");
    inner.querySelectorAll(".case-mark").forEach((mark) => mark.remove());
    for (const at of marks) {
      const mark = el("span", "case-mark");
      mark.style.setProperty("--at", at.toFixed(4));
      inner.prepend(mark);
    }
  }
  item.querySelector(".lane-marker").textContent = row.finished ? "✓" : markerText(row.name);
  const status = item.querySelector(".lane-status");
  if (row.finished && row.timeMs !== null) status.textContent = formatClock(row.timeMs);
  else if (teamsView) status.textContent = `${Math.round(row.steps * 10) / 10}/${row.total}`;
  else status.textContent = `${row.steps}/${row.total}`;
}

function renderTrack(before) {
  const track = game.track || { lanes: [], histogram: [], finishers: [], teams: [], total: game.total, participants: 0 };
  const total = track.total || game.total || 1;
  const teamsView = (track.teams || []).length > 0;
  const histogram = showsHistogram(track) && !teamsView;
  const rows = teamsView ? teamRows(track) : laneRows(track, laneLimit(track, false));
  const marks = renderScale(total);
  const list = $("race-lanes");
  $("histogram-box").hidden = !histogram;
  const count = Math.max(MIN_ROWS, rows.length);
  list.style.setProperty("--rows", String(count));
  list.style.setProperty("--steps", String(total));
  // Names, ranks and markers grow with the room each lane has (few racers: big lanes).
  const laneHeight = Math.max(24, list.clientHeight / count);
  const board = $("race-board");
  board.style.setProperty("--lane-h", `${laneHeight.toFixed(1)}px`);
  board.style.setProperty("--marker", `${Math.min(laneHeight * 0.78, window.innerHeight * 0.05).toFixed(1)}px`);
  list.setAttribute("aria-label", teamsView ? t("Race track: the teams") : t("Race track: the leaders"));
  const keep = new Set(rows.map((row) => row.key));
  for (const [key, item] of lanes) {
    if (!keep.has(key)) {
      item.remove();
      lanes.delete(key);
    }
  }
  for (const row of rows) {
    let item = lanes.get(row.key);
    if (!item) {
      item = laneElement(row);
      list.append(item);
    }
    fillLane(item, row, marks, teamsView);
  }
  $("lanes-empty").hidden = rows.length > 0;
  renderCountsLine(track);
  $("race-paused").hidden = !game.paused;
  $("screen-track").classList.toggle("paused", game.paused);
  if (histogram) renderHistogram(track);
  renderFinishers(before, track);
  renderHardest(track.hardest);
}

function renderCountsLine(track) {
  const counts = track.histogram || [];
  const finished = counts.length ? counts[counts.length - 1] : 0;
  $("race-counts").textContent = tn(
    "%(finished)s of %(num)s finished",
    "%(finished)s of %(num)s finished",
    track.participants || 0,
    { finished: finished },
  );
}

function renderHistogram(track) {
  const box = $("histogram");
  box.replaceChildren();
  for (const bar of histogramBars(track.histogram)) {
    const item = el("li", `hist-bar${bar.finish ? " finish" : ""}`);
    item.style.setProperty("--h", bar.height.toFixed(3));
    const label = bar.finish
      ? tn("Finished: %(num)s player", "Finished: %(num)s players", bar.count)
      : tn("Step %(step)s: %(num)s player", "Step %(step)s: %(num)s players", bar.count, { step: bar.onStep });
    const shown = [
      el("span", "hist-count", bar.count ? String(bar.count) : ""),
      el("span", "hist-fill"),
      el("span", "hist-label", bar.finish ? "✓" : String(bar.onStep)),
    ];
    for (const part of shown) part.setAttribute("aria-hidden", "true");
    item.append(...shown, el("span", "visually-hidden", label));
    box.append(item);
  }
}

function renderFinishers(before, track) {
  const list = $("race-finishers");
  const finishers = track.finishers || [];
  const fresh = new Set(newArrivals(before ? before.finishers : finishers, finishers));
  list.replaceChildren();
  finishers.slice(0, 3).forEach((entry, position) => {
    const item = el("li", `finisher place-${position + 1}${fresh.has(entry.id) ? " landed" : ""}`);
    item.dataset.testid = "race-finisher";
    item.append(
      el("span", "finisher-rank", String(position + 1)),
      el("span", "finisher-name", entry.name),
      el("span", "finisher-time mono", formatClock(entry.time_ms || 0)),
    );
    list.append(item);
    if (fresh.has(entry.id)) announce(t("%(name)s has finished: place %(rank)s", { name: entry.name, rank: position + 1 }));
  });
  $("finishers-empty").hidden = finishers.length > 0;
}

function renderHardest(hardest) {
  $("hardest-empty").hidden = !!hardest;
  for (const id of ["hardest-where", "hardest-text", "hardest-count"]) $(id).hidden = !hardest;
  if (!hardest) return;
  const where = [localized(hardest.case), t("Step %(number)s", { number: hardest.step })].filter(Boolean);
  $("hardest-where").textContent = where.join(" · ");
  $("hardest-text").textContent = localized(hardest.text);
  $("hardest-count").textContent = tn(
    "%(num)s wrong at the first try",
    "%(num)s wrong at the first try",
    hardest.wrong_first,
  );
}

// ---- the end ----

function renderPodium() {
  const over = game.over || { top: [], players: 0, teams: [] };
  const podium = $("podium");
  podium.replaceChildren();
  const places = [t("1st place"), t("2nd place"), t("3rd place")];
  (over.top || []).slice(0, 3).forEach((entry, position) => {
    const place = el("li", `podium-place pos-${position}`);
    place.dataset.testid = "podium-place";
    place.dataset.rank = String(entry.rank);
    const who = el("div", "podium-who");
    const result = entry.finished
      ? formatClock(entry.time_ms || 0)
      : tn("%(num)s of %(total)s step", "%(num)s of %(total)s steps", game.total, { num: entry.steps, total: game.total });
    who.append(el("span", "podium-name", entry.name), el("span", "podium-score", result));
    const block = el("div", "podium-block");
    block.append(el("span", "podium-rank", entry.rank), el("span", "visually-hidden", places[entry.rank - 1] || ""));
    place.append(who, block);
    podium.append(place);
  });
  if (!(over.top || []).length) podium.append(el("li", "board-empty", t("Nobody has played yet.")));
  const teams = over.teams || [];
  $("team-results").hidden = teams.length === 0;
  const teamList = $("team-result-list");
  teamList.replaceChildren();
  for (const team of teams) {
    const row = el("li", "team-result");
    row.append(
      el("span", "board-rank", String(team.rank)),
      el("span", "team-result-name", team.name),
      el("span", "team-result-progress", `${Math.round(team.progress * 10) / 10}/${game.total}`),
    );
    teamList.append(row);
  }
  $("podium-sub").textContent = t("Players who took part: %(count)s", { count: over.players || 0 });
}
