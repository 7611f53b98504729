// Where a player's place is kept between page loads.
import assert from "node:assert/strict";
import { test } from "node:test";

import { tokenStore } from "../../kiosk_ui/static/js/resume-tokens.js";

/** A Storage stand-in (the part tokenStore uses). */
function fakeStorage() {
  const items = new Map();
  return {
    get length() {
      return items.size;
    },
    key: (i) => Array.from(items.keys())[i] ?? null,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
    items,
  };
}

test("a token is kept per PIN with the time it was saved", () => {
  const storage = fakeStorage();
  const tokens = tokenStore("local", undefined, storage);
  tokens.set("123456", { token: "abc", ended: false });
  const saved = tokens.get("123456");
  assert.equal(saved.token, "abc");
  assert.equal(saved.ended, false);
  assert.ok(Date.now() - saved.saved_at < 1000);
  assert.ok(storage.items.has("qk.resume.123456"));
  assert.equal(tokens.get("654321"), null);
  assert.equal(tokens.get(""), null);
});

test("latest() finds the newest place that is not too old and passes the filter", () => {
  const storage = fakeStorage();
  const tokens = tokenStore("local", undefined, storage);
  storage.setItem("qk.resume.111111", JSON.stringify({ token: "old", saved_at: Date.now() - 10 * 3600e3 }));
  storage.setItem("qk.resume.222222", JSON.stringify({ token: "ended", ended: true, saved_at: Date.now() - 1000 }));
  storage.setItem("qk.resume.333333", JSON.stringify({ token: "live", saved_at: Date.now() - 5000 }));
  storage.setItem("something.else", JSON.stringify({ token: "not ours", saved_at: Date.now() }));
  const found = tokens.latest(8 * 3600e3, (value) => !value.ended);
  assert.equal(found.pin, "333333");
  assert.equal(found.token, "live");
  assert.equal(tokens.latest(8 * 3600e3).token, "ended");
  assert.equal(tokens.latest(100), null);
});

test("broken entries are ignored; forget() and clear() remove only ours", () => {
  const storage = fakeStorage();
  const tokens = tokenStore("local", undefined, storage);
  storage.setItem("qk.resume.999999", "{not json");
  storage.setItem("qk.resume.888888", JSON.stringify({ no: "token" }));
  assert.equal(tokens.get("999999"), null);
  assert.equal(tokens.get("888888"), null);
  tokens.set("123456", { token: "abc" });
  tokens.forget("123456");
  assert.equal(tokens.get("123456"), null);
  storage.setItem("other", "1");
  tokens.clear();
  assert.deepEqual(Array.from(storage.items.keys()), ["other"]);
});

test("memory only: nothing touches storage", () => {
  const tokens = tokenStore("memory");
  tokens.set("123456", { token: "abc" });
  assert.equal(tokens.get("123456").token, "abc");
  assert.equal(tokens.latest(1000).pin, "123456");
  tokens.clear();
  assert.equal(tokens.get("123456"), null);
});
