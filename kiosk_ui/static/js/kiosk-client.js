/**
 * kiosk-client.js: small shared helpers for the live pages of DMED Quiz Kiosk
 * (player phone / shared PC, projector, console). Plain ES module, no dependencies.
 *
 * LIVE CONNECTION
 *   const live = connectLive({
 *     path: "/ws/play",              // or "/ws/host"
 *     status: element,               // optional .connection element (base.css): data-state + text
 *     onOpen(live) {},               // after EVERY (re)connect: send join / resume / host hello here
 *     onMessage(message, live) {},   // each parsed server message ("pong" is handled here, not passed)
 *     onClose(event, live) {},       // return false to stop reconnecting
 *   });
 *   live.send(object) -> true if sent; live.isOpen(); live.close() (stops for good);
 *   live.restart() (after close); live.reconnectNow().
 *   Reconnects with capped exponential backoff (0.5 s doubling to 10 s, with jitter), pings
 *   every 20 s and drops a socket that stays silent 10 s after a ping, and tries again at once
 *   when the tab becomes visible or the network comes back. Close codes 4000 (game ended),
 *   4003 (kicked) and 4009 (replaced by another tab) stop reconnecting (option stopCodes).
 *
 * RESUME TOKENS
 *   const tokens = tokenStore("local" | "session" | "memory");   // "memory" never touches storage
 *   tokens.get(pin) -> {token, saved_at, ...} | null; tokens.set(pin, {token, ...});
 *   tokens.forget(pin); tokens.latest(maxAgeMs, filter?) -> {pin, token, ...} | null; tokens.clear().
 *
 * TRANSLATIONS (catalog from GET /i18n/<lang>.json; msgids are the English texts)
 *   await loadLanguage(lang);  currentLanguage();
 *   t("Place %(rank)s of %(players)s", {rank: 3, players: 20})   // Python-style %(name)s
 *   localized({uz, ru, en}) -> text in the current language, else Uzbek, else any
 *   setText(el, msgid, args) / setLocalized(el, texts): set textContent AND remember it, so
 *   applyTranslations(root) can redo every remembered text (also data-i18n="msgid" and
 *   data-i18n-aria-label / -placeholder / -title attributes written in templates).
 *   await switchLanguage(lang): cookie qk_lang (a year), catalog, <html lang>, re-render, listeners.
 *   onLanguage(fn): called after each switch.  wireLanguageSwitch(): makes base.html's language
 *   links switch in place (no reload, the WebSocket stays up) and translates the base header.
 *
 * SAFE DOM (user and bank text is only ever set as text, never parsed as HTML)
 *   h(tag, {class, text, i18n: msgid | [msgid, args], loc: texts, on<event>: fn, ...attrs}, ...children)
 *   clear(el); announce(text) (polite aria-live region #live-announcer, created if missing);
 *   OPTION_LETTERS; optionShape(index) -> aria-hidden SVG (triangle, diamond, circle, square,
 *   star, hexagon: the shapes of --opt-a..--opt-f in base.css).
 */

const STOP_CODES = [4000, 4003, 4009];
const RESTARTING = 4012;

// ---- live connection -----------------------------------------------------------------

