/**
 * player.js: the player's side of a live quiz, on a phone (/join) or a shared PC (/pc).
 *
 * One page, one WebSocket (/ws/play), screens shown one at a time (templates/player_layout.html):
 *   join -> lobby -> question -> answered -> reveal (+ result) -> rank -> ... -> final
 *   plus "connecting" (resuming a saved place) and "notice" (kicked, opened elsewhere, expired).
 * The server decides the screen: every (re)connect sends `resume` with the saved token and the
 * `welcome.screen` it answers with is drawn as-is, so a reload or a Wi-Fi drop lands back on the
 * current question with the score intact. An answer sent while offline is re-sent after the
 * resume if the server has not recorded it (a repeat only gets the same ack).
 *
 * Phones keep the resume token in localStorage ("qk.resume.<PIN>"; also the last name used).
 * The shared PC keeps it in sessionStorage only; "Next person" sends `leave`, forgets the
 * token, empties the page and loads a fresh /pc (location.replace: no history entry to go
 * back to; the page is served no-store, and a page restored from the back/forward cache
 * reloads itself). Keyboard: 1-6 or A-F pick an option (true/false: 1/A true, 2/B false),
 * Enter sends, Backspace undoes the last ordering step, Escape clears.
 *
 * All bank and player text is set with textContent (kiosk-client.js h()/setLocalized), and
 * every interface text goes through t(), so switching language redraws in place, live.
 */

import {
  OPTION_LETTERS,
  announce,
  clear,
  connectLive,
  currentLanguage,
  h,
  loadLanguage,
  localized,
  onLanguage,
  optionShape,
  setLocalized,
  setText,
  t,
  tokenStore,
  wireLanguageSwitch,
} from "./kiosk-client.js";

const app = document.getElementById("player-app");
const PC = app.dataset.mode === "pc";
const PROTOCOL = Number(app.dataset.protocol) || 1;
const RESUME_MAX_AGE = 8 * 3600 * 1000; // a saved place older than a working day is not tried
const ACK_RETRY_MS = 5000;
const FINAL_AUTOCLEAR_S = 120; // shared PC: the final screen clears itself when left alone

const tokens = tokenStore(PC ? "session" : "local");
const $ = (id) => document.getElementById(id);

const SCREENS = ["join", "connecting", "lobby", "question", "answered", "reveal", "rank", "final", "notice"];

const ERRORS = {
  unknown_pin: "There is no game with this PIN. Check the number on the big screen.",
  game_ended: "This game has already ended.",
  name_taken: "Someone in this game already has this name. Please add your surname or an initial.",
  name_required: "Please enter your name.",
  field_too_long: "That is too long: a name can have up to 24 characters, staff ID and department up to 64.",
  staff_id_taken: "This staff ID is already in the game. Check the number or ask the host.",
  staff_id_required: "This game asks for your staff ID. Please enter it.",
  department_required: "This game asks for your department. Please enter it.",
  lobby_locked: "The host has closed this game to new players. Ask the host to open it.",
  kicked: "The host has removed you from this game.",
  too_many_attempts: "Too many wrong PINs from this device. Please wait %(seconds)s seconds and try again.",
  rate_limited: "Too many taps at once. Please wait a moment and try again.",
  unknown_token: "Your earlier place in the game could not be restored. Please join again.",
  token_wrong_game: "Your earlier place in the game could not be restored. Please join again.",
  already_joined: "You have already joined this game.",
  not_joined: "You are not in the game yet. Please join first.",
  too_late: "Time is up: this answer was not counted.",
  question_closed: "Time is up: this answer was not counted.",
  invalid_answer: "This answer could not be accepted. Please try again.",
  not_saved: "Your answer could not be saved. Please answer again.",
  unsupported_protocol: "This page is out of date. Please reload it.",
  bad_pin: "Enter the 6-digit PIN from the big screen.",
};

function errorText(code, extra) {
  const msgid = ERRORS[code];
  if (!msgid) return t("Something went wrong (%(code)s). Please try again.", { code: code || "?" });
  return t(msgid, extra);
}

function errorSetter(el, code, extra) {
  const msgid = ERRORS[code] || "Something went wrong (%(code)s). Please try again.";
  return setText(el, msgid, ERRORS[code] ? extra : { code: code || "?" });
}

// ---- state ------------------------------------------------------------------------------

const S = {
  pin: app.dataset.pin || "",
  token: null,
  player: null, // {id, name}
  game: null, // welcome.game: {id, pin, title, total, phase, locked, settings}
  phase: null,
  score: 0,
  rank: null,
  players: 0,
  correctCount: null,
  question: null, // the open (or last) question payload
  answered: null, // {index, value}: acknowledged by the server
  pending: null, // {index, value, sentAt}: sent, no ack yet
  sel: { single: null, multi: [], order: [] },
  timeUp: false,
  reveal: null,
  result: null,
  board: null,
  joining: false,
  need: { staff: false, department: false },
  screen: null,
  ended: false,
};

const timer = { endsAt: 0, paused: false, remaining: 0, limit: 1, handle: 0, said: {}, shown: -1 };

let live = null;

// ---- screens ------------------------------------------------------------------------------

function show(name, options) {
  const changed = S.screen !== name;
  S.screen = name;
  app.dataset.screen = name;
  document.body.dataset.screen = name; // lets the CSS compact the header around the buttons
  for (const screen of SCREENS) {
    const section = $("screen-" + screen);
    if (section) section.hidden = screen !== name;
  }
  // Name and score above every in-game screen but the question itself (room for the buttons).
  const inGame = !!S.player && ["join", "notice", "question"].indexOf(name) < 0;
  $("game-bar").hidden = !inGame;
  if (PC) {
    updateNextPersonButton();
    if (name === "question" && !$("reset-confirm").hidden) closeConfirm(); // the game moved on
  }
  if (changed) {
    hideAlert();
    window.scrollTo(0, 0);
    if (!options || options.focus !== false) {
      const title = $("screen-" + name).querySelector(".screen-title, h1");
      if (title && document.activeElement !== $("join-name")) title.focus({ preventScroll: true });
    }
  }
  if (PC) scheduleAutoclear();
}

function updateBar() {
  if (S.player) $("bar-name").textContent = S.player.name;
  $("bar-score").textContent = S.score === null ? "–" : formatNumber(S.score);
}

function showAlert(code, extra) {
  const alert = $("player-alert");
  errorSetter(alert, code, extra);
  alert.hidden = false;
  clearTimeout(showAlert.timer);
  showAlert.timer = setTimeout(hideAlert, 8000);
}

function hideAlert() {
  const alert = $("player-alert");
  if (alert) {
    alert.hidden = true;
    alert.textContent = "";
    delete alert.dataset.i18n;
  }
}

