/**
 * host-projector.js: the projector's screens (templates/host_projector.html): loading, lobby
 * (QR code, PIN, players), question (text, picture, countdown ring, answers so far, options),
 * reveal (chart, the right order or accepted answers, explanation), leaderboard, podium, and
 * "gone" (the server no longer knows the game); plus the top bar and the control bar.
 * Each screen's type is sized to fit (fitScreen): short questions grow, long ones shrink.
 *
 *   projector: the view host-messages.js drives (rebuild, render, renderCounts, playerJoined,
 *   playerLeft, tick); screenFor(phase); fitCurrentScreen()
 */

import { announce } from "./announce.js";
import { el } from "./dom.js";
import { OPTION_LETTERS, optionMark, shapeClass } from "./glyphs.js";
import { formatNumber, localized, N_, t, tn } from "./i18n.js";
import { fractionLeft, secondsShown, warningsDue } from "./countdown.js";
import { chartRows } from "./reveal-rows.js";
import {
  $,
  LIVE_PHASES,
  currentIndex,
  game,
  nextLabel,
  questionNumber,
  remainingMs,
} from "./host-state.js";
import { addPlayer, markOverflow, rebuildPlayerList, removePlayer } from "./host-players.js";

const SCREENS = ["loading", "lobby", "question", "reveal", "leaderboard", "podium", "gone"];
const GROWS = ["question", "reveal"];
const RING_RADIUS = 44; // r of #timer-ring in the template

const KIND_HINTS = {
  single: N_("Choose one answer."),
  multi: N_("Choose every right answer."),
  truefalse: N_("True or false?"),
  order: N_("Put the steps in the right order."),
  typed: "Type the answer on your phone.",
  poll: N_("Poll: there is no wrong answer."),
};

export function screenFor(phase) {
  if (phase === "ended") return "podium";
  return SCREENS.includes(phase) ? phase : "loading";
}

/** Size the type of a screen to fit: short questions grow, long DMED questions shrink. */
function fitScreen(section, largest = 1) {
  if (!section || section.hidden) return;
  let scale = largest;
  section.style.setProperty("--fit", String(scale));
  while (section.scrollHeight > section.clientHeight + 1 && scale > 0.5) {
    scale = Math.round((scale - 0.05) * 100) / 100;
    section.style.setProperty("--fit", String(scale));
  }
}

export function fitCurrentScreen() {
  const screen = screenFor(game.phase);
  requestAnimationFrame(() => fitScreen($(`screen-${screen}`), GROWS.includes(screen) ? 1.3 : 1));
}