export function connectLive(options) {
  const path = options.path;
  const status = options.status || null;
  const stopCodes = options.stopCodes || STOP_CODES;
  const minDelay = options.minDelay || 500;
  const maxDelay = options.maxDelay || 10000;
  const pingEvery = options.pingEvery || 20000;
  const pongTimeout = options.pongTimeout || 10000;
  let socket = null;
  let attempt = 0;
  let retryTimer = 0;
  let pingTimer = 0;
  let pongTimer = 0;
  let stopped = false;
  let restarting = false;

  const api = {
    send(message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      try {
        socket.send(JSON.stringify(message));
        return true;
      } catch (error) {
        return false;
      }
    },
    isOpen() {
      return !!socket && socket.readyState === WebSocket.OPEN;
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      const old = socket;
      socket = null;
      stopHeartbeat();
      if (old) {
        try {
          old.close(1000, "bye");
        } catch (error) {
          /* already closed */
        }
      }
      showStatus("offline", "Disconnected");
    },
    restart() {
      stopped = false;
      attempt = 0;
      if (!socket) open();
    },
    reconnectNow() {
      if (stopped) return;
      attempt = 0;
      if (socket) return; // open or still connecting: onOpen will follow
      open();
    },
  };

  function showStatus(state, msgid) {
    if (!status) return;
    status.dataset.state = state;
    setText(status, msgid);
  }

  function url() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + path;
  }

  function open() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    if (stopped || socket) return;
    showStatus("connecting", "Connecting…");
    let ws;
    try {
      ws = new WebSocket(url());
    } catch (error) {
      schedule();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      if (ws !== socket) return;
      attempt = 0;
      showStatus("online", "Connected");
      startHeartbeat();
      if (options.onOpen) options.onOpen(api);
    };
    ws.onmessage = (event) => {
      if (ws !== socket) return;
      clearTimeout(pongTimer);
      pongTimer = 0;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (!message || typeof message !== "object" || message.type === "pong") return;
      if (options.onMessage) options.onMessage(message, api);
    };
    ws.onerror = () => {};
    ws.onclose = (event) => {
      if (ws !== socket) return;
      closed(event);
    };
  }

  function closed(event) {
    socket = null;
    restarting = event.code === RESTARTING;
    stopHeartbeat();
    const wanted = options.onClose ? options.onClose(event, api) !== false : true;
    if (!wanted || stopped || stopCodes.indexOf(event.code) >= 0) {
      stopped = true;
      showStatus("offline", "Disconnected");
      return;
    }
    schedule();
  }

  function dropSocket() {
    // A socket that went silent (Wi-Fi gone) may take minutes to fire onclose: give up on it now.
    const old = socket;
    socket = null;
    stopHeartbeat();
    if (old) {
      old.onclose = null;
      try {
        old.close(4001, "silent");
      } catch (error) {
        /* ignore */
      }
    }
  }

  function schedule() {
    if (stopped) return;
    clearTimeout(retryTimer);
    const base = Math.min(maxDelay, minDelay * Math.pow(2, attempt));
    attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2);
    // 4012: the server is restarting; it keeps the game, so come back the same way.
    const msgid = restarting ? "The server is restarting. Reconnecting…" : "No connection. Reconnecting…";
    showStatus("offline", msgid);
    retryTimer = setTimeout(open, delay);
  }

  function startHeartbeat() {
    stopHeartbeat();
    pingTimer = setInterval(ping, pingEvery);
  }

  function stopHeartbeat() {
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pingTimer = 0;
    pongTimer = 0;
  }

  function ping() {
    if (!api.isOpen() || pongTimer) return;
    api.send({ type: "ping" });
    pongTimer = setTimeout(() => {
      pongTimer = 0;
      if (stopped) return;
      dropSocket();
      closed({ code: 1006, reason: "no answer to ping", wasClean: false });
    }, pongTimeout);
  }

  function wake() {
    if (stopped) return;
    if (api.isOpen()) {
      ping();
    } else if (!socket) {
      attempt = 0;
      open();
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") wake();
  });
  window.addEventListener("online", wake);
  open();
  return api;
}

// ---- resume tokens --------------------------------------------------------------------

function storageOf(kind) {
  try {
    const storage = kind === "local" ? window.localStorage : window.sessionStorage;
    const probe = "qk.probe";
    storage.setItem(probe, "1");
    storage.removeItem(probe);
    return storage;
  } catch (error) {
    return null; // private mode or storage disabled: memory only
  }
}