function formatNumber(value) {
  // 12,345 in English; 12 345 in Uzbek and Russian (no-break space). Not every phone's
  // browser carries Uzbek number formats, so this is done by hand.
  const number = Math.round(Number(value) || 0);
  const digits = String(Math.abs(number));
  const separator = currentLanguage() === "en" ? "," : "\u00a0";
  let grouped = "";
  for (let i = 0; i < digits.length; i += 1) {
    if (i > 0 && (digits.length - i) % 3 === 0) grouped += separator;
    grouped += digits.charAt(i);
  }
  return (number < 0 ? "-" : "") + grouped;
}

// ---- join -----------------------------------------------------------------------------------

function showJoin(code, extra) {
  S.joining = false;
  $("join-submit").disabled = false;
  setText($("join-submit"), "Join");
  if (S.pin && !$("join-pin").value) $("join-pin").value = S.pin;
  $("join-staff-field").hidden = !S.need.staff;
  $("join-department-field").hidden = !S.need.department;
  const error = $("join-error");
  if (code) errorSetter(error, code, extra);
  else {
    error.textContent = "";
    delete error.dataset.i18n;
  }
  show("join", { focus: false });
  const target = fieldFor(code);
  if (target) {
    target.setAttribute("aria-invalid", "true");
    target.focus();
    if (target.select) target.select();
  } else if (!code) {
    ($("join-pin").value.length === 6 ? $("join-name") : $("join-pin")).focus({ preventScroll: true });
  }
}

function fieldFor(code) {
  switch (code) {
    case "unknown_pin":
    case "bad_pin":
    case "game_ended":
      return $("join-pin");
    case "name_taken":
    case "name_required":
    case "kicked":
      return $("join-name");
    case "staff_id_taken":
    case "staff_id_required":
      return $("join-staff-id");
    case "department_required":
      return $("join-department");
    default:
      return null;
  }
}

function submitJoin(event) {
  event.preventDefault();
  for (const id of ["join-pin", "join-name", "join-staff-id", "join-department"]) {
    $(id).removeAttribute("aria-invalid");
  }
  const pin = $("join-pin").value.replace(/\D/g, "");
  $("join-pin").value = pin;
  const name = $("join-name").value.trim();
  if (pin.length !== 6) return showJoin("bad_pin");
  if (!name) return showJoin("name_required");
  const message = { type: "join", protocol: PROTOCOL, pin: pin, name: name };
  if (S.need.staff) message.staff_id = $("join-staff-id").value.trim();
  if (S.need.department) message.department = $("join-department").value.trim();
  S.pin = pin;
  S.joining = message;
  $("join-submit").disabled = true;
  setText($("join-submit"), "Joining…");
  const error = $("join-error");
  error.textContent = "";
  delete error.dataset.i18n;
  if (live.isOpen()) live.send(message);
  else live.reconnectNow(); // sent from onOpen
}

function joinError(code, extra) {
  if (code === "staff_id_required") S.need.staff = true;
  if (code === "department_required") S.need.department = true;
  showJoin(code, extra);
}

function rememberProfile() {
  if (PC) return;
  try {
    const profile = {
      name: $("join-name").value.trim(),
      staff_id: $("join-staff-id").value.trim(),
      department: $("join-department").value.trim(),
    };
    localStorage.setItem("qk.player.profile", JSON.stringify(profile));
  } catch (error) {
    /* storage off: fine */
  }
}

function prefillProfile() {
  if (PC) return;
  try {
    const profile = JSON.parse(localStorage.getItem("qk.player.profile") || "null");
    if (!profile) return;
    if (profile.name && !$("join-name").value) $("join-name").value = profile.name;
    if (profile.staff_id) $("join-staff-id").value = profile.staff_id;
    if (profile.department) $("join-department").value = profile.department;
  } catch (error) {
    /* ignore */
  }
}

function freshConnection() {
  // A socket that has joined stays that player: a new join needs a new socket.
  live.close();
  live.restart();
}

function forgetPlace() {
  if (S.pin) tokens.forget(S.pin);
  S.token = null;
  S.player = null;
  S.game = null;
  S.phase = null;
}

// ---- server messages ------------------------------------------------------------------------

function onOpen() {
  if (S.token) {
    live.send({ type: "resume", protocol: PROTOCOL, token: S.token, pin: S.pin || undefined });
  } else if (S.joining) {
    live.send(S.joining);
  }
}

function onClose(event) {
  if (event.code === 4003) {
    showKicked();
    return false;
  }
  if (event.code === 4009) {
    showNotice("Opened somewhere else", "This game was opened in another tab or on another device.", "Use it here", () => {
      live.restart();
      show("connecting");
    });
    return false;
  }
  if (S.joining && !S.token) {
    // The join may not have reached the server: let the person press Join again.
    showJoin();
  }
  return true;
}

function onMessage(m) {
  switch (m.type) {
    case "welcome":
      return onWelcome(m);
    case "question":
      return onQuestion(m);
    case "answer_ack":
      return onAck(m);
    case "paused":
      return onPaused(m);
    case "resumed":
      return onResumed(m);
    case "reveal":
      return onReveal(m);
    case "result":
      return onResult(m);
    case "leaderboard":
      return onLeaderboard(m);
    case "podium":
      return onPodium(m);
    case "rank":
      return onRank(m);
    case "ended":
      return onEnded(m);
    case "lobby":
    case "player_joined":
    case "player_left":
      return onCount(m);
    case "kicked":
      return showKicked();
    case "error":
      return onError(m);
    default:
      return undefined; // "left" and anything newer: nothing to draw
  }
}

function onWelcome(m) {
  const fresh = !m.resumed;
  if (fresh || !S.game || S.game.id !== m.game.id) {
    // A different game (or a new player): nothing of the previous one may carry over.
    S.question = null;
    S.answered = null;
    S.pending = null;
    S.reveal = null;
    S.result = null;
    S.board = null;
    S.correctCount = null;
    S.finalAnnounced = false;
  }
  S.player = m.player;
  S.game = m.game;
  S.pin = m.game.pin;
  S.token = m.resume_token;
  S.ended = m.game.phase === "ended";
  tokens.set(S.pin, { token: S.token, ended: S.ended });
  if (fresh) rememberProfile();
  S.joining = false;
  const url = new URL(location.href);
  if (url.searchParams.get("pin") !== S.pin) {
    url.searchParams.set("pin", S.pin);
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search);
  }
  $("lobby-name").textContent = S.player.name;
  setLocalized($("lobby-game-title"), S.game.title);
  applyScreen(m.screen || {});
  if (fresh) announce(t("You're in! Wait for the host to start the game."));
}

