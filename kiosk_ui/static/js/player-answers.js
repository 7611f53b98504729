/**
 * player-answers.js: the answer widgets of the question screen and sending the answer.
 *
 * One widget per kind: option buttons (single, poll: a tap sends; multi: taps choose, Send
 * sends; on the shared PC a pick is marked first and Enter or Send sends), True / False,
 * a text field (typed), and ordering (tap the steps in sequence; tap a placed step, Undo or
 * Start again to take steps back; a mouse can drag placed steps). What the taps mean as an
 * answer value is answer-values.js.
 *
 * An answer is `pending` until the server's answer_ack; without an ack it is sent again every
 * 5 s while the question is open (a repeat only gets the same ack). A case race step is
 * the same widgets (player-race.js): its answer waits for attempt_result and is never
 * repeated by itself, since a repeat would count as another attempt.
 *
 *   renderQuestion(), drawOrder(), updateSendState(), locked()
 *   resendPending(), stopRetrying(), answerRefused(error)
 *   pick(index) / togglePick(index) / placeStep(index) / undoStep() / clearSelection(): for the keys
 *   resetSelection(): a new question, nothing chosen
 */

import { clear, h } from "./dom.js";
import { announce } from "./announce.js";
import { clearText, N_, setLocalized, setText, t } from "./i18n.js";
import {
  answerValue,
  choices,
  emptySelection,
  hasChoiceText,
  instructionFor,
  keyHintFor,
  moved,
  toggled,
} from "./answer-values.js";
import { optionClass, optionFace, trueFalseFace } from "./player-chips.js";
import { $, ACK_RETRY_MS, PC, S, errorSetter, errorText, session } from "./player-state.js";
import { show } from "./player-screens.js";

let retryTimer = 0;
let dragFrom = -1;

export function hasText(q) {
  return !!q.text && q.show_text_on_phones !== false;
}

export function renderQuestion() {
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
  setText($("q-instruction"), instructionFor(q.kind));
  clearText($("q-message"));
  const area = clear($("q-answers"));
  const actions = clear($("q-actions"));
  area.className =
    "answers kind-" + q.kind + (hasChoiceText(q) ? " with-text" : " no-text") + (choices(q).length > 4 ? " many" : "");
  area.dataset.kind = q.kind;
  if (q.kind === "truefalse") renderTrueFalse(area, actions);
  else if (q.kind === "typed") renderTyped(area, actions);
  else if (q.kind === "order") renderOrder(area, actions);
  else renderChoices(area, actions, q.kind === "multi");
  updateSendState();
  if (PC && q.kind !== "typed") {
    actions.appendChild(h("p", { class: "key-hint", i18n: keyHintFor(q.kind) }));
  }
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
        onclick: () => (multi ? togglePick(index) : pick(index, true)),
      },
      optionFace(index, texts, showText, true),
      multi ? h("span", { class: "check", "aria-hidden": "true" }, "✓") : null,
    );
    area.appendChild(button);
  });
  if (multi || PC) actions.appendChild(sendButton());
}

function renderTrueFalse(area, actions) {
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
        onclick: () => pick(index, true),
      },
      trueFalseFace(value),
      PC ? h("kbd", { class: "opt-key", "aria-hidden": "true" }, String(index + 1)) : null,
    );
    area.appendChild(button);
  });
  if (PC) actions.appendChild(sendButton());
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
        sendCurrent();
      },
    },
    input,
  );
  area.appendChild(form);
  actions.appendChild(sendButton());
  if (PC) setTimeout(() => input.focus(), 0);
}

function sendButton() {
  return h("button", {
    type: "button",
    id: "answer-submit",
    class: "big primary send",
    "data-testid": "answer-submit",
    i18n: "Send answer",
    onclick: sendCurrent,
  });
}

// ---- ordering: tap the steps in sequence; tap a placed step (or Undo) to take it back ----

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
      h("button", { type: "button", id: "order-undo", class: "secondary small", "data-testid": "order-undo", i18n: N_("Undo"), onclick: undoStep }),
      h("button", { type: "button", id: "order-clear", class: "secondary small", "data-testid": "order-clear", i18n: N_("Start again"), onclick: clearSelection }),
    ),
  );
  area.appendChild(placed);
  area.appendChild(h("h2", { class: "order-heading", id: "order-pool-heading", i18n: N_("Steps to place") }));
  area.appendChild(pool);
  actions.appendChild(sendButton());
  drawOrder();
}

