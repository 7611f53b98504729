/**
 * dialogs.js: the confirm dialog of the console and host pages (trainer_confirm.html:
 * <dialog id="confirm-dialog"> with #confirm-text, #confirm-cancel and #confirm-ok).
 *
 *   await confirmDialog(text) -> true when the person pressed "Yes"
 *   confirmDialog(text, {releaseFocus: true})  afterwards a mouse user's focus goes back to the
 *       page (the projector: Space means "next" again); needs watchPointer() called at start
 *   watchPointer()   follows whether the last input was a pointer or a key
 *   confirmDialog(text, {dialog, textEl, cancel})  other elements (tests pass stand-ins)
 *   await formDialog(dialog, {focus}) -> the value of the button that closed a <dialog> holding a
 *       <form method="dialog"> ("" for Escape); `focus`: the element to start in
 *
 * Without <dialog> support (or without the dialog on the page) window.confirm() asks instead.
 */

let usingPointer = false;

export function watchPointer() {
  document.addEventListener("pointerdown", () => {
    usingPointer = true;
  }, true);
  document.addEventListener("keydown", () => {
    usingPointer = false;
  }, true);
}

export function confirmDialog(text, options) {
  const given = options || {};
  const byId = (id) => (typeof document !== "undefined" ? document.getElementById(id) : null);
  const dialog = given.dialog || byId("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve(window.confirm(text));
  (given.textEl || byId("confirm-text")).textContent = text;
  const cancel = given.cancel || byId("confirm-cancel");
  return new Promise((resolve) => {
    dialog.returnValue = "";
    const onClose = () => {
      // A close event still queued from the previous use arrives while this one is open.
      if (dialog.open) return;
      dialog.removeEventListener("close", onClose);
      if (given.releaseFocus && usingPointer && document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
      resolve(dialog.returnValue === "ok");
    };
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    if (cancel) cancel.focus();
  });
}

export function formDialog(dialog, options) {
  const given = options || {};
  if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve("");
  return new Promise((resolve) => {
    dialog.returnValue = "";
    const onClose = () => {
      if (dialog.open) return;
      dialog.removeEventListener("close", onClose);
      if (given.releaseFocus && usingPointer && document.activeElement instanceof HTMLElement) {
        document.activeElement.blur();
      }
      resolve(dialog.returnValue || "");
    };
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    if (given.focus) given.focus.focus();
  });
}