function applyScreen(screen) {
  S.phase = screen.phase;
  S.score = screen.score || 0;
  S.rank = screen.rank;
  S.players = screen.players || 0;
  updateBar();
  switch (screen.phase) {
    case "question": {
      const q = screen.question;
      if (screen.my_answer !== null && screen.my_answer !== undefined) {
        S.answered = { index: q.index, value: screen.my_answer };
        S.pending = null;
        // The server's score already counts this answer: showing it now would tell right
        // from wrong before the reveal. The result message brings the score.
        S.score = null;
        updateBar();
      } else if (S.answered && S.answered.index === q.index) {
        S.answered = null; // the server has no record of it: never pretend it was received
      }
      onQuestion(q);
      if (S.pending && S.pending.index === q.index && !S.answered) resendPending();
      break;
    }
    case "reveal":
      S.reveal = screen.reveal || null;
      S.result = screen.result || null;
      if (S.result) S.score = S.result.score;
      showReveal();
      break;
    case "leaderboard":
      S.board = screen.board || null;
      showRank();
      break;
    case "podium":
    case "ended":
      S.board = screen.board || null;
      showFinal();
      break;
    default:
      showLobby();
  }
}

function onCount(m) {
  // Players only learn the count at join; if the server also sends counts, keep them fresh.
  const count = typeof m.players === "number" ? m.players : m.count;
  if (typeof count === "number") {
    S.players = count;
    if (S.screen === "lobby") showLobby();
  }
}

function showLobby() {
  setText($("lobby-players"), "Players in the game: %(count)s", { count: S.players });
  show("lobby");
}

// ---- question ---------------------------------------------------------------------------------

function onQuestion(q) {
  const same = !!S.question && S.question.index === q.index;
  S.question = q;
  S.phase = "question";
  if (!same) {
    S.sel = { single: null, multi: [], order: [] };
    if (!S.answered || S.answered.index !== q.index) S.answered = null;
    if (S.pending && S.pending.index !== q.index) S.pending = null;
    S.reveal = null;
    S.result = null;
    S.timeUp = false;
  } else if (q.remaining_ms > 0 && S.timeUp && !S.answered) {
    S.timeUp = false; // the local clock ran ahead of the server's: it is still open
    updateSendState();
  }
  startTimer(q.remaining_ms, q.paused, q.time_limit);
  if (S.answered && S.answered.index === q.index) {
    showAnswered();
    return;
  }
  if (same && S.screen === "question") return; // the same question again after a resume: keep the taps
  renderQuestion();
  show("question", { focus: false });
  announceQuestion();
}

function hasText(q) {
  return !!q.text && q.show_text_on_phones !== false;
}

function announceQuestion() {
  const q = S.question;
  const head = t("Question %(number)s of %(total)s", { number: q.index + 1, total: q.total });
  const body = hasText(q) ? localized(q.text) : t("Read the question on the big screen, then answer here.");
  announce(head + ". " + body + " " + t(instructionFor(q)));
}

function instructionFor(q) {
  switch (q.kind) {
    case "multi":
      return "Choose all the right answers, then press Send.";
    case "truefalse":
      return "True or false?";
    case "order":
      return "Tap the steps in the right order, starting with the first.";
    case "typed":
      return "Type your answer, then press Send.";
    case "poll":
      return "Choose one. There is no wrong answer.";
    default:
      return "Choose one answer.";
  }
}

function renderQuestion() {
  const q = S.question;
  setText($("q-progress"), "Question %(number)s of %(total)s", { number: q.index + 1, total: q.total });
  const points = $("q-points");
  if (q.kind === "poll" || q.points === 0) {
    points.hidden = false;
    setText(points, "Poll: no points");
  } else if (q.points > 1) {
    points.hidden = false;
    setText(points, "Points ×%(times)s", { times: q.points });
  } else {
    points.hidden = true;
  }
  const textEl = $("q-text");
  if (hasText(q)) {
    setLocalized(textEl, q.text);
    textEl.hidden = false;
    $("q-look").hidden = true;
  } else {
    textEl.textContent = "";
    delete textEl.dataset.loc;
    textEl.hidden = true;
    $("q-look").hidden = false;
  }
  setText($("q-instruction"), instructionFor(q));
  const message = $("q-message");
  message.textContent = "";
  delete message.dataset.i18n;
  const area = clear($("q-answers"));
  const actions = clear($("q-actions"));
  area.className =
    "answers kind-" + q.kind + (hasChoiceText(q) ? " with-text" : " no-text") + (choices(q).length > 4 ? " many" : "");
  area.dataset.kind = q.kind;
  if (q.kind === "truefalse") renderTrueFalse(area);
  else if (q.kind === "typed") renderTyped(area, actions);
  else if (q.kind === "order") renderOrder(area, actions);
  else renderChoices(area, actions, q.kind === "multi");
  updateSendState();
  if (PC && q.kind !== "typed") {
    actions.appendChild(h("p", { class: "key-hint", i18n: keyHintFor(q) }));
  }
}

function keyHintFor(q) {
  if (q.kind === "truefalse") return "Keys: 1 or A = True, 2 or B = False, then Enter.";
  if (q.kind === "order") return "Keys: press the step letters in order, Backspace to undo, Enter to send.";
  if (q.kind === "multi") return "Keys: 1–6 or A–F to choose, Enter to send.";
  return "Keys: 1–6 or A–F to choose, Enter to send.";
}

function choices(q) {
  return Array.isArray(q.choices) ? q.choices : [];
}

function hasChoiceText(q) {
  return choices(q).some((choice) => !!choice) && q.show_text_on_phones !== false;
}

function optionFace(index, texts, showText, withKey) {
  // Letter + shape + colour, and the option text when the phone shows it.
  const letter = OPTION_LETTERS[index] || String(index + 1);
  const face = [
    h("span", { class: "opt-badge", "aria-hidden": "true" }, optionShape(index), h("span", { class: "opt-letter" }, letter)),
  ];
  if (showText && texts) {
    face.push(h("span", { class: "visually-hidden", i18n: ["Option %(letter)s:", { letter: letter }] }));
    face.push(h("span", { class: "opt-text", loc: texts }));
  } else {
    face.push(h("span", { class: "visually-hidden", i18n: ["Option %(letter)s", { letter: letter }] }));
  }
  if (PC && withKey) face.push(h("kbd", { class: "opt-key", "aria-hidden": "true" }, String(index + 1)));
  return face;
}

function optionClass(index) {
  return "option opt-" + "abcdef".charAt(index % 6);
}

