// The confirm dialog, with a stand-in <dialog>.
import assert from "node:assert/strict";
import { test } from "node:test";

import { confirmDialog } from "../../kiosk_ui/static/js/dialogs.js";

class FakeDialog extends EventTarget {
  constructor() {
    super();
    this.open = false;
    this.returnValue = "";
  }
  showModal() {
    this.open = true;
  }
  close(value) {
    this.open = false;
    this.returnValue = value;
    this.dispatchEvent(new Event("close"));
  }
}

function parts() {
  const cancel = { focused: 0, focus() { this.focused += 1; } };
  return { dialog: new FakeDialog(), textEl: { textContent: "" }, cancel };
}

const pending = Symbol("pending");
const settled = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(pending), 10))]);

test("shows the question, focuses Cancel, and answers true for Yes", async () => {
  const given = parts();
  const answer = confirmDialog("End the quiz?", given);
  assert.equal(given.textEl.textContent, "End the quiz?");
  assert.equal(given.dialog.open, true);
  assert.equal(given.cancel.focused, 1);
  given.dialog.close("ok");
  assert.equal(await answer, true);
});

test("Cancel (or Escape) answers false", async () => {
  const given = parts();
  const answer = confirmDialog("Remove Karim?", given);
  given.dialog.close("cancel");
  assert.equal(await answer, false);
});

test("a close event left over from the previous use is ignored while the dialog is open", async () => {
  const given = parts();
  const answer = confirmDialog("End the quiz?", given);
  given.dialog.dispatchEvent(new Event("close")); // queued by the earlier use, arrives now
  assert.equal(await settled(answer), pending);
  given.dialog.close("ok");
  assert.equal(await answer, true);
});

test("each use listens once: the next use is not answered by the previous close", async () => {
  const given = parts();
  const first = confirmDialog("One?", given);
  given.dialog.close("cancel");
  assert.equal(await first, false);
  const second = confirmDialog("Two?", given);
  assert.equal(await settled(second), pending);
  given.dialog.close("ok");
  assert.equal(await second, true);
});

test("without <dialog> support the browser's confirm() asks", async () => {
  globalThis.window = { confirm: (text) => text === "Sure?" };
  try {
    assert.equal(await confirmDialog("Sure?", { dialog: {} }), true);
    assert.equal(await confirmDialog("Other?", { dialog: {} }), false);
  } finally {
    delete globalThis.window;
  }
});
