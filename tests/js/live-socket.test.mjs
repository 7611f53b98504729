// The live connection: what each close code means, the backoff, and the client itself
// against a stand-in WebSocket (tiny delays, real timers).
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import {
  CLOSE,
  STATUS_TEXTS,
  backoffDelay,
  closeAction,
  connectLive,
} from "../../kiosk_ui/static/js/live-socket.js";

test("4000 (game over), 4003 (kicked) and 4009 (opened elsewhere) stop for good", () => {
  for (const code of [4000, 4003, 4009]) {
    assert.deepEqual(closeAction(code), { reconnect: false, status: "stopped", patient: false }, String(code));
  }
});

test("4012: the server is restarting; reconnect and say so", () => {
  assert.deepEqual(closeAction(4012), { reconnect: true, status: "restarting", patient: false });
  assert.equal(STATUS_TEXTS.restarting, "The server is restarting. Reconnecting…");
});

test("every other code of docs/protocol.md reconnects; 4029 waits longest", () => {
  for (const code of [1000, 1001, 1006, 1009, 1011, 4008, 4010]) {
    assert.deepEqual(closeAction(code), { reconnect: true, status: "reconnecting", patient: false }, String(code));
  }
  assert.deepEqual(closeAction(4029), { reconnect: true, status: "reconnecting", patient: true });
  assert.deepEqual(Object.values(CLOSE).sort(), [1000, 1009, 4000, 4003, 4008, 4009, 4010, 4012, 4029]);
});

test("a page can choose its own stop codes", () => {
  assert.equal(closeAction(4003, [4000]).reconnect, true);
  assert.equal(closeAction(4000, [4000]).reconnect, false);
});

test("backoff doubles from the minimum up to the cap, jittered over its upper half", () => {
  const low = () => 0;
  const high = () => 1;
  assert.equal(backoffDelay(0, 500, 10000, low), 250);
  assert.equal(backoffDelay(0, 500, 10000, high), 500);
  assert.equal(backoffDelay(1, 500, 10000, high), 1000);
  assert.equal(backoffDelay(3, 500, 10000, high), 4000);
  assert.equal(backoffDelay(5, 500, 10000, high), 10000);
  assert.equal(backoffDelay(50, 500, 10000, high), 10000);
  assert.equal(backoffDelay(50, 500, 10000, low), 5000);
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const delay = backoffDelay(attempt, 500, 10000);
    assert.ok(delay >= 250 && delay <= 10000, `${attempt}: ${delay}`);
  }
});

// ---- the client against a stand-in socket ------------------------------------------------

const sockets = [];
const clients = [];

class FakeSocket {
  static OPEN = 1;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.closedWith = null;
    sockets.push(this);
  }
  send(text) {
    this.sent.push(JSON.parse(text));
  }
  close(code) {
    this.readyState = 3;
    this.closedWith = code;
  }
  // what the server does
  accept() {
    this.readyState = 1;
    this.onopen();
  }
  deliver(message) {
    this.onmessage({ data: JSON.stringify(message) });
  }
  hangUp(code) {
    this.readyState = 3;
    this.onclose({ code });
  }
}
globalThis.WebSocket = FakeSocket;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function client(options) {
  const status = { dataset: {}, textContent: "" };
  const seen = { opened: 0, messages: [], closes: [], statuses: [] };
  const live = connectLive({
    url: "ws://kiosk.test/ws/play",
    status,
    minDelay: 1,
    maxDelay: 4,
    onOpen: () => {
      seen.opened += 1;
    },
    onMessage: (message) => seen.messages.push(message),
    onClose: (event) => {
      seen.closes.push(event.code);
      return true;
    },
    onStatus: (state, what) => seen.statuses.push(`${state}:${what}`),
    ...options,
  });
  clients.push(live);
  return { live, status, seen };
}

afterEach(() => {
  for (const live of clients.splice(0)) live.close();
  sockets.splice(0);
});