export function drawOrder() {
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
        { type: "button", class: optionClass(index) + " placed", "data-option": index, onclick: () => unplaceStep(index) },
        optionFace(index, all[index], showText),
        h("span", { class: "visually-hidden", i18n: N_("(tap to take back)") }),
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
        h("span", { class: "order-next", i18n: S.sel.order.length ? N_("Tap the next step") : N_("Tap the first step") }),
      ),
    );
  }
  pool.querySelectorAll("button.step").forEach((button) => {
    button.hidden = S.sel.order.indexOf(Number(button.dataset.option)) >= 0;
  });
  const remaining = all.length - S.sel.order.length;
  $("order-pool-heading").hidden = remaining === 0;
  $("answer-submit").hidden = remaining > 0; // appears once every step is placed
  $("order-undo").disabled = S.sel.order.length === 0 || locked();
  $("order-clear").disabled = S.sel.order.length === 0 || locked();
  updateSendState();
}

export function placeStep(index) {
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

export function undoStep() {
  if (locked()) return;
  S.sel.order.pop();
  drawOrder();
}

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
    S.sel.order = moved(S.sel.order, dragFrom, position);
    dragFrom = -1;
    drawOrder();
  });
}

// ---- picking and sending ----

export function locked() {
  if (S.mode === "race") {
    // A race step: one attempt at a time, not while paused, and not during a penalty.
    return !!S.pending || S.timeUp || S.phase !== "race" || S.race.paused || S.race.penalty;
  }
  return !!S.pending || !!S.answered || S.timeUp || S.phase !== "question";
}

/** A tap on an option sends it; a key on the shared PC only marks it (Enter sends). */
export function pick(index, fromPointer) {
  if (locked()) return;
  S.sel.single = index;
  if (PC && !fromPointer) drawPressed([index]);
  else sendCurrent();
}

export function togglePick(index) {
  if (locked()) return;
  S.sel.multi = toggled(S.sel.multi, index);
  drawPressed(S.sel.multi);
}

/** Escape: nothing chosen, nothing placed. */
export function clearSelection() {
  if (locked()) return;
  const q = S.question;
  if (q.kind === "order") {
    S.sel.order = [];
    drawOrder();
  } else if (q.kind === "multi") {
    S.sel.multi = [];
    drawPressed(S.sel.multi);
  } else if (S.sel.single !== null) {
    S.sel.single = null;
    drawPressed([]);
  }
}

function drawPressed(chosen) {
  $("q-answers").querySelectorAll("button.option").forEach((button) => {
    button.setAttribute("aria-pressed", String(chosen.indexOf(Number(button.dataset.option)) >= 0));
  });
  updateSendState();
}

function typedText() {
  const input = $("typed-input");
  return input ? input.value : "";
}

function sendCurrent() {
  const q = S.question;
  if (!q) return;
  const value = answerValue(q, S.sel, typedText());
  if (value === null) {
    if (q.kind === "typed") setText($("q-message"), "Please type an answer first.");
    return;
  }
  sendAnswer(value);
}

export function updateSendState() {
  const button = $("answer-submit");
  const q = S.question;
  if (!q) return;
  const ready = answerValue(q, S.sel, typedText()) !== null;
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
  // attempts: a race step's tries before this one (a resume tells whether it was recorded).
  S.pending = { index: q.index, value: value, sentAt: Date.now(), attempts: q.attempts || 0 };
  updateSendState();
  $("screen-question").classList.add("sending");
  if (session.live.isOpen()) session.live.send({ type: "answer", question: q.index, value: value });
  else setText($("q-message"), "No connection. Your answer will be sent when it is back.");
  clearTimeout(retryTimer);
  retryTimer = setTimeout(retryIfNoAck, ACK_RETRY_MS);
}

function retryIfNoAck() {
  if (!S.pending || S.phase !== "question") return;
  resendPending();
  retryTimer = setTimeout(retryIfNoAck, ACK_RETRY_MS);
}

export function resendPending() {
  if (S.pending && session.live.isOpen()) {
    session.live.send({ type: "answer", question: S.pending.index, value: S.pending.value });
  }
}

/** The answer is settled (acknowledged, refused, or the question is over): no more re-sends. */
export function stopRetrying() {
  clearTimeout(retryTimer);
  $("screen-question").classList.remove("sending");
}

export function answerRefused(m) {
  stopRetrying();
  const wasPending = !!S.pending;
  S.pending = null;
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

/** A new question: nothing chosen yet. */
export function resetSelection() {
  S.sel = emptySelection();
}
