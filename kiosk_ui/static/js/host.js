// The host side of a live game: the projector screen (/host/{id}) and the phone
// remote (/remote/{id}). Both speak /ws/host with the host token embedded in the
// page, reconnect on their own, and rebuild their screen from host_welcome.screen.
// All bank text and player names go in with textContent, never as HTML.

const config = JSON.parse(document.getElementById("host-config").textContent);
const lang = config.lang || document.documentElement.lang || "uz";
const isRemote = document.body.classList.contains("remote");
const $ = (id) => document.getElementById(id);

// ---- translations -------------------------------------------------------------------

let catalog = {};

async function loadCatalog() {
  try {
    const response = await fetch(`/i18n/${lang}.json`, { cache: "no-cache" });
    if (response.ok) catalog = await response.json();
  } catch {
    // Offline: the English source texts are shown until the next page load.
  }
}

function t(message, values) {
  const text = catalog[message] || message;
  if (!values) return text;
  return text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
}

/** A {uz, ru, en} text in the page language, falling back to Uzbek. */
function pick(texts) {
  if (!texts) return "";
  if (typeof texts === "string") return texts;
  return texts[lang] || texts.uz || Object.values(texts)[0] || "";
}

const LETTERS = "ABCDEF";
const SHAPES = ["triangle", "diamond", "circle", "square", "star", "hexagon"];
const SHAPE_SVG = {
  triangle: ["polygon", { points: "12,3 22,21 2,21" }],
  diamond: ["polygon", { points: "12,1.5 22.5,12 12,22.5 1.5,12" }],
  circle: ["circle", { cx: "12", cy: "12", r: "10" }],
  square: ["rect", { x: "3", y: "3", width: "18", height: "18", rx: "1.5" }],
  star: ["polygon", { points: "12,1.8 15,8.4 22.2,9.2 16.8,14 18.3,21.2 12,17.5 5.7,21.2 7.2,14 1.8,9.2 9,8.4" }],
  hexagon: ["polygon", { points: "6.5,2.5 17.5,2.5 23,12 17.5,21.5 6.5,21.5 1,12" }],
};

const ERRORS = {
  wrong_phase: "That cannot be done at this moment of the game.",
  already_paused: "The countdown is already paused.",
  not_paused: "The countdown is not paused.",
  unknown_player: "This player has already left the game.",
  game_ended: "The game has ended.",
  bad_host_token: "This game is no longer running on the server.",
  rate_limited: "Too many clicks at once. Wait a second and try again.",
  not_connected: "Not connected to the server. Wait until the status shows Connected.",
};

// ---- small DOM helpers -----------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function shapeIcon(index) {
  const shape = SHAPES[index % SHAPES.length];
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `shape shape-${shape}`);
  const [tag, attributes] = SHAPE_SVG[shape];
  const part = document.createElementNS(ns, tag);
  for (const [name, value] of Object.entries(attributes)) part.setAttribute(name, value);
  svg.append(part);
  return svg;
}

/** The letter + shape + colour badge of option `index`. */
function optionMark(index, label = LETTERS[index]) {
  const mark = el("span", `opt-mark opt-${SHAPES[index % SHAPES.length]}`);
  mark.append(shapeIcon(index), el("span", "opt-letter", label));
  return mark;
}

let announceTimer = 0;
function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => { region.textContent = text; }, 60);
}

let toastTimer = 0;
function showError(code, message) {
  const known = ERRORS[code];
  const toast = $("host-error");
  toast.textContent = known ? t(known) : t("Something went wrong: %(message)s", { message: message || code });
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 6000);
}