test("connects, reports Connected, passes messages on but keeps pongs to itself", () => {
  const { live, status, seen } = client();
  assert.equal(sockets.length, 1);
  assert.equal(sockets[0].url, "ws://kiosk.test/ws/play");
  assert.equal(status.dataset.state, "connecting");
  sockets[0].accept();
  assert.equal(seen.opened, 1);
  assert.equal(status.dataset.state, "online");
  assert.equal(status.textContent, "Connected");
  assert.equal(live.isOpen(), true);
  assert.equal(live.isReady(), true);
  sockets[0].deliver({ type: "pong" });
  sockets[0].deliver({ type: "welcome" });
  sockets[0].onmessage({ data: "not json" });
  assert.deepEqual(seen.messages, [{ type: "welcome" }]);
  assert.equal(live.send({ type: "ping" }), true);
  assert.deepEqual(sockets[0].sent, [{ type: "ping" }]);
});

test("kicked (4003): no reconnect, shown as Disconnected", async () => {
  const { live, status, seen } = client();
  sockets[0].accept();
  sockets[0].hangUp(4003);
  await sleep(30);
  assert.equal(sockets.length, 1);
  assert.deepEqual(seen.closes, [4003]);
  assert.equal(status.dataset.state, "offline");
  assert.equal(status.textContent, "Disconnected");
  assert.equal(live.send({ type: "ping" }), false);
});

test("restarting (4012): says so, then reconnects and runs onOpen again", async () => {
  const { status, seen } = client();
  sockets[0].accept();
  sockets[0].hangUp(4012);
  assert.equal(status.dataset.state, "offline");
  assert.equal(status.textContent, "The server is restarting. Reconnecting…");
  await sleep(30);
  assert.equal(sockets.length, 2);
  sockets[1].accept();
  assert.equal(seen.opened, 2);
  assert.equal(status.textContent, "Connected");
});

test("a dropped connection reconnects with the page's own wording", async () => {
  const { status } = client({ texts: { reconnecting: "Connection lost. Reconnecting…" } });
  sockets[0].accept();
  sockets[0].hangUp(1006);
  assert.equal(status.textContent, "Connection lost. Reconnecting…");
  await sleep(30);
  assert.equal(sockets.length, 2);
});

test("onClose returning false stops reconnecting", async () => {
  client({ onClose: () => false });
  sockets[0].accept();
  sockets[0].hangUp(1006);
  await sleep(30);
  assert.equal(sockets.length, 1);
});

test("readyType: Connected only after the welcome message", () => {
  const { live, status } = client({ readyType: "host_welcome" });
  sockets[0].accept();
  assert.equal(status.dataset.state, "connecting");
  assert.equal(live.isOpen(), true);
  assert.equal(live.isReady(), false);
  sockets[0].deliver({ type: "host_welcome" });
  assert.equal(status.dataset.state, "online");
  assert.equal(live.isReady(), true);
});

test("a socket that does not answer a ping is dropped and replaced", async () => {
  const { seen } = client({ pingEvery: 5, pongTimeout: 5 });
  sockets[0].accept();
  await sleep(40);
  assert.deepEqual(sockets[0].sent[0], { type: "ping" });
  assert.equal(sockets[0].closedWith, 4001);
  assert.ok(sockets.length >= 2);
  assert.deepEqual(seen.closes.slice(0, 1), [1006]);
});

test("a socket that answers its pings stays", async () => {
  client({ pingEvery: 5, pongTimeout: 20 });
  const socket = sockets[0];
  socket.accept();
  const answer = setInterval(() => {
    if (socket.sent.length) socket.deliver({ type: "pong" });
  }, 2);
  await sleep(60);
  clearInterval(answer);
  assert.equal(sockets.length, 1);
  assert.equal(socket.closedWith, null);
});

test("close() stops for good; restart() connects again", async () => {
  const { live, status } = client();
  sockets[0].accept();
  live.close();
  assert.equal(sockets[0].closedWith, 1000);
  assert.equal(status.textContent, "Disconnected");
  await sleep(20);
  assert.equal(sockets.length, 1);
  live.restart();
  assert.equal(sockets.length, 2);
});
