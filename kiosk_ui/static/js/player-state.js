/**
 * player-state.js: what the player page knows, shared by its modules (player.js wires them).
 *
 *   app, PC (shared-PC mode), PROTOCOL, $(id), tokens (resume tokens: localStorage on phones,
 *   sessionStorage on the shared PC), S (the state), session.live (the connection),
 *   ERRORS / errorText(code) / errorSetter(el, code): the translated text of each error code.
 */

import { N_, setText, t } from "./i18n.js";
import { PROTOCOL_VERSION } from "./live-socket.js";
import { tokenStore } from "./resume-tokens.js";
import { emptySelection } from "./answer-values.js";

export const app = document.getElementById("player-app");
export const PC = app.dataset.mode === "pc";
export const PROTOCOL = Number(app.dataset.protocol) || PROTOCOL_VERSION;
export const RESUME_MAX_AGE = 8 * 3600 * 1000; // a saved place older than a working day is not tried
export const ACK_RETRY_MS = 5000;
export const FINAL_AUTOCLEAR_S = 120; // shared PC: the final screen clears itself when left alone

export const tokens = tokenStore(PC ? "session" : "local");
export const $ = (id) => document.getElementById(id);

export const SCREENS = [
  "join",
  "connecting",
  "lobby",
  "question",
  "answered",
  "reveal",
  "rank",
  "race-result",
  "race-finished",
  "final",
  "notice",
];

/** A case race's own state (player-race.js); a fresh one for every game. */
export function freshRace() {
  return {
    step: null, // the race_step being answered (or last answered)
    next: null, // a race_step that came while the "right" confirmation shows
    result: null, // the last attempt_result, with `value`: the answer it was about
    confirming: false, // the "right" confirmation is on screen
    penalty: false, // a wrong answer's penalty is running: the step is locked
    finished: null, // race_finished
    over: null, // race_over
    rank: null, // race_rank
    done: 0, // steps done
    total: 0,
    paused: false,
    clockSet: false,
    lastWhy: null, // {index, explanation}: the explanation of this step's last wrong try
  };
}

export const S = {
  pin: app.dataset.pin || "",
  token: null,
  player: null, // {id, name}
  game: null, // welcome.game: {id, pin, title, total, phase, locked, settings, mode}
  mode: "quiz", // welcome.game.mode: "quiz" or "race"
  race: freshRace(),
  phase: null,
  score: 0,
  rank: null,
  players: 0,
  correctCount: null,
  question: null, // the open (or last) question payload
  answered: null, // {index, value}: acknowledged by the server
  pending: null, // {index, value, sentAt}: sent, no ack yet
  sel: emptySelection(),
  timeUp: false,
  reveal: null,
  result: null,
  board: null,
  joining: false,
  need: { staff: false, department: false },
  screen: null,
  ended: false,
  finalAnnounced: false,
};

/** The connection (set once by player.js). */
export const session = { live: null };

export const ERRORS = {
  unknown_pin: N_("There is no game with this PIN. Check the number on the big screen."),
  game_ended: N_("This game has already ended."),
  name_taken: N_("Someone in this game already has this name. Please add your surname or an initial."),
  name_required: N_("Please enter your name."),
  field_too_long: N_("That is too long: a name can have up to 24 characters, staff ID and department up to 64."),
  staff_id_taken: N_("This staff ID is already in the game. Check the number or ask the host."),
  staff_id_required: N_("This game asks for your staff ID. Please enter it."),
  department_required: N_("This game asks for your department. Please enter it."),
  lobby_locked: N_("The host has closed this game to new players. Ask the host to open it."),
  kicked: N_("The host has removed you from this game."),
  too_many_attempts: N_("Too many wrong PINs from this device. Please wait %(seconds)s seconds and try again."),
  rate_limited: N_("Too many taps at once. Please wait a moment and try again."),
  unknown_token: N_("Your earlier place in the game could not be restored. Please join again."),
  token_wrong_game: N_("Your earlier place in the game could not be restored. Please join again."),
  already_joined: N_("You have already joined this game."),
  not_joined: N_("You are not in the game yet. Please join first."),
  too_late: N_("Time is up: this answer was not counted."),
  question_closed: N_("Time is up: this answer was not counted."),
  invalid_answer: N_("This answer could not be accepted. Please try again."),
  not_saved: N_("Your answer could not be saved. Please answer again."),
  unsupported_protocol: N_("This page is out of date. Please reload it."),
  bad_pin: N_("Enter the 6-digit PIN from the big screen."),
  // case race refusals (docs/case-race.md)
  step_locked: N_("This step is still locked after a wrong answer. Wait for the countdown."),
  paused: N_("The host has paused the race. Wait a moment."),
  already_finished: N_("You have already finished the race."),
  wrong_phase: N_("The race has not started yet. Wait for the host."),
};

export function errorText(code, extra) {
  const msgid = ERRORS[code];
  if (!msgid) return t("Something went wrong (%(code)s). Please try again.", { code: code || "?" });
  return t(msgid, extra);
}

export function errorSetter(el, code, extra) {
  const msgid = ERRORS[code] || "Something went wrong (%(code)s). Please try again.";
  return setText(el, msgid, ERRORS[code] ? extra : { code: code || "?" });
}