function renderChoices(area, actions, multi) {
  const q = S.question;
  const showText = hasChoiceText(q);
  choices(q).forEach((texts, index) => {
    const button = h(
      "button",
      {
        type: "button",
        class: optionClass(index),
        "data-testid": "option-" + index,
        "data-option": index,
        "aria-pressed": multi || PC ? "false" : null,
        onclick: () => (multi ? toggleMulti(index) : pickSingle(index, true)),
      },
      optionFace(index, texts, showText, true),
      multi ? h("span", { class: "check", "aria-hidden": "true" }, "✓") : null,
    );
    area.appendChild(button);
  });
  if (multi || PC) {
    actions.appendChild(sendButton(() => (multi ? sendMulti() : sendSingle())));
  }
}

function renderTrueFalse(area) {
  [true, false].forEach((value, index) => {
    const button = h(
      "button",
      {
        type: "button",
        class: optionClass(index) + " tf",
        "data-testid": value ? "option-true" : "option-false",
        "data-option": index,
        "data-value": String(value),
        "aria-pressed": PC ? "false" : null,
        onclick: () => pickSingle(index, true),
      },
      h("span", { class: "opt-badge", "aria-hidden": "true" }, optionShape(index), h("span", { class: "opt-letter" }, OPTION_LETTERS[index])),
      h("span", { class: "opt-text", i18n: value ? "True" : "False" }),
      PC ? h("kbd", { class: "opt-key", "aria-hidden": "true" }, String(index + 1)) : null,
    );
    area.appendChild(button);
  });
  if (PC) $("q-actions").appendChild(sendButton(sendSingle));
}

function renderTyped(area, actions) {
  const input = h("input", {
    id: "typed-input",
    class: "typed-input",
    "data-testid": "typed-input",
    type: "text",
    maxlength: "200",
    autocomplete: "off",
    autocapitalize: "off",
    autocorrect: "off",
    spellcheck: "false",
    enterkeyhint: "send",
    "aria-labelledby": "q-instruction",
    oninput: updateSendState,
  });
  const form = h(
    "form",
    {
      class: "typed-form",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        sendTyped();
      },
    },
    input,
  );
  area.appendChild(form);
  actions.appendChild(sendButton(sendTyped));
  if (PC) setTimeout(() => input.focus(), 0);
}

function sendButton(onclick) {
  return h("button", {
    type: "button",
    id: "answer-submit",
    class: "big primary send",
    "data-testid": "answer-submit",
    i18n: "Send answer",
    onclick: onclick,
  });
}

// -- ordering: tap the steps in sequence; tap a placed step (or Undo) to take it back --

function renderOrder(area, actions) {
  const q = S.question;
  const showText = hasChoiceText(q);
  const placed = h("ol", { id: "order-list", class: "order-list", "data-testid": "order-list", "aria-label": t("Your order") });
  placed.dataset.i18nAriaLabel = "Your order";
  const pool = h("div", { id: "order-pool", class: "order-pool", "data-testid": "order-pool" });
  choices(q).forEach((texts, index) => {
    pool.appendChild(
      h(
        "button",
        {
          type: "button",
          class: optionClass(index) + " step",
          "data-testid": "order-step-" + index,
          "data-option": index,
          onclick: () => placeStep(index),
        },
        optionFace(index, texts, showText, true),
      ),
    );
  });
  area.appendChild(
    h(
      "div",
      { class: "order-bar" },
      h("h2", { class: "order-heading", i18n: "Your order" }),
      h("button", { type: "button", id: "order-undo", class: "secondary small", "data-testid": "order-undo", i18n: "Undo", onclick: undoStep }),
      h("button", { type: "button", id: "order-clear", class: "secondary small", "data-testid": "order-clear", i18n: "Start again", onclick: clearOrder }),
    ),
  );
  area.appendChild(placed);
  area.appendChild(h("h2", { class: "order-heading", id: "order-pool-heading", i18n: "Steps to place" }));
  area.appendChild(pool);
  actions.appendChild(sendButton(sendOrder));
  drawOrder();
}

function drawOrder() {
  const q = S.question;
  const list = $("order-list");
  const pool = $("order-pool");
  if (!list || !pool) return;
  const showText = hasChoiceText(q);
  const all = choices(q);
  clear(list);
  S.sel.order.forEach((index, position) => {
    const item = h(
      "li",
      { class: "order-item", draggable: "true", "data-testid": "order-slot-" + position, "data-option": index, "data-position": position },
      h("span", { class: "order-number", "aria-hidden": "true" }, String(position + 1)),
      h(
        "button",
        {
          type: "button",
          class: optionClass(index) + " placed",
          "data-option": index,
          onclick: () => unplaceStep(index),
        },
        optionFace(index, all[index], showText),
        h("span", { class: "visually-hidden", i18n: "(tap to take back)" }),
      ),
    );
    wireDrag(item, position);
    list.appendChild(item);
  });
  if (S.sel.order.length < all.length) {
    list.appendChild(
      h(
        "li",
        { class: "order-item empty", "aria-hidden": "true" },
        h("span", { class: "order-number" }, String(S.sel.order.length + 1)),
        h("span", { class: "order-next", i18n: S.sel.order.length ? "Tap the next step" : "Tap the first step" }),
      ),
    );
  }
  pool.querySelectorAll("button.step").forEach((button) => {
    const index = Number(button.dataset.option);
    button.hidden = S.sel.order.indexOf(index) >= 0;
  });
  const remaining = all.length - S.sel.order.length;
  $("order-pool-heading").hidden = remaining === 0;
  $("answer-submit").hidden = remaining > 0; // appears once every step is placed
  $("order-undo").disabled = S.sel.order.length === 0 || locked();
  $("order-clear").disabled = S.sel.order.length === 0 || locked();
  updateSendState();
}

function placeStep(index) {
  if (locked() || S.sel.order.indexOf(index) >= 0) return;
  const hadFocus = document.activeElement && document.activeElement.dataset.option === String(index);
  S.sel.order.push(index);
  drawOrder();
  if (hadFocus) {
    // The tapped step moved up to "Your order": keep keyboard focus in the pool.
    const next = $("order-pool").querySelector("button.step:not([hidden])");
    (next || $("answer-submit")).focus({ preventScroll: true });
  }
}

function unplaceStep(index) {
  if (locked()) return;
  S.sel.order = S.sel.order.filter((value) => value !== index);
  drawOrder();
}

function undoStep() {
  if (locked()) return;
  S.sel.order.pop();
  drawOrder();
}

function clearOrder() {
  if (locked()) return;
  S.sel.order = [];
  drawOrder();
}

let dragFrom = -1;

