/**
 * player-join.js: the join form (PIN, name, and staff ID / department when the game asks),
 * the profile a phone remembers for next time, and starting over in another game.
 *
 *   showJoin(code?, extra?)  joinError(code, extra)  forgetPlace()  freshConnection()
 *   rememberProfile()  prefillProfile()  wireJoin(): the form and the "join again" buttons
 */

import { clearText, setText } from "./i18n.js";
import { $, PC, PROTOCOL, S, errorSetter, session, tokens } from "./player-state.js";
import { show } from "./player-screens.js";

const PROFILE_KEY = "qk.player.profile";

export function showJoin(code, extra) {
  S.joining = false;
  $("join-submit").disabled = false;
  setText($("join-submit"), "Join");
  if (S.pin && !$("join-pin").value) $("join-pin").value = S.pin;
  $("join-staff-field").hidden = !S.need.staff;
  $("join-department-field").hidden = !S.need.department;
  const error = $("join-error");
  if (code) errorSetter(error, code, extra);
  else clearText(error);
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
  clearText($("join-error"));
  if (session.live.isOpen()) session.live.send(message);
  else session.live.reconnectNow(); // sent from onOpen
  return undefined;
}

export function joinError(code, extra) {
  if (code === "staff_id_required") S.need.staff = true;
  if (code === "department_required") S.need.department = true;
  showJoin(code, extra);
}

export function rememberProfile() {
  if (PC) return;
  try {
    const profile = {
      name: $("join-name").value.trim(),
      staff_id: $("join-staff-id").value.trim(),
      department: $("join-department").value.trim(),
    };
    localStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  } catch (error) {
    /* storage off: fine */
  }
}

export function prefillProfile() {
  if (PC) return;
  try {
    const profile = JSON.parse(localStorage.getItem(PROFILE_KEY) || "null");
    if (!profile) return;
    if (profile.name && !$("join-name").value) $("join-name").value = profile.name;
    if (profile.staff_id) $("join-staff-id").value = profile.staff_id;
    if (profile.department) $("join-department").value = profile.department;
  } catch (error) {
    /* ignore */
  }
}

export function freshConnection() {
  // A socket that has joined stays that player: a new join needs a new socket.
  session.live.close();
  session.live.restart();
}

export function forgetPlace() {
  if (S.pin) tokens.forget(S.pin);
  S.token = null;
  S.player = null;
  S.game = null;
  S.phase = null;
}

export function wireJoin() {
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
}