export const projector = {
  rebuild() {
    rebuildPlayerList();
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

  render() {
    const screen = screenFor(game.phase);
    $("stage").dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
    if (screen === "lobby") renderLobby();
    if (screen === "question") renderQuestion();
    if (screen === "reveal") renderReveal();
    if (screen === "leaderboard") renderLeaderboard();
    if (screen === "podium") renderPodium();
    renderBar();
    renderControls();
    this.renderCounts();
    this.tick();
    fitCurrentScreen();
  },

  renderCounts() {
    markOverflow();
    $("bar-players").textContent = tn("%(num)s player", "%(num)s players", game.playerCount);
    $("joined-count").textContent = String(game.playerCount);
    $("lobby-empty").hidden = game.playerCount > 0;
    $("kick-hint").hidden = game.playerCount === 0;
    $("answered-count").textContent = String(game.answered);
    $("answered-expected").textContent = String(Math.max(game.expected, game.answered));
    $("answered-label").textContent = tn("answer", "answers", game.answered);
  },

  tick() {
    if (game.phase !== "question" || !game.question) return;
    const left = remainingMs();
    const seconds = secondsShown(left);
    $("q-seconds").textContent = String(seconds);
    const circumference = 2 * Math.PI * RING_RADIUS;
    const ring = $("timer-ring");
    ring.style.strokeDasharray = `${circumference}`;
    ring.style.strokeDashoffset = `${circumference * (1 - fractionLeft(left, (game.question.time_limit || 1) * 1000))}`;
    const timer = $("q-timer");
    timer.classList.toggle("urgent", seconds <= 5 && !game.paused);
    timer.classList.toggle("paused", game.paused);
    $("timer-paused").hidden = !game.paused;
    if (!game.paused) {
      for (const mark of warningsDue(left, game.said)) announce(tn("%(num)s second left", "%(num)s seconds left", mark));
    }
  },
};

function renderBar() {
  const inGame = !["loading", "lobby", "gone"].includes(game.phase);
  $("bar-pin").hidden = !inGame || game.phase === "ended" || game.locked;
  const progress = $("bar-progress");
  const index = currentIndex();
  progress.hidden = !(game.phase === "leaderboard" && index !== null); // elsewhere the screen says it
  if (index !== null) progress.textContent = questionNumber(index);
}

function renderControls() {
  const next = $("next-button");
  const live = LIVE_PHASES.includes(game.phase);
  next.hidden = !live;
  next.disabled = !live;
  next.textContent = `${nextLabel()} ▶`;
  $("next-key-hint").hidden = !live;
  const pause = $("pause-toggle");
  pause.hidden = game.phase !== "question";
  pause.replaceChildren(
    document.createTextNode(game.paused ? `▶ ${t("Resume")} ` : `${t("Pause")} `),
    el("kbd", "", "P"),
  );
  const lock = $("lock-toggle");
  lock.hidden = !live || game.phase === "podium";
  lock.setAttribute("aria-pressed", String(game.locked));
  lock.textContent = game.locked ? `${t("Unlock")}` : `${t("Lock")}`;
  $("end-button").hidden = !live;
  $("remote-link").hidden = game.phase === "gone";
}

function renderLobby() {
  $("lobby-locked-banner").hidden = !game.locked;
  document.querySelector(".join-card").classList.toggle("locked", game.locked);
}

function renderQuestion() {
  const q = game.question;
  if (!q) return;
  $("q-number").textContent = questionNumber(q.index);
  const hint = q.kind === "typed" || !KIND_HINTS[q.kind] ? "" : t(KIND_HINTS[q.kind]);
  const kind = q.points === 0 && q.kind !== "poll" ? `${hint} ${t("(not scored)")}`.trim() : hint;
  $("q-kind").textContent = q.points === 2 ? `${kind} ${t("Double points!")}` : kind;
  $("q-text").textContent = localized(q.text);
  const figure = $("q-figure");
  figure.hidden = !q.image;
  if (q.image) {
    const image = $("q-image");
    const src = `/media/${q.image.split("/").map(encodeURIComponent).join("/")}`;
    if (image.getAttribute("src") !== src) image.src = src;
    image.alt = t("Picture for this question");
  }
  $("q-hint").textContent = q.kind === "typed" ? t("Type the answer on your phone.") : "";
  $("q-hint").hidden = q.kind !== "typed";
  const list = $("q-choices");
  list.replaceChildren();
  list.dataset.kind = q.kind;
  const choices = q.kind === "truefalse" ? [t("True"), t("False")] : (q.choices || []).map(localized);
  list.dataset.count = String(choices.length);
  choices.forEach((text, i) => {
    const item = el("li", `choice ${shapeClass(i)}`);
    item.dataset.testid = "choice";
    item.append(optionMark(i), el("span", "choice-text", text));
    list.append(item);
  });
}

function renderReveal() {
  const reveal = game.reveal;
  if (!reveal) return;
  const question = game.question && game.question.index === reveal.index ? game.question : null;
  $("reveal-number").textContent = questionNumber(reveal.index);
  $("reveal-text").textContent = question ? localized(question.text) : "";
  $("reveal-summary").textContent = reveal.kind === "poll"
    ? t("Answers: %(count)s", { count: reveal.answered })
    : tn("Right: %(right)s of %(num)s answer", "Right: %(right)s of %(num)s answers", reveal.answered, { right: reveal.correct_count });
  const chart = $("reveal-chart");
  chart.replaceChildren();
  chart.dataset.kind = reveal.kind;
  const rows = chartRows(reveal, question);
  const most = Math.max(1, ...rows.map((row) => row.count));
  for (const row of rows) chart.append(chartRow(row, reveal.kind, most));
  renderRevealExtra(reveal, question);
  const explanation = $("reveal-explanation");
  const text = localized(reveal.explanation);
  explanation.hidden = !text;
  explanation.replaceChildren();
  if (text) explanation.append(el("strong", "", `${t("Explanation:")} `), el("span", "", text));
}

function chartRow(row, kind, most) {
  const item = el("li", `bar-row${row.correct ? " correct" : ""}${kind === "poll" ? " poll" : ""}`);
  item.dataset.testid = "chart-row";
  item.dataset.correct = String(row.correct);
  const label = el("span", "bar-label");
  if (row.plain) label.append(el("span", `bar-icon ${row.correct ? "right" : "wrong"}`, row.correct ? "✓" : "✗"));
  else label.append(optionMark(row.index, row.letter));
  label.append(el("span", "bar-text", row.label));
  const track = el("span", "bar-track");
  const colour = row.plain ? (row.correct ? "fill-right" : "fill-wrong") : shapeClass(row.index);
  const fill = el("span", `bar-fill ${colour}`);
  fill.style.width = `${(row.count / most) * 100}%`;
  track.append(fill);
  item.append(label, track, el("span", "bar-count", row.count));
  const mark = el("span", "correct-mark");
  const right = row.correct && kind !== "poll";
  if (right) mark.append(el("span", "check", "✓"), el("span", "visually-hidden", t("right answer")));
  item.append(mark);
  item.setAttribute("aria-label", tn("%(label)s: %(num)s answer", "%(label)s: %(num)s answers", row.count, { label: `${row.letter} ${row.label}`.trim() })
    + (right ? `, ${t("right answer")}` : ""));
  return item;
}

function renderRevealExtra(reveal, question) {
  const extra = $("reveal-extra");
  extra.replaceChildren();
  extra.hidden = true;
  if (reveal.kind === "order" && Array.isArray(reveal.correct)) {
    extra.append(el("p", "extra-title", t("The right order:")));
    const steps = el("ol", "right-order");
    reveal.correct.forEach((position) => {
      const step = el("li", "right-step");
      const text = question && question.choices
        ? localized(question.choices[position])
        : t("Option %(letter)s", { letter: OPTION_LETTERS[position] });
      step.append(optionMark(position), el("span", "choice-text", text));
      steps.append(step);
    });
    extra.append(steps);
    extra.hidden = false;
  } else if (reveal.kind === "typed" && Array.isArray(reveal.correct)) {
    extra.append(el("p", "extra-title", t("Accepted answers:")));
    const answers = el("p", "accepted-list");
    for (const accepted of reveal.correct) answers.append(el("span", "accepted-item", `✓ ${accepted}`));
    extra.append(answers);
    extra.hidden = false;
  }
}

function renderLeaderboard() {
  const board = game.board || { top: [], players: 0 };
  $("leaderboard-sub").textContent = tn("Top %(shown)s of %(num)s player", "Top %(shown)s of %(num)s players", board.players, { shown: board.top.length });
  const list = $("leaderboard-list");
  list.replaceChildren();
  for (const entry of board.top) {
    const row = el("li", `board-row rank-${entry.rank}`);
    row.dataset.testid = "leaderboard-row";
    row.append(el("span", "board-rank", entry.rank), el("span", "board-name", entry.name), el("span", "board-score", entry.score));
    list.append(row);
  }
  if (!board.top.length) list.append(el("li", "board-empty", t("Nobody has played yet.")));
}

function renderPodium() {
  const board = game.board || { top: [], players: 0 };
  $("podium-title").textContent = t("Final results");
  $("podium-sub").textContent = t("Players who took part: %(count)s", { count: board.players });
  $("ended-note").hidden = game.phase !== "ended";
  const podium = $("podium");
  podium.replaceChildren();
  const places = [t("1st place"), t("2nd place"), t("3rd place")];
  board.top.slice(0, 3).forEach((entry, position) => {
    const place = el("li", `podium-place pos-${position}`);
    place.dataset.testid = "podium-place";
    place.dataset.rank = String(entry.rank);
    const who = el("div", "podium-who");
    who.append(el("span", "podium-name", entry.name), el("span", "podium-score", tn("%(num)s point", "%(num)s points", entry.score, { num: formatNumber(entry.score) })));
    const block = el("div", "podium-block");
    block.append(el("span", "podium-rank", entry.rank), el("span", "visually-hidden", places[entry.rank - 1] || ""));
    place.append(who, block);
    podium.append(place);
  });
  if (!board.top.length) podium.append(el("li", "board-empty", t("Nobody has played yet.")));
}