function wireDrag(item, position) {
  // Mouse drag on the PC reorders placed steps; tapping alone does everything on phones.
  item.addEventListener("dragstart", (event) => {
    dragFrom = position;
    item.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(position));
  });
  item.addEventListener("dragend", () => item.classList.remove("dragging"));
  item.addEventListener("dragover", (event) => {
    if (dragFrom >= 0) event.preventDefault();
  });
  item.addEventListener("drop", (event) => {
    event.preventDefault();
    if (dragFrom < 0 || dragFrom === position || locked()) return;
    const moved = S.sel.order.splice(dragFrom, 1)[0];
    S.sel.order.splice(position, 0, moved);
    dragFrom = -1;
    drawOrder();
  });
}

// -- picking and sending --

function locked() {
  return !!S.pending || !!S.answered || S.timeUp || S.phase !== "question";
}

function pickSingle(index, fromPointer) {
  if (locked()) return;
  if (PC && !fromPointer) {
    // Keyboard on the PC: mark first, Enter sends.
    S.sel.single = index;
    drawPressed([index]);
    return;
  }
  S.sel.single = index;
  sendSingle();
}

function sendSingle() {
  if (S.sel.single === null) return;
  const q = S.question;
  const value = q.kind === "truefalse" ? S.sel.single === 0 : S.sel.single;
  sendAnswer(value);
}

function toggleMulti(index) {
  if (locked()) return;
  const at = S.sel.multi.indexOf(index);
  if (at >= 0) S.sel.multi.splice(at, 1);
  else S.sel.multi.push(index);
  drawPressed(S.sel.multi);
}

function drawPressed(chosen) {
  $("q-answers").querySelectorAll("button.option").forEach((button) => {
    button.setAttribute("aria-pressed", String(chosen.indexOf(Number(button.dataset.option)) >= 0));
  });
  updateSendState();
}

function sendMulti() {
  if (!S.sel.multi.length) return;
  sendAnswer(S.sel.multi.slice().sort((a, b) => a - b));
}

function sendOrder() {
  if (S.sel.order.length !== choices(S.question).length) return;
  sendAnswer(S.sel.order.slice());
}

function sendTyped() {
  const input = $("typed-input");
  const value = input ? input.value.trim() : "";
  if (!value) {
    setText($("q-message"), "Please type an answer first.");
    return;
  }
  sendAnswer(value);
}

function updateSendState() {
  const button = $("answer-submit");
  const q = S.question;
  if (!q) return;
  let ready = false;
  if (q.kind === "multi") ready = S.sel.multi.length > 0;
  else if (q.kind === "order") ready = S.sel.order.length === choices(q).length;
  else if (q.kind === "typed") ready = !!($("typed-input") && $("typed-input").value.trim());
  else ready = S.sel.single !== null;
  if (button) {
    button.disabled = !ready || locked();
    if (S.pending) setText(button, "Sending…");
    else if (q.kind === "multi" && S.sel.multi.length) setText(button, "Send answer (%(count)s chosen)", { count: S.sel.multi.length });
    else setText(button, "Send answer");
  }
  $("q-answers").querySelectorAll("button, input").forEach((el) => {
    el.disabled = locked();
  });
}

function sendAnswer(value) {
  const q = S.question;
  if (!q || locked()) return;
  S.pending = { index: q.index, value: value, sentAt: Date.now() };
  updateSendState();
  $("screen-question").classList.add("sending");
  if (live.isOpen()) live.send({ type: "answer", question: q.index, value: value });
  else setText($("q-message"), "No connection. Your answer will be sent when it is back.");
  clearTimeout(sendAnswer.retry);
  sendAnswer.retry = setTimeout(retryIfNoAck, ACK_RETRY_MS);
}

function retryIfNoAck() {
  if (!S.pending || S.phase !== "question") return;
  resendPending();
  sendAnswer.retry = setTimeout(retryIfNoAck, ACK_RETRY_MS);
}

function resendPending() {
  if (S.pending && live.isOpen()) live.send({ type: "answer", question: S.pending.index, value: S.pending.value });
}

function onAck(m) {
  if (!S.question || m.question !== S.question.index) return;
  clearTimeout(sendAnswer.retry);
  S.answered = { index: m.question, value: m.value };
  S.pending = null;
  $("screen-question").classList.remove("sending");
  if (S.phase === "question") {
    showAnswered();
    announce(t("Answer received"));
  }
}

function answerRefused(m) {
  clearTimeout(sendAnswer.retry);
  const wasPending = !!S.pending;
  S.pending = null;
  $("screen-question").classList.remove("sending");
  if (m.code === "wrong_question") return; // about an older question: nothing to show
  if (m.code === "too_late" || m.code === "question_closed") S.timeUp = true;
  if (S.screen !== "question" && S.phase === "question" && !S.answered) show("question", { focus: false });
  if (wasPending || S.screen === "question") {
    errorSetter($("q-message"), m.code);
    announce(errorText(m.code));
  }
  updateSendState();
  if (S.question && S.question.kind === "order") drawOrder();
}

// -- answer received --

function showAnswered() {
  const summary = clear($("answered-summary"));
  const q = S.question;
  if (q && S.answered) summary.appendChild(answerChips(q, S.answered.value, "Your answer"));
  show("answered");
  timer.shown = -1;
  tickTimer();
}

function answerChips(q, value, labelMsgid) {
  const box = h("div", { class: "chips-block" }, h("p", { class: "chips-label", i18n: labelMsgid }));
  const all = choices(q);
  const showText = hasChoiceText(q);
  const list = h("div", { class: "chips" + (q.kind === "order" && showText ? " ordered" : "") });
  const chip = (index, texts) =>
    h("span", { class: "chip opt-" + "abcdef".charAt(index % 6) }, optionFace(index, texts, showText && !!texts));
  if (q.kind === "typed") {
    list.appendChild(h("span", { class: "chip typed", text: String(value) }));
  } else if (q.kind === "truefalse") {
    const index = value === true ? 0 : 1;
    list.appendChild(
      h("span", { class: "chip opt-" + "ab".charAt(index) }, h("span", { class: "opt-badge", "aria-hidden": "true" }, optionShape(index), h("span", { class: "opt-letter" }, OPTION_LETTERS[index])), h("span", { class: "opt-text", i18n: value ? "True" : "False" })),
    );
  } else if (Array.isArray(value)) {
    value.forEach((index, position) => {
      if (q.kind !== "order") list.appendChild(chip(index, all[index]));
      else if (showText) {
        list.appendChild(h("span", { class: "chip-number", "aria-hidden": "true" }, String(position + 1)));
        list.appendChild(chip(index, all[index]));
      } else {
        list.appendChild(
          h("span", { class: "chip-pair" }, h("span", { class: "chip-number", "aria-hidden": "true" }, String(position + 1)), chip(index, null)),
        );
      }
    });
  } else if (typeof value === "number") {
    list.appendChild(chip(value, all[value]));
  }
  box.appendChild(list);
  return box;
}

