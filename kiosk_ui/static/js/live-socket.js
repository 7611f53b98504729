/**
 * live-socket.js: the one WebSocket client of the live pages (player phone and shared PC on
 * /ws/play; projector and remote on /ws/host).
 *
 *   const live = connectLive({
 *     path: "/ws/play",              // or "/ws/host"
 *     status: element,               // optional .connection element (base.css): data-state + text
 *     onStatus(state, what) {},      // optional: state "connecting" | "online" | "offline", and
 *                                    // what: the key of STATUS_TEXTS shown (e.g. "restarting")
 *     readyType: "host_welcome",     // optional: "online" only once this message arrived
 *     texts: {reconnecting: msgid},  // optional: other words for some of STATUS_TEXTS
 *     onOpen(live) {},               // after EVERY (re)connect: send join / resume / host hello here
 *     onMessage(message, live) {},   // each parsed server message ("pong" is handled here, not passed)
 *     onClose(event, live) {},       // return false to stop reconnecting
 *   });
 *   live.send(object) -> true if sent; live.isOpen(); live.isReady(); live.close() (stops for
 *   good); live.restart() (after close); live.reconnectNow().
 *
 * Reconnects with capped exponential backoff (0.5 s doubling to 10 s, with jitter), pings
 * every 20 s and drops a socket that stays silent 10 s after a ping, and tries again at once
 * when the tab becomes visible or the network comes back. What each close code means is
 * closeAction(code), after the table in docs/protocol.md "Limits and errors".
 */

import { N_, setText } from "./i18n.js";

export const PROTOCOL_VERSION = 1; // what the pages speak; the server refuses any other

export const CLOSE = {
  NORMAL: 1000,
  TOO_BIG: 1009,
  ENDED: 4000,
  KICKED: 4003,
  TOO_SLOW: 4008,
  REPLACED: 4009,
  JOIN_TIMEOUT: 4010,
  RESTARTING: 4012,
  TOO_MANY_SOCKETS: 4029,
};

export const STOP_CODES = [CLOSE.ENDED, CLOSE.KICKED, CLOSE.REPLACED];

/** The status texts (msgids) by what is going on; a page may word some its own way (option texts). */
export const STATUS_TEXTS = {
  connecting: "Connecting…",
  online: N_("Connected"),
  reconnecting: N_("No connection. Reconnecting…"),
  restarting: N_("The server is restarting. Reconnecting…"),
  stopped: N_("Disconnected"),
};

/**
 * What to do when the server (or the network) closed the socket with `code`:
 * {reconnect, status (a key of STATUS_TEXTS), patient (wait the longest delay first)}.
 *  - 4000 the game is over, 4003 kicked, 4009 opened elsewhere: stop for good.
 *  - 4012 the server is restarting: come back the same way (resume / host), and say so.
 *  - 4029 too many sockets from this address: come back, but not soon.
 *  - 1000 the page closes first when it means to leave, so a 1000 it did not ask for is a
 *    drop like 1006; 1009, 1011 (a server error), 4008 and 4010 likewise reconnect (a
 *    resume or a fresh join).
 */
export function closeAction(code, stopCodes) {
  if ((stopCodes || STOP_CODES).indexOf(code) >= 0) return { reconnect: false, status: "stopped", patient: false };
  if (code === CLOSE.RESTARTING) return { reconnect: true, status: "restarting", patient: false };
  return { reconnect: true, status: "reconnecting", patient: code === CLOSE.TOO_MANY_SOCKETS };
}

/** The wait before reconnect number `attempt` (0, 1, …): min·2^attempt capped at max, half of it jittered. */
export function backoffDelay(attempt, minDelay, maxDelay, random) {
  const base = Math.min(maxDelay, minDelay * Math.pow(2, attempt));
  return base / 2 + (random || Math.random)() * (base / 2);
}

export function connectLive(options) {
  const status = options.status || null;
  const stopCodes = options.stopCodes || STOP_CODES;
  const minDelay = options.minDelay || 500;
  const maxDelay = options.maxDelay || 10000;
  const pingEvery = options.pingEvery || 20000;
  const pongTimeout = options.pongTimeout || 10000;
  const texts = Object.assign({}, STATUS_TEXTS, options.texts);
  let socket = null;
  let ready = false;
  let attempt = 0;
  let retryTimer = 0;
  let pingTimer = 0;
  let pongTimer = 0;
  let stopped = false;

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
    isReady() {
      return api.isOpen() && (ready || !options.readyType);
    },
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      const old = socket;
      socket = null;
      ready = false;
      stopHeartbeat();
      if (old) {
        try {
          old.close(CLOSE.NORMAL, "bye");
        } catch (error) {
          /* already closed */
        }
      }
      showStatus("offline", "stopped");
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

  function showStatus(state, what) {
    if (status) {
      status.dataset.state = state;
      setText(status, texts[what]);
    }
    if (options.onStatus) options.onStatus(state, what);
  }

  function url() {
    if (options.url) return options.url;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + options.path;
  }

  function open() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    if (stopped || socket) return;
    showStatus("connecting", "connecting");
    let ws;
    try {
      ws = new WebSocket(url());
    } catch (error) {
      schedule(closeAction(1006, stopCodes));
      return;
    }
    socket = ws;
    ready = false;
    ws.onopen = () => {
      if (ws !== socket) return;
      if (!options.readyType) {
        attempt = 0;
        showStatus("online", "online");
      }
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
      if (options.readyType && message.type === options.readyType && !ready) {
        ready = true;
        attempt = 0;
        showStatus("online", "online");
      }
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
    ready = false;
    stopHeartbeat();
    const action = closeAction(event.code, stopCodes);
    const wanted = options.onClose ? options.onClose(event, api) !== false : true;
    if (!wanted || stopped || !action.reconnect) {
      stopped = true;
      clearTimeout(retryTimer);
      showStatus("offline", "stopped");
      return;
    }
    schedule(action);
  }

  function dropSocket() {
    // A socket that went silent (Wi-Fi gone) may take minutes to fire onclose: give up on it now.
    const old = socket;
    socket = null;
    ready = false;
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

  function schedule(action) {
    if (stopped) return;
    clearTimeout(retryTimer);
    if (action.patient) attempt = Math.max(attempt, Math.ceil(Math.log2(maxDelay / minDelay)));
    const delay = backoffDelay(attempt, minDelay, maxDelay);
    attempt += 1;
    showStatus("offline", action.status);
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

  if (typeof document !== "undefined") {
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") wake();
    });
    window.addEventListener("online", wake);
  }
  open();
  return api;
}