function confirmDialog(text) {
  const dialog = $("confirm-dialog");
  $("confirm-text").textContent = text;
  return new Promise((resolve) => {
    if (typeof dialog.showModal !== "function") {
      resolve(window.confirm(text));
      return;
    }
    dialog.returnValue = "";
    const onClose = () => {
      // A close event still queued from the previous use arrives while this one is open.
      if (dialog.open) return;
      dialog.removeEventListener("close", onClose);
      // Mouse users get the page focus back, so Space means "next" again.
      if (usingPointer && document.activeElement instanceof HTMLElement) document.activeElement.blur();
      resolve(dialog.returnValue === "ok");
    };
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}

let usingPointer = false;
document.addEventListener("pointerdown", () => { usingPointer = true; }, true);
document.addEventListener("keydown", () => { usingPointer = false; }, true);

// ---- the connection ---------------------------------------------------------------------

const MIN_DELAY = 500;
const MAX_DELAY = 10000;
const PING_EVERY = 15000;
const SILENCE_LIMIT = 40000;

class HostSocket {
  constructor(onMessage, onStatus) {
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    this.socket = null;
    this.ready = false; // host_welcome received on this socket
    this.delay = MIN_DELAY;
    this.retryTimer = 0;
    this.stopped = false;
    this.lastHeard = Date.now();
    setInterval(() => this.heartbeat(), PING_EVERY / 3);
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.reconnectNow();
    });
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws/host`);
    this.socket = socket;
    this.ready = false;
    this.onStatus("connecting");
    socket.addEventListener("open", () => {
      this.lastHeard = Date.now();
      socket.send(JSON.stringify({
        type: "host", protocol: 1, game_id: config.game_id, host_token: config.host_token,
      }));
    });
    socket.addEventListener("message", (event) => {
      if (socket !== this.socket) return;
      this.lastHeard = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "host_welcome") {
        this.ready = true;
        this.delay = MIN_DELAY;
        this.onStatus("online");
      }
      this.onMessage(message);
    });
    socket.addEventListener("close", (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.ready = false;
      if (this.stopped) return;
      // 4012: the server is restarting and keeps the game; come back the same way.
      this.onStatus(event.code === 4012 ? "restarting" : "offline");
      const wait = this.delay * (0.8 + Math.random() * 0.4);
      this.delay = Math.min(this.delay * 2, MAX_DELAY);
      this.retryTimer = setTimeout(() => this.connect(), wait);
    });
  }

  reconnectNow() {
    if (this.stopped || this.socket) return;
    this.delay = MIN_DELAY;
    this.connect();
  }

  heartbeat() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - this.lastHeard > SILENCE_LIMIT) {
      socket.close(); // a half-open connection after a Wi-Fi drop: start again
      return;
    }
    if (Date.now() - this.lastHeard > PING_EVERY) socket.send(JSON.stringify({ type: "ping" }));
  }

  send(message) {
    if (!this.ready || !this.socket || this.socket.readyState !== WebSocket.OPEN) {
      showError("not_connected");
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.socket) this.socket.close();
  }
}

// ---- game state -----------------------------------------------------------------------------

const game = {
  phase: "loading",
  total: config.total || 0,
  locked: false,
  players: new Map(), // id -> {id, name, connected}
  playerCount: 0,
  question: null, // the open (or last) question message
  deadline: 0, // performance.now() time the countdown reaches zero
  remainingMs: 0, // while paused
  paused: false,
  answered: 0,
  expected: 0,
  reveal: null,
  board: null,
  announced: new Set(),
};

const QUESTION_CACHE = `qk-host-question-${config.game_id}`;

function rememberQuestion(question) {
  try {
    sessionStorage.setItem(QUESTION_CACHE, JSON.stringify(question));
  } catch {
    // storage full or disabled: the reveal then shows option letters only
  }
}

function recalledQuestion(index) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(QUESTION_CACHE) || "null");
    return saved && saved.index === index ? saved : null;
  } catch {
    return null;
  }
}

function setQuestion(question) {
  const changed = !game.question || game.question.index !== question.index;
  game.question = question;
  game.paused = Boolean(question.paused);
  game.remainingMs = question.remaining_ms || 0;
  game.deadline = performance.now() + game.remainingMs;
  if (changed) game.announced = new Set();
  rememberQuestion(question);
}

function remainingMs() {
  if (game.phase !== "question") return 0;
  if (game.paused) return game.remainingMs;
  return Math.max(0, game.deadline - performance.now());
}

function isLastQuestion(index) {
  return game.total > 0 && index >= game.total - 1;
}

function nextLabel() {
  switch (game.phase) {
    case "lobby": return t("Start the quiz");
    case "question": return t("Show the answer");
    case "reveal": {
      const index = game.reveal ? game.reveal.index : game.question ? game.question.index : 0;
      return isLastQuestion(index) ? t("Show the final results") : t("Show the leaderboard");
    }
    case "leaderboard": return t("Next question");
    case "podium": return t("Finish the quiz");
    default: return t("Start the quiz");
  }
}

function phaseLabel(phase) {
  const labels = {
    loading: "Connecting…",
    lobby: "Waiting for players",
    question: "Question open",
    reveal: "Answer shown",
    leaderboard: "Leaderboard",
    podium: "Final results",
    ended: "Ended",
    gone: "Game not found",
  };
  return t(labels[phase] || phase);
}

function questionNumber(index) {
  return t("Question %(number)s of %(total)s", { number: index + 1, total: game.total });
}

const KIND_HINTS = {
  single: "Choose one answer.",
  multi: "Choose every right answer.",
  truefalse: "True or false?",
  order: "Put the steps in the right order.",
  typed: "Type the answer on your phone.",
  poll: "Poll: there is no wrong answer.",
};

// ---- commands --------------------------------------------------------------------------------

let socket = null;
// A "next" waits for the screen it asked for: a double press must not skip a screen.
let nextPending = null; // {phase, index, until} while a "next" is on its way

function sendNext() {
  if (!["lobby", "question", "reveal", "leaderboard", "podium"].includes(game.phase)) return;
  const index = game.question ? game.question.index : -1;
  const pending = nextPending;
  if (pending && pending.phase === game.phase && pending.index === index && performance.now() < pending.until) return;
  // "phase": the server ignores this press if the game has moved on meanwhile (e.g. the
  // question closed by itself), so one press never skips the reveal.
  if (socket.send({ type: "next", phase: game.phase })) {
    nextPending = { phase: game.phase, index, until: performance.now() + 3000 };
  }
}

function togglePause() {
  if (game.phase !== "question") return;
  socket.send({ type: game.paused ? "resume" : "pause" });
}

function toggleLock() {
  if (game.phase === "ended") return;
  socket.send({ type: "lock", locked: !game.locked });
}

async function endGame() {
  if (game.phase === "ended" || game.phase === "gone") return;
  if (await confirmDialog(t("End the quiz now for everyone? The final results will be shown."))) {
    socket.send({ type: "end" });
  }
}

function closeQuestion() {
  if (game.phase === "question") socket.send({ type: "close", phase: "question" });
}

async function kick(player) {
  if (await confirmDialog(t("Remove %(name)s from the game?", { name: player.name }))) {
    socket.send({ type: "kick", player_id: player.id });
  }
}

// ---- messages --------------------------------------------------------------------------------

function onMessage(message) {
  switch (message.type) {
    case "host_welcome": return welcome(message);
    case "player_joined":
      game.players.set(message.player.id, { ...message.player, connected: true });
      game.playerCount = message.count;
      return view.playerJoined(message.player);
    case "player_left":
      game.players.delete(message.player_id);
      game.playerCount = message.count;
      return view.playerLeft(message.player_id);
    case "lobby":
      game.locked = Boolean(message.locked);
      return view.render();
    case "question":
      game.phase = "question";
      setQuestion(message);
      game.answered = 0;
      game.expected = game.playerCount;
      game.reveal = null;
      announce(`${questionNumber(message.index)}. ${pick(message.text)}`);
      return view.render();
    case "answered":
      game.answered = message.answered;
      game.expected = message.expected;
      return view.renderCounts();
    case "paused":
      game.paused = true;
      game.remainingMs = message.remaining_ms;
      announce(t("Paused"));
      return view.render();
    case "resumed":
      game.paused = false;
      game.deadline = performance.now() + message.remaining_ms;
      announce(t("Resumed"));
      return view.render();
    case "reveal":
      game.phase = "reveal";
      game.reveal = message;
      announceReveal(message);
      return view.render();
    case "leaderboard":
    case "podium":
      game.phase = message.type;
      game.board = message;
      announce(message.type === "podium" ? t("Final results") : t("Leaderboard"));
      return view.render();
    case "ended":
      game.phase = "ended";
      game.board = { type: "podium", top: message.top, players: message.players };
      announce(t("The quiz has ended. Thank you!"));
      return view.render();
    case "error":
      nextPending = null;
      if (message.code === "wrong_phase" && (message.command === "next" || message.command === "close")) {
        return undefined; // pressed just as the game moved on by itself: nothing to say
      }
      if (message.code === "bad_host_token") {
        // The server no longer knows this game (ended long ago, or the server restarted).
        game.phase = "gone";
        socket.stop();
        setStatus("offline");
        $("connection-status").textContent = t("Game not found");
        return view.render();
      }
      return showError(message.code, message.message);
    default:
      return undefined;
  }
}

function welcome(message) {
  const screen = message.screen || {};
  const summary = message.game || {};
  game.total = summary.total || game.total;
  game.locked = Boolean(summary.locked);
  game.phase = screen.phase || summary.phase || "lobby";
  game.players = new Map((screen.player_list || []).map((p) => [p.id, p]));
  game.playerCount = game.players.size;
  game.reveal = null;
  if (screen.question) setQuestion(screen.question);
  if (screen.answered) {
    game.answered = screen.answered.answered;
    game.expected = screen.answered.expected;
  }
  if (screen.reveal) {
    game.reveal = screen.reveal;
    if (!game.question || game.question.index !== screen.reveal.index) {
      game.question = recalledQuestion(screen.reveal.index);
    }
  }
  if (screen.board) game.board = screen.board;
  view.rebuild();
}

function announceReveal(reveal) {
  const question = game.question && game.question.index === reveal.index ? game.question : null;
  const rows = chartRows(reveal, question).filter((row) => row.correct);
  const right = rows.map((row) => `${row.letter || ""} ${row.label}`.trim()).join(", ");
  announce(right ? t("Right answer: %(answer)s", { answer: right }) : t("Answers are in."));
}

/** The rows of the reveal chart: label, count, whether each is (part of) the right answer. */
function chartRows(reveal, question) {
  const counts = reveal.distribution || [];
  const choices = question && Array.isArray(question.choices) ? question.choices : null;
  switch (reveal.kind) {
    case "single":
    case "multi":
    case "poll": {
      const right = Array.isArray(reveal.correct) ? reveal.correct : [];
      return counts.map((count, i) => ({
        index: i,
        letter: LETTERS[i],
        label: choices && choices[i] ? pick(choices[i]) : t("Option %(letter)s", { letter: LETTERS[i] }),
        count,
        correct: right.includes(i),
      }));
    }
    case "truefalse":
      return [
        { index: 0, letter: "A", label: t("True"), count: counts[0] || 0, correct: reveal.correct === true },
        { index: 1, letter: "B", label: t("False"), count: counts[1] || 0, correct: reveal.correct === false },
      ];
    default: // order and typed: right or not
      return [
        { index: 3, letter: "", label: reveal.kind === "order" ? t("Right order") : t("Right answer"), count: counts[0] || 0, correct: true, plain: true },
        { index: 0, letter: "", label: reveal.kind === "order" ? t("Another order") : t("Other answers"), count: counts[1] || 0, correct: false, plain: true },
      ];
  }
}

// ---- the projector ---------------------------------------------------------------------------

const SCREENS = ["loading", "lobby", "question", "reveal", "leaderboard", "podium", "gone"];

function screenFor(phase) {
  if (phase === "ended") return "podium";
  return SCREENS.includes(phase) ? phase : "loading";
}

const projector = {
  shown: "",

  rebuild() {
    const list = $("player-list");
    list.replaceChildren();
    // Newest first: the names that just joined are the ones people look for.
    for (const player of [...game.players.values()].reverse()) list.append(this.playerChip(player));
    this.render();
  },

  playerChip(player) {
    const item = el("li", `player-item${player.connected === false ? " offline" : ""}`);
    item.dataset.playerId = player.id;
    const chip = el("button", "player-chip", player.name);
    chip.type = "button";
    chip.dataset.testid = "player-chip";
    chip.setAttribute("aria-describedby", "kick-hint");
    chip.title = t("Click to remove this player");
    chip.addEventListener("click", () => kick(player));
    item.append(chip);
    return item;
  },

  playerJoined(player) {
    const list = $("player-list");
    list.querySelector(`[data-player-id="${CSS.escape(player.id)}"]`)?.remove();
    const chip = this.playerChip(player);
    chip.classList.add("fresh");
    list.prepend(chip);
    this.renderCounts();
  },

  playerLeft(playerId) {
    $("player-list").querySelector(`[data-player-id="${CSS.escape(playerId)}"]`)?.remove();
    this.renderCounts();
  },

  render() {
    const screen = screenFor(game.phase);
    const stage = $("stage");
    stage.dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    for (const name of SCREENS) $(`screen-${name}`).hidden = name !== screen;
    if (screen === "lobby") this.renderLobby();
    if (screen === "question") this.renderQuestion();
    if (screen === "reveal") this.renderReveal();
    if (screen === "leaderboard") this.renderLeaderboard();
    if (screen === "podium") this.renderPodium();
    this.renderBar();
    this.renderControls();
    this.renderCounts();
    requestAnimationFrame(() => fitScreen($(`screen-${screen}`), GROWS.includes(screen) ? 1.3 : 1));
  },

  renderBar() {
    const inGame = !["loading", "lobby", "gone"].includes(game.phase);
    $("bar-pin").hidden = !inGame || game.phase === "ended" || game.locked;
    const progress = $("bar-progress");
    const index = game.reveal ? game.reveal.index : game.question ? game.question.index : null;
    progress.hidden = !(game.phase === "leaderboard" && index !== null); // elsewhere the screen says it
    if (index !== null) progress.textContent = questionNumber(index);
  },

  renderCounts() {
    const list = $("player-list");
    if (!list.closest("[hidden]")) list.classList.toggle("overflowing", list.scrollHeight > list.clientHeight + 4);
    $("bar-players").textContent = t("Players: %(count)s", { count: game.playerCount });
    $("joined-count").textContent = String(game.playerCount);
    $("lobby-empty").hidden = game.playerCount > 0;
    $("kick-hint").hidden = game.playerCount === 0;
    $("answered-count").textContent = String(game.answered);
    $("answered-expected").textContent = String(Math.max(game.expected, game.answered));
  },

  renderControls() {
    const next = $("next-button");
    const live = ["lobby", "question", "reveal", "leaderboard", "podium"].includes(game.phase);
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
  },

  renderLobby() {
    $("lobby-locked-banner").hidden = !game.locked;
    document.querySelector(".join-card").classList.toggle("locked", game.locked);
  },

  renderQuestion() {
    const q = game.question;
    if (!q) return;
    $("q-number").textContent = questionNumber(q.index);
    const hint = q.kind === "typed" ? "" : t(KIND_HINTS[q.kind] || "");
    const kind = q.points === 0 && q.kind !== "poll" ? `${hint} ${t("(not scored)")}`.trim() : hint;
    $("q-kind").textContent = q.points === 2 ? `${kind} ${t("Double points!")}` : kind;
    $("q-text").textContent = pick(q.text);
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
    const choices = q.kind === "truefalse" ? [t("True"), t("False")] : (q.choices || []).map(pick);
    list.dataset.count = String(choices.length);
    choices.forEach((text, i) => {
      const item = el("li", `choice opt-${SHAPES[i]}`);
      item.dataset.testid = "choice";
      item.append(optionMark(i), el("span", "choice-text", text));
      list.append(item);
    });
    this.tick();
  },

  renderReveal() {
    const reveal = game.reveal;
    if (!reveal) return;
    const question = game.question && game.question.index === reveal.index ? game.question : null;
    $("reveal-number").textContent = questionNumber(reveal.index);
    $("reveal-text").textContent = question ? pick(question.text) : "";
    $("reveal-summary").textContent = reveal.kind === "poll"
      ? t("Answers: %(count)s", { count: reveal.answered })
      : t("Right: %(right)s of %(answered)s answers", { right: reveal.correct_count, answered: reveal.answered });
    const chart = $("reveal-chart");
    chart.replaceChildren();
    chart.dataset.kind = reveal.kind;
    const rows = chartRows(reveal, question);
    const most = Math.max(1, ...rows.map((row) => row.count));
    for (const row of rows) {
      const item = el("li", `bar-row${row.correct ? " correct" : ""}${reveal.kind === "poll" ? " poll" : ""}`);
      item.dataset.testid = "chart-row";
      item.dataset.correct = String(row.correct);
      const label = el("span", "bar-label");
      if (row.plain) label.append(el("span", `bar-icon ${row.correct ? "right" : "wrong"}`, row.correct ? "✓" : "✗"));
      else label.append(optionMark(row.index, row.letter));
      label.append(el("span", "bar-text", row.label));
      const track = el("span", "bar-track");
      const colour = row.plain ? (row.correct ? "fill-right" : "fill-wrong") : `opt-${SHAPES[row.index % SHAPES.length]}`;
      const fill = el("span", `bar-fill ${colour}`);
      fill.style.width = `${(row.count / most) * 100}%`;
      track.append(fill);
      const count = el("span", "bar-count", row.count);
      item.append(label, track, count);
      const mark = el("span", "correct-mark");
      if (row.correct && reveal.kind !== "poll") {
        mark.append(el("span", "check", "✓"), el("span", "visually-hidden", t("right answer")));
      }
      item.append(mark);
      item.setAttribute("aria-label", t("%(label)s: %(count)s answers", { label: `${row.letter} ${row.label}`.trim(), count: row.count })
        + (row.correct && reveal.kind !== "poll" ? `, ${t("right answer")}` : ""));
      chart.append(item);
    }
    const extra = $("reveal-extra");
    extra.replaceChildren();
    extra.hidden = true;
    if (reveal.kind === "order" && Array.isArray(reveal.correct)) {
      extra.append(el("p", "extra-title", t("The right order:")));
      const steps = el("ol", "right-order");
      reveal.correct.forEach((position) => {
        const step = el("li", "right-step");
        const text = question && question.choices ? pick(question.choices[position]) : t("Option %(letter)s", { letter: LETTERS[position] });
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
    const explanation = $("reveal-explanation");
    const text = pick(reveal.explanation);
    explanation.hidden = !text;
    explanation.replaceChildren();
    if (text) explanation.append(el("strong", "", `${t("Explanation:")} `), el("span", "", text));
  },

  renderLeaderboard() {
    const board = game.board || { top: [], players: 0 };
    $("leaderboard-sub").textContent = t("Top %(shown)s of %(players)s players", { shown: board.top.length, players: board.players });
    const list = $("leaderboard-list");
    list.replaceChildren();
    for (const entry of board.top) {
      const row = el("li", `board-row rank-${entry.rank}`);
      row.dataset.testid = "leaderboard-row";
      row.append(el("span", "board-rank", entry.rank), el("span", "board-name", entry.name), el("span", "board-score", entry.score));
      list.append(row);
    }
    if (!board.top.length) list.append(el("li", "board-empty", t("Nobody has played yet.")));
  },

  renderPodium() {
    const board = game.board || { top: [], players: 0 };
    const ended = game.phase === "ended";
    $("podium-title").textContent = t("Final results");
    $("podium-sub").textContent = t("Players who took part: %(count)s", { count: board.players });
    $("ended-note").hidden = !ended;
    const podium = $("podium");
    podium.replaceChildren();
    const places = [t("1st place"), t("2nd place"), t("3rd place")];
    board.top.slice(0, 3).forEach((entry, position) => {
      const place = el("li", `podium-place pos-${position}`);
      place.dataset.testid = "podium-place";
      place.dataset.rank = String(entry.rank);
      const who = el("div", "podium-who");
      who.append(el("span", "podium-name", entry.name), el("span", "podium-score", t("%(score)s points", { score: entry.score })));
      const block = el("div", "podium-block");
      block.append(el("span", "podium-rank", entry.rank), el("span", "visually-hidden", places[entry.rank - 1] || ""));
      place.append(who, block);
      podium.append(place);
    });
    if (!board.top.length) podium.append(el("li", "board-empty", t("Nobody has played yet.")));
  },

  tick() {
    if (game.phase !== "question" || !game.question) return;
    const left = remainingMs();
    const seconds = Math.ceil(left / 1000);
    $("q-seconds").textContent = String(seconds);
    const limit = (game.question.time_limit || 1) * 1000;
    const ring = $("timer-ring");
    const circumference = 2 * Math.PI * 44;
    ring.style.strokeDasharray = `${circumference}`;
    ring.style.strokeDashoffset = `${circumference * (1 - Math.min(1, left / limit))}`;
    const timer = $("q-timer");
    timer.classList.toggle("urgent", seconds <= 5 && !game.paused);
    timer.classList.toggle("paused", game.paused);
    $("timer-paused").hidden = !game.paused;
    announceTime(seconds);
  },
};

function announceTime(seconds) {
  if (game.paused) return;
  for (const mark of [10, 5]) {
    if (seconds === mark && !game.announced.has(mark)) {
      game.announced.add(mark);
      announce(t("%(seconds)s seconds left", { seconds: mark }));
    }
  }
}

const GROWS = ["question", "reveal"];

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

// ---- the phone remote ----------------------------------------------------------------------

const remote = {
  rebuild() { this.render(); },
  playerJoined() { this.renderCounts(); },
  playerLeft() { this.renderCounts(); },

  render() {
    $("remote").dataset.phase = game.phase;
    document.body.dataset.phase = game.phase;
    $("remote-phase").textContent = phaseLabel(game.phase);
    const index = game.reveal ? game.reveal.index : game.question ? game.question.index : null;
    $("remote-question").textContent = index === null ? "–" : `${index + 1} / ${game.total}`;
    $("remote-locked").hidden = !game.locked || game.phase === "ended";
    const live = ["lobby", "question", "reveal", "leaderboard", "podium"].includes(game.phase);
    const next = $("remote-next");
    next.disabled = !live;
    next.textContent = live ? `${nextLabel()} ▶` : phaseLabel(game.phase);
    const pause = $("remote-pause");
    pause.disabled = game.phase !== "question";
    pause.textContent = game.paused ? `▶ ${t("Resume")}` : `${t("Pause")}`;
    $("remote-close").disabled = game.phase !== "question";
    const lock = $("remote-lock");
    lock.disabled = !live;
    lock.setAttribute("aria-pressed", String(game.locked));
    lock.textContent = game.locked ? `${t("Unlock")}` : `${t("Lock")}`;
    $("remote-end").disabled = !live;
    this.renderCounts();
    this.tick();
  },

  renderCounts() {
    $("remote-players").textContent = String(game.playerCount);
    $("remote-answered").textContent = game.phase === "question"
      ? `${game.answered} / ${Math.max(game.expected, game.answered)}`
      : game.reveal ? `${game.reveal.answered}` : "–";
  },

  tick() {
    const timer = $("remote-timer");
    if (game.phase !== "question") {
      timer.textContent = "–";
      return;
    }
    const seconds = Math.ceil(remainingMs() / 1000);
    timer.textContent = game.paused ? `${seconds} s · ${t("Paused")}` : `${seconds} s`;
  },
};

const view = isRemote ? remote : projector;

// ---- wiring -------------------------------------------------------------------------------

function setStatus(state) {
  const status = $("connection-status");
  const labels = {
    online: "Connected",
    connecting: "Connecting…",
    offline: "Connection lost. Reconnecting…",
    restarting: "The server is restarting. Reconnecting…",
  };
  const shown = state === "restarting" ? "offline" : state;
  status.dataset.state = shown;
  status.textContent = t(labels[state]);
  document.body.dataset.connection = shown;
}

function toggleFullscreen() {
  if (document.fullscreenElement) {
    document.exitFullscreen?.();
  } else {
    document.documentElement.requestFullscreen?.().catch(() => {});
  }
}

/** After a mouse click, give the focus back to the page so Space means "next" again. */
function releaseFocusAfterClick(event) {
  const control = event.target.closest && event.target.closest("button");
  if (control && event.detail > 0) control.blur();
}

function wireProjector() {
  $("host-controls").addEventListener("click", releaseFocusAfterClick);
  $("next-button").addEventListener("click", sendNext);
  $("pause-toggle").addEventListener("click", togglePause);
  $("lock-toggle").addEventListener("click", toggleLock);
  $("end-button").addEventListener("click", endGame);
  const fullscreen = $("fullscreen-toggle");
  fullscreen.hidden = !document.fullscreenEnabled;
  fullscreen.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    document.body.classList.toggle("is-fullscreen", Boolean(document.fullscreenElement));
    fullscreen.replaceChildren(
      document.createTextNode(document.fullscreenElement ? `${t("Exit full screen")} ` : `${t("Full screen")} `),
      el("kbd", "", "F"),
    );
  });
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if ($("confirm-dialog").open) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select")) return;
    const onControl = target.closest && target.closest("button, a");
    const key = event.key;
    if (key === " " || key === "ArrowRight" || key === "PageDown" || key === "Enter") {
      if (onControl && (key === " " || key === "Enter")) return; // the focused control acts
      event.preventDefault();
      sendNext();
    } else if (key === "p" || key === "P") {
      togglePause();
    } else if (key === "e" || key === "E") {
      event.preventDefault();
      endGame();
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (key === "l" || key === "L") {
      toggleLock();
    }
  });
  // In full screen the control bar fades out while the mouse rests; keys still work.
  let idleTimer = 0;
  const wake = () => {
    document.body.classList.remove("idle");
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      if (document.fullscreenElement && !$("host-controls").contains(document.activeElement)) {
        document.body.classList.add("idle");
      }
    }, 3000);
  };
  for (const type of ["mousemove", "mousedown", "touchstart", "focusin"]) document.addEventListener(type, wake);
  document.addEventListener("fullscreenchange", wake);
  window.addEventListener("resize", () => {
    const screen = screenFor(game.phase);
    requestAnimationFrame(() => fitScreen($(`screen-${screen}`), GROWS.includes(screen) ? 1.3 : 1));
  });
}

function wireRemote() {
  $("remote-next").addEventListener("click", sendNext);
  $("remote-pause").addEventListener("click", togglePause);
  $("remote-close").addEventListener("click", closeQuestion);
  $("remote-lock").addEventListener("click", toggleLock);
  $("remote-end").addEventListener("click", endGame);
}

async function main() {
  await loadCatalog();
  if (isRemote) wireRemote();
  else wireProjector();
  socket = new HostSocket(onMessage, setStatus);
  setStatus("connecting");
  socket.connect();
  setInterval(() => view.tick(), 200);
}

main();