export function tokenStore(kind, prefix) {
  const keyPrefix = prefix || "qk.resume.";
  const storage = kind === "memory" ? null : storageOf(kind);
  const memory = new Map();

  function read(key) {
    const raw = storage ? storage.getItem(key) : memory.get(key);
    if (!raw) return null;
    try {
      const value = JSON.parse(raw);
      return value && typeof value.token === "string" ? value : null;
    } catch (error) {
      return null;
    }
  }

  function keys() {
    if (!storage) return Array.from(memory.keys());
    const found = [];
    for (let i = 0; i < storage.length; i += 1) {
      const key = storage.key(i);
      if (key && key.indexOf(keyPrefix) === 0) found.push(key);
    }
    return found;
  }

  return {
    get(pin) {
      return pin ? read(keyPrefix + pin) : null;
    },
    set(pin, data) {
      const value = JSON.stringify(Object.assign({}, data, { saved_at: Date.now() }));
      if (storage) {
        try {
          storage.setItem(keyPrefix + pin, value);
          return;
        } catch (error) {
          /* full: keep it in memory */
        }
      }
      memory.set(keyPrefix + pin, value);
    },
    forget(pin) {
      if (storage) storage.removeItem(keyPrefix + pin);
      memory.delete(keyPrefix + pin);
    },
    latest(maxAgeMs, filter) {
      let best = null;
      for (const key of keys()) {
        const value = read(key);
        if (!value || Date.now() - (value.saved_at || 0) > maxAgeMs) continue;
        if (filter && !filter(value)) continue;
        if (!best || value.saved_at > best.saved_at) {
          best = Object.assign({ pin: key.slice(keyPrefix.length) }, value);
        }
      }
      return best;
    },
    clear() {
      for (const key of keys()) {
        if (storage) storage.removeItem(key);
      }
      memory.clear();
    },
  };
}

// ---- translations ---------------------------------------------------------------------

const i18n = { lang: document.documentElement.lang || "uz", catalog: {}, listeners: [] };
const remembered = new WeakMap(); // element -> bank texts {uz, ru, en}
const LANGUAGES = ["uz", "ru", "en"];

export function currentLanguage() {
  return i18n.lang;
}

export async function loadLanguage(lang) {
  const code = LANGUAGES.indexOf(lang) >= 0 ? lang : "uz";
  const response = await fetch("/i18n/" + code + ".json", { cache: "no-cache" });
  if (!response.ok) throw new Error("catalog " + code + ": HTTP " + response.status);
  i18n.catalog = await response.json();
  i18n.lang = code;
  return code;
}

export function t(msgid, args) {
  const text = (i18n.catalog && i18n.catalog[msgid]) || msgid;
  if (!args) return text;
  return text.replace(/%\((\w+)\)s/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole,
  );
}

export function localized(texts) {
  if (texts === null || texts === undefined) return "";
  if (typeof texts === "string") return texts;
  return texts[i18n.lang] || texts.uz || texts.ru || texts.en || "";
}

export function setText(el, msgid, args) {
  el.dataset.i18n = msgid;
  if (args) el.dataset.i18nArgs = JSON.stringify(args);
  else delete el.dataset.i18nArgs;
  el.textContent = t(msgid, args);
  return el;
}

export function setLocalized(el, texts) {
  el.dataset.loc = "";
  remembered.set(el, texts);
  el.textContent = localized(texts);
  return el;
}

const I18N_ATTRIBUTES = [
  ["i18nAriaLabel", "aria-label"],
  ["i18nPlaceholder", "placeholder"],
  ["i18nTitle", "title"],
]; // dataset key -> attribute (written data-i18n-aria-label="msgid" in templates)

export function applyTranslations(root) {
  const scope = root || document;
  scope.querySelectorAll("[data-i18n]").forEach((el) => {
    let args;
    if (el.dataset.i18nArgs) {
      try {
        args = JSON.parse(el.dataset.i18nArgs);
      } catch (error) {
        args = undefined;
      }
    }
    el.textContent = t(el.dataset.i18n, args);
  });
  for (const [key, attribute] of I18N_ATTRIBUTES) {
    scope.querySelectorAll("[data-i18n-" + attribute + "]").forEach((el) => {
      el.setAttribute(attribute, t(el.dataset[key]));
    });
  }
  scope.querySelectorAll("[data-loc]").forEach((el) => {
    if (remembered.has(el)) el.textContent = localized(remembered.get(el));
  });
}

