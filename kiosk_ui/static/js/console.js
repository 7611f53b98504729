// Trainer console pages: sign-in and setup forms posted with fetch() (so errors show
// as translated text on the page), confirmations (dialogs.js), and the bank page's forms
// that start a live quiz or a case race.

import { confirmDialog } from "./dialogs.js";

const $ = (id) => document.getElementById(id);

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

/** Make sure the CSRF cookie exists and the form carries the same value. */
async function freshCsrf(form) {
  if (!cookie("qk_csrf")) {
    await fetch(location.pathname, { credentials: "same-origin", cache: "no-store" });
  }
  const field = form.querySelector('input[name="csrf_token"]');
  if (field && cookie("qk_csrf")) field.value = cookie("qk_csrf");
}

function errorTexts() {
  const node = $("form-errors");
  try {
    return node ? JSON.parse(node.textContent) : {};
  } catch {
    return {};
  }
}

function showFormError(form, code) {
  const texts = errorTexts();
  const box = form.querySelector(".form-error");
  if (!box) return;
  box.textContent = texts[code] || texts.unknown || code;
  box.hidden = false;
  box.dataset.code = code;
}

async function submitWithFetch(event) {
  const form = event.currentTarget;
  event.preventDefault();
  const box = form.querySelector(".form-error");
  if (box) box.hidden = true;
  for (const input of form.querySelectorAll("[data-same-as]")) {
    if (input.value !== $(input.dataset.sameAs).value) {
      showFormError(form, "password_mismatch");
      input.focus();
      return;
    }
  }
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    await freshCsrf(form);
    const response = await fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    });
    if (response.ok && response.redirected) {
      location.assign(response.url);
      return;
    }
    let code = "unknown";
    try {
      const body = await response.json();
      code = (body.error && body.error.code) || code;
    } catch {
      // not JSON: keep "unknown"
    }
    if (code === "csrf") await freshCsrf(form);
    showFormError(form, code);
    const password = form.querySelector('input[type="password"]');
    if (code === "bad_login" && password) {
      password.value = "";
      password.focus();
    }
  } catch {
    showFormError(form, "network");
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

function wireConfirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.confirmed === "yes") return;
      event.preventDefault();
      if (await confirmDialog(form.dataset.confirm)) {
        form.dataset.confirmed = "yes";
        await freshCsrf(form);
        form.requestSubmit();
      }
    });
  }
}

function wireStartForm() {
  const form = $("start-form");
  if (!form) return;
  const seconds = $("time-seconds");
  const custom = $("time-custom");
  const bank = $("time-bank");
  const sync = () => { seconds.required = custom.checked; };
  seconds.addEventListener("focus", () => { custom.checked = true; sync(); });
  seconds.addEventListener("input", () => { custom.checked = true; sync(); });
  custom.addEventListener("change", sync);
  bank.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", async (event) => {
    if (form.dataset.sending === "yes") {
      event.preventDefault(); // one click, one game
      return;
    }
    event.preventDefault();
    form.dataset.sending = "yes";
    $("start-game").setAttribute("aria-busy", "true");
    await freshCsrf(form);
    form.submit();
  });
  // Coming back with the browser's Back button: allow starting again.
  window.addEventListener("pageshow", () => {
    form.dataset.sending = "";
    $("start-game").removeAttribute("aria-busy");
  });
}

/** "Start a case race" (POST /console/races): one click, one race; an error it came back with
 *  (the page is drawn again with it) is brought into view. */
function wireRaceForm() {
  const form = $("race-form");
  if (!form) return;
  const button = $("start-race");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.dataset.sending === "yes") return;
    form.dataset.sending = "yes";
    button.setAttribute("aria-busy", "true");
    await freshCsrf(form);
    form.submit();
  });
  window.addEventListener("pageshow", () => {
    form.dataset.sending = "";
    button.removeAttribute("aria-busy");
  });
  const error = $("race-error");
  if (error) {
    error.scrollIntoView({ block: "center" });
    error.focus({ preventScroll: true });
  }
}

for (const form of document.querySelectorAll("form[data-fetch-form]")) {
  form.addEventListener("submit", submitWithFetch);
}
wireConfirmations();
wireStartForm();
wireRaceForm();