// ---- countdown ----------------------------------------------------------------------------------

function startTimer(remainingMs, paused, limitSeconds) {
  timer.remaining = Math.max(0, Number(remainingMs) || 0);
  timer.paused = !!paused;
  timer.endsAt = performance.now() + timer.remaining;
  if (limitSeconds) timer.limit = Math.max(1, limitSeconds * 1000);
  timer.said = { 10: timer.remaining <= 10000, 5: timer.remaining <= 5000 };
  timer.shown = -1;
  $("q-paused").hidden = !timer.paused;
  $("screen-question").classList.toggle("paused", timer.paused);
  clearInterval(timer.handle);
  timer.handle = setInterval(tickTimer, 200);
  tickTimer();
}

function stopTimer() {
  clearInterval(timer.handle);
  timer.handle = 0;
}

function timeLeft() {
  return timer.paused ? timer.remaining : Math.max(0, timer.endsAt - performance.now());
}

function tickTimer() {
  const left = timeLeft();
  const seconds = Math.ceil(left / 1000);
  if (seconds !== timer.shown) {
    timer.shown = seconds;
    $("q-timer-seconds").textContent = String(seconds);
    $("q-timer").classList.toggle("low", seconds <= 5);
    if (S.screen === "answered") {
      setText($("answered-time"), timer.paused ? "Paused by the host" : "Time left: %(seconds)s s", { seconds: seconds });
    }
  }
  $("q-timer-bar").style.transform = "scaleX(" + Math.min(1, left / timer.limit).toFixed(3) + ")";
  if (!timer.paused && S.phase === "question" && S.screen === "question") {
    for (const mark of [10, 5]) {
      if (!timer.said[mark] && left <= mark * 1000 && left > 0) {
        timer.said[mark] = true;
        announce(t("%(seconds)s seconds left", { seconds: mark }));
      }
    }
  }
  if (left <= 0 && !timer.paused) {
    stopTimer();
    if (S.phase === "question" && !S.answered && !S.pending && !S.timeUp) {
      S.timeUp = true;
      setText($("q-message"), "Time is up. Wait for the answer on the big screen.");
      updateSendState();
      if (S.question && S.question.kind === "order") drawOrder();
    }
  }
}

function onPaused(m) {
  if (S.phase !== "question") return;
  startTimer(m.remaining_ms, true);
  announce(t("Paused by the host"));
}

function onResumed(m) {
  if (S.phase !== "question") return;
  startTimer(m.remaining_ms, false);
  announce(t("The game goes on"));
}

// ---- reveal and result --------------------------------------------------------------------------

function onReveal(m) {
  stopTimer();
  clearTimeout(sendAnswer.retry);
  S.phase = "reveal";
  S.reveal = m;
  S.result = null;
  S.pending = null;
  $("screen-question").classList.remove("sending");
  showReveal();
}

function onResult(m) {
  S.result = m;
  S.score = m.score;
  S.rank = m.rank;
  if (typeof m.players === "number") S.players = m.players;
  updateBar();
  if (S.phase === "reveal") {
    showReveal();
    announce(verdictAnnouncement());
  }
}

function verdictMsgid() {
  const r = S.result;
  const kind = S.reveal && S.reveal.kind;
  if (!r) return "Waiting for your result…";
  if (kind === "poll" || r.correct === null) return r.answered ? "Thanks for your vote!" : "No vote this time";
  if (!r.answered) return "Time ran out: no answer";
  if (r.correct) return "Correct!";
  return r.points > 0 ? "Partly right" : "Not quite";
}

function verdictAnnouncement() {
  const parts = [t(verdictMsgid())];
  if (S.result && S.result.points) parts.push(t("+%(points)s points", { points: S.result.points }));
  if (S.result && S.result.rank) parts.push(t("Place %(rank)s of %(players)s", { rank: S.result.rank, players: S.players || "?" }));
  return parts.join(". ");
}

function showReveal() {
  const reveal = S.reveal || {};
  const r = S.result;
  const q = S.question && S.question.index === reveal.index ? S.question : null;
  const verdict = $("reveal-verdict");
  let state = "pending";
  if (r) {
    if (reveal.kind === "poll" || r.correct === null) state = "poll";
    else if (!r.answered) state = "none";
    else if (r.correct) state = "correct";
    else state = r.points > 0 ? "partial" : "incorrect";
  }
  verdict.dataset.verdict = state;
  $("reveal-verdict-mark").textContent = { correct: "✓", partial: "½", incorrect: "✗", none: "–", poll: "✓", pending: "…" }[state];
  setText($("reveal-verdict-text"), verdictMsgid());
  const points = $("reveal-points");
  if (r && state !== "poll" && (r.points > 0 || state === "correct")) {
    setText(points, "+%(points)s points", { points: formatNumber(r.points) });
  }
  else {
    points.textContent = "";
    delete points.dataset.i18n;
  }
  $("reveal-score").textContent = formatNumber(S.score);
  const rank = $("reveal-rank");
  if (S.rank) setText(rank, "%(rank)s of %(players)s", { rank: S.rank, players: S.players || "?" });
  else rank.textContent = "–";

  const answerBox = clear($("reveal-answer"));
  const mineBox = clear($("reveal-mine"));
  const kind = reveal.kind;
  if (kind === "poll") {
    answerBox.appendChild(distribution(q, reveal.distribution || []));
  } else if (kind === "typed") {
    const accepted = Array.isArray(reveal.correct) ? reveal.correct : [];
    const block = h("div", { class: "chips-block" }, h("p", { class: "chips-label", i18n: "Correct answer" }));
    const chips = h("div", { class: "chips" });
    // The first accepted answer is the canonical one; the rest are spellings the server tolerates.
    accepted.slice(0, 1).forEach((text) => chips.appendChild(h("span", { class: "chip typed correct", text: String(text) })));
    block.appendChild(chips);
    answerBox.appendChild(block);
  } else if (reveal.correct !== undefined && reveal.correct !== null) {
    const shape = q || { kind: kind, choices: [], show_text_on_phones: false };
    answerBox.appendChild(answerChips(shape, reveal.correct, "Correct answer"));
  }
  const mine = S.answered && S.answered.index === reveal.index ? S.answered.value : null;
  if (mine !== null && kind !== "poll" && r && r.correct === false) {
    const shape = q || { kind: kind, choices: [], show_text_on_phones: false };
    // An ordering is long: the player's own order is shown by letter only.
    const compact = kind === "order" ? Object.assign({}, shape, { show_text_on_phones: false }) : shape;
    mineBox.appendChild(answerChips(compact, mine, "Your answer"));
  }
  mineBox.hidden = !mineBox.firstChild;
  answerBox.hidden = !answerBox.firstChild;

  const explanation = reveal.explanation;
  $("reveal-explanation-block").hidden = !explanation;
  if (explanation) setLocalized($("reveal-explanation"), explanation);
  show("reveal");
}