export function onLanguage(listener) {
  i18n.listeners.push(listener);
}

export async function switchLanguage(lang) {
  const code = await loadLanguage(lang);
  document.cookie = "qk_lang=" + code + "; max-age=31536000; path=/; samesite=lax";
  document.documentElement.lang = code;
  document.body.dataset.lang = code;
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.delete("lang");
    history.replaceState(history.state, "", url.pathname + url.search + url.hash);
  }
  applyTranslations(document);
  document.querySelectorAll(".language-switch a[hreflang]").forEach((link) => {
    const current = link.getAttribute("hreflang") === code;
    link.classList.toggle("current", current);
    if (current) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  });
  i18n.listeners.forEach((listener) => listener(code));
  return code;
}

export function wireLanguageSwitch() {
  // base.html's header texts are rendered server-side without markers: adopt them.
  const nav = document.querySelector(".language-switch");
  const brand = document.querySelector(".topbar .brand");
  const skip = document.querySelector(".skip-link");
  if (nav) nav.dataset.i18nAriaLabel = "Language";
  if (brand && !brand.dataset.i18n) brand.dataset.i18n = "DMED Quiz Kiosk";
  if (skip && !skip.dataset.i18n) skip.dataset.i18n = "Skip to content";
  if (!nav) return;
  nav.addEventListener("click", (event) => {
    const link = event.target.closest("a[hreflang]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    switchLanguage(link.getAttribute("hreflang")).catch(() => {
      location.href = link.href; // catalog unreachable: fall back to the server-side switch
    });
  });
}

// ---- safe DOM -------------------------------------------------------------------------

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  const given = attrs || {};
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = String(value);
    else if (name === "i18n") {
      if (Array.isArray(value)) setText(el, value[0], value[1]);
      else setText(el, value);
    } else if (name === "loc") setLocalized(el, value);
    else if (name.slice(0, 2) === "on") {
      if (typeof value !== "function") throw new TypeError("h(): " + name + " must be a function");
      el.addEventListener(name.slice(2), value);
    } else if (name === "innerHTML" || name === "outerHTML") {
      throw new TypeError("h(): HTML is never set from strings");
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  appendChildren(el, children);
  return el;
}

function appendChildren(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendChildren(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function announce(text) {
  let region = document.getElementById("live-announcer");
  if (!region) {
    region = h("div", {
      id: "live-announcer",
      class: "visually-hidden",
      "aria-live": "polite",
      "aria-atomic": "true",
    });
    document.body.appendChild(region);
  }
  // Clear first so the same words twice are still announced twice.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 60);
}

export const OPTION_LETTERS = ["A", "B", "C", "D", "E", "F"];

const SVG_NS = "http://www.w3.org/2000/svg";
const SHAPES = [
  ["polygon", { points: "12,2.5 22.5,21 1.5,21" }], // triangle
  ["polygon", { points: "12,1.5 22.5,12 12,22.5 1.5,12" }], // diamond
  ["circle", { cx: "12", cy: "12", r: "10" }], // circle
  ["rect", { x: "2.5", y: "2.5", width: "19", height: "19" }], // square
  ["polygon", { points: "12,1.5 14.9,8.3 22.3,8.9 16.7,13.8 18.4,21 12,17.2 5.6,21 7.3,13.8 1.7,8.9 9.1,8.3" }], // star
  ["polygon", { points: "6.5,2.5 17.5,2.5 23,12 17.5,21.5 6.5,21.5 1,12" }], // hexagon
];

export function optionShape(index) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "opt-shape");
  const [tag, attributes] = SHAPES[index % SHAPES.length];
  const shape = document.createElementNS(SVG_NS, tag);
  for (const name of Object.keys(attributes)) shape.setAttribute(name, attributes[name]);
  svg.appendChild(shape);
  return svg;
}