function distribution(q, counts) {
  const total = counts.reduce((sum, n) => sum + n, 0) || 1;
  const all = q ? choices(q) : [];
  const showText = q ? hasChoiceText(q) : false;
  const list = h(
    "div",
    { class: "distribution" + (showText ? " with-text" : ""), "data-testid": "reveal-distribution" },
    h("p", { class: "chips-label", i18n: "How the room voted" }),
  );
  counts.forEach((count, index) => {
    const bar = h("span", { class: "bar-fill opt-" + "abcdef".charAt(index % 6) });
    bar.style.transform = "scaleX(" + (count / total).toFixed(3) + ")";
    list.appendChild(
      h(
        "div",
        { class: "bar-row" },
        h("span", { class: "chip opt-" + "abcdef".charAt(index % 6) }, optionFace(index, all[index], showText && !!all[index])),
        h("span", { class: "bar-track", "aria-hidden": "true" }, bar),
        h("span", { class: "bar-count", text: String(count) }),
      ),
    );
  });
  return list;
}

// ---- rank, podium, end --------------------------------------------------------------------------

function onLeaderboard(m) {
  S.phase = "leaderboard";
  S.board = m;
  if (typeof m.players === "number") S.players = m.players;
  showRank();
}

function onPodium(m) {
  S.phase = "podium";
  S.board = m;
  if (typeof m.players === "number") S.players = m.players;
  showFinal();
}

function onRank(m) {
  S.rank = m.rank;
  S.score = m.score;
  S.players = m.players;
  S.correctCount = m.correct_count;
  updateBar();
  if (S.phase === "leaderboard") {
    showRank();
    announce(t("Place %(rank)s of %(players)s", { rank: S.rank, players: S.players }) + ". " + t(rankMessage()));
  } else if (S.phase === "podium" || S.phase === "ended") {
    showFinal();
    if (!S.finalAnnounced) {
      S.finalAnnounced = true;
      announce(t(S.phase === "ended" ? "The game has ended" : "Final results") + ". " + finalAnnouncement());
    }
  }
}

function onEnded(m) {
  const first = S.phase !== "ended";
  S.phase = "ended";
  S.ended = true;
  S.board = { top: m.top || [], players: m.players };
  if (typeof m.players === "number") S.players = m.players;
  if (S.pin && S.token) tokens.set(S.pin, { token: S.token, ended: true });
  showFinal();
  if (first && S.finalAnnounced) announce(t("The game has ended"));
}

function rankMessage() {
  if (!S.rank) return "Keep going: every question counts!";
  if (S.rank === 1) return "You are in the lead!";
  if (S.rank <= 3) return "You are in the top three. Keep it up!";
  return "Keep going: every question counts!";
}

function showRank() {
  const q = S.question;
  if (q) setText($("rank-after"), "After question %(number)s of %(total)s", { number: q.index + 1, total: q.total });
  else $("rank-after").textContent = "";
  $("rank-place").textContent = S.rank ? String(S.rank) : "–";
  $("rank-badge").dataset.top = S.rank && S.rank <= 3 ? String(S.rank) : "";
  setText($("rank-players"), "of %(players)s players", { players: S.players || "?" });
  $("rank-score").textContent = formatNumber(S.score);
  setText($("rank-message"), rankMessage());
  show("rank");
}

function finalAnnouncement() {
  return (
    t("Place %(rank)s of %(players)s", { rank: S.rank || "?", players: S.players || "?" }) +
    ". " +
    t("Final score") +
    ": " +
    formatNumber(S.score)
  );
}

function showFinal() {
  setText($("final-title"), S.phase === "ended" ? "The game has ended" : "Final results");
  $("final-place").textContent = S.rank ? String(S.rank) : "–";
  $("final-badge").dataset.top = S.rank && S.rank <= 3 ? String(S.rank) : "";
  setText($("final-players"), "of %(players)s players", { players: S.players || "?" });
  $("final-score").textContent = formatNumber(S.score);
  const correct = $("final-correct");
  correct.textContent = S.correctCount !== null && S.correctCount !== undefined ? String(S.correctCount) : "–";
  const top = clear($("final-top"));
  const list = (S.board && S.board.top) || [];
  list.slice(0, 3).forEach((entry) => {
    const me = S.player && entry.id === S.player.id;
    top.appendChild(
      h(
        "li",
        { class: "top-row" + (me ? " me" : ""), "data-rank": entry.rank },
        h("span", { class: "top-rank", "aria-hidden": "true" }, String(entry.rank)),
        h("span", { class: "top-name", text: entry.name }),
        me ? h("span", { class: "top-you", i18n: "(you)" }) : null,
        h("span", { class: "top-score", text: formatNumber(entry.score) }),
      ),
    );
  });
  top.parentElement.hidden = list.length === 0;
  show("final");
}

// ---- kicked and other notices ---------------------------------------------------------------

function showKicked() {
  clearTimeout(sendAnswer.retry);
  stopTimer();
  forgetPlace();
  if (live) live.close();
  S.need = { staff: false, department: false };
  showNotice("Removed from the game", ERRORS.kicked, PC ? "Next person" : "Back to the start", () => {
    if (PC) resetForNextPerson();
    else {
      live.restart();
      $("join-name").value = "";
      showJoin();
    }
  });
}

function showNotice(titleMsgid, textMsgid, actionMsgid, action) {
  setText($("notice-title"), titleMsgid);
  setText($("notice-text"), textMsgid);
  const button = $("notice-action");
  setText(button, actionMsgid);
  button.onclick = action;
  show("notice");
}

function onError(m) {
  if (S.joining && !S.token) return joinError(m.code, { seconds: Math.ceil(Number(m.retry_after) || 60) });
  if (m.code === "kicked") return showKicked();
  if (typeof m.question === "number" || m.code === "not_saved") return answerRefused(m);
  if (m.code === "unknown_token" || m.code === "token_wrong_game") {
    forgetPlace();
    return showJoin(m.code);
  }
  if (m.code === "rate_limited") {
    if (S.pending) setTimeout(resendPending, 1500);
    return showAlert(m.code);
  }
  if (m.code === "already_joined") return undefined;
  if (!S.player) return showJoin(m.code, { seconds: Math.ceil(Number(m.retry_after) || 60) });
  return showAlert(m.code);
}

// ---- keyboard ---------------------------------------------------------------------------------

function keyIndex(event) {
  const code = event.code || "";
  let match = /^(?:Digit|Numpad)([1-6])$/.exec(code);
  if (match) return Number(match[1]) - 1;
  match = /^Key([A-F])$/.exec(code);
  if (match) return match[1].charCodeAt(0) - 65;
  const key = (event.key || "").toLowerCase();
  if (key >= "1" && key <= "6") return Number(key) - 1;
  if (key.length === 1 && key >= "a" && key <= "f") return key.charCodeAt(0) - 97;
  return -1;
}

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
  if (typing || S.screen !== "question" || !S.question || locked()) return;
  const q = S.question;
  if (event.key === "Enter") {
    if (target && target.tagName === "BUTTON") return; // the focused button gets its own click
    event.preventDefault();
    const send = $("answer-submit");
    if (send && !send.disabled) send.click();
    return;
  }
  if (event.key === "Backspace" && q.kind === "order") {
    event.preventDefault();
    undoStep();
    return;
  }
  if (event.key === "Escape") {
    if (q.kind === "order") clearOrder();
    else if (q.kind === "multi") {
      S.sel.multi = [];
      drawPressed(S.sel.multi);
    } else if (S.sel.single !== null) {
      S.sel.single = null;
      drawPressed([]);
    }
    return;
  }
  const index = keyIndex(event);
  if (index < 0) return;
  const count = q.kind === "truefalse" ? 2 : choices(q).length;
  if (index >= count) return;
  event.preventDefault();
  if (q.kind === "multi") toggleMulti(index);
  else if (q.kind === "order") placeStep(index);
  else if (q.kind !== "typed") pickSingle(index, false);
}

// ---- shared PC: next person -------------------------------------------------------------------

let autoclearTimer = 0;
let autoclearTick = 0;

function updateNextPersonButton() {
  const button = $("next-person");
  if (!button) return;
  const between = ["lobby", "reveal", "rank", "final", "connecting"].indexOf(S.screen) >= 0;
  button.hidden = !(S.player || S.screen === "connecting") || !between;
}

function askNextPerson() {
  if (S.phase === "ended" || S.phase === "podium") return resetForNextPerson();
  const dialog = $("reset-confirm");
  dialog.hidden = false;
  app.classList.add("confirming");
  $("reset-confirm-title").focus();
}

function closeConfirm() {
  $("reset-confirm").hidden = true;
  app.classList.remove("confirming");
  const button = $("next-person");
  if (button && !button.hidden) button.focus();
}

function resetForNextPerson() {
  clearTimeout(autoclearTimer);
  clearInterval(autoclearTick);
  const pin = S.ended ? "" : S.pin;
  if (live) {
    live.send({ type: "leave" });
    live.close();
  }
  tokens.clear();
  try {
    sessionStorage.clear();
  } catch (error) {
    /* nothing stored */
  }
  stopTimer();
  for (const key of Object.keys(S)) S[key] = null;
  clear(app); // nothing of this person stays in the page, even for a moment
  location.replace("/pc" + (pin ? "?pin=" + encodeURIComponent(pin) : ""));
}

function scheduleAutoclear() {
  clearTimeout(autoclearTimer);
  clearInterval(autoclearTick);
  const note = $("final-autoclear");
  if (!note) return;
  if (S.screen !== "final") {
    note.textContent = "";
    return;
  }
  const until = Date.now() + FINAL_AUTOCLEAR_S * 1000;
  const draw = () => {
    const seconds = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    setText(note, "This screen clears itself in %(seconds)s s.", { seconds: seconds });
  };
  draw();
  autoclearTick = setInterval(draw, 1000);
  autoclearTimer = setTimeout(resetForNextPerson, FINAL_AUTOCLEAR_S * 1000);
}

// ---- start ------------------------------------------------------------------------------------

function retitle() {
  document.title = t(app.dataset.title || "Join the quiz") + " · " + t("DMED Quiz Kiosk");
}

async function start() {
  $("browser-too-old").hidden = true;
  try {
    await loadLanguage(document.body.dataset.lang || document.documentElement.lang);
  } catch (error) {
    /* texts stay in the language the server rendered; JS-made texts fall back to English */
  }
  wireLanguageSwitch();
  onLanguage(() => {
    retitle();
    updateBar();
    if (S.screen === "reveal" || S.screen === "rank" || S.screen === "final") {
      // numbers are formatted per language
      if (S.screen === "reveal") showReveal();
      else if (S.screen === "rank") showRank();
      else showFinal();
    }
  });
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(null, "", url.pathname + url.search);
  }

  $("join-form").addEventListener("submit", submitJoin);
  $("join-pin").addEventListener("input", () => {
    const digits = $("join-pin").value.replace(/\D/g, "").slice(0, 6);
    if (digits !== $("join-pin").value) $("join-pin").value = digits;
    if (digits.length === 6 && document.activeElement === $("join-pin")) $("join-name").focus();
  });
  $("connecting-join-again").addEventListener("click", () => {
    forgetPlace();
    freshConnection();
    showJoin();
  });
  const again = $("final-join-again");
  if (again) {
    again.addEventListener("click", () => {
      forgetPlace();
      freshConnection();
      S.pin = "";
      $("join-pin").value = "";
      history.replaceState(null, "", location.pathname);
      showJoin();
    });
  }
  if (PC) {
    $("next-person").addEventListener("click", askNextPerson);
    $("final-next-person").addEventListener("click", resetForNextPerson);
    $("reset-confirm-yes").addEventListener("click", resetForNextPerson);
    $("reset-confirm-no").addEventListener("click", closeConfirm);
    $("reset-confirm").addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeConfirm();
    });
    ["keydown", "pointerdown"].forEach((type) =>
      document.addEventListener(type, () => {
        if (S.screen === "final") scheduleAutoclear();
      }),
    );
    window.addEventListener("pageshow", (event) => {
      // Never show a page restored from the back/forward cache on the shared PC.
      if (event.persisted) location.replace("/pc");
    });
  }
  document.addEventListener("keydown", onKey);
  prefillProfile();

  const saved = S.pin ? tokens.get(S.pin) : PC ? null : tokens.latest(RESUME_MAX_AGE, (value) => !value.ended);
  if (saved && Date.now() - (saved.saved_at || 0) < RESUME_MAX_AGE) {
    S.token = saved.token;
    if (saved.pin) S.pin = saved.pin;
    show("connecting");
  } else {
    showJoin();
  }
  live = connectLive({ path: "/ws/play", status: $("connection-status"), onOpen, onMessage, onClose });
}

start();
