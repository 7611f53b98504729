/**
 * dom.js: safe DOM building for every page. User and bank text is only ever set as text,
 * never parsed as HTML.
 *
 *   h(tag, {class, text, i18n: msgid | [msgid, args], loc: texts, on<event>: fn, ...attrs}, ...children)
 *   el(tag, className, text)   the short form: an element with a class and a text
 *   clear(el)                  removes every child, returns el
 */

import { setLocalized, setText } from "./i18n.js";

export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  const given = attrs || {};
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = String(value);
    else if (name === "i18n") {
      if (Array.isArray(value)) setText(node, value[0], value[1]);
      else setText(node, value);
    } else if (name === "loc") setLocalized(node, value);
    else if (name.slice(0, 2) === "on") {
      if (typeof value !== "function") throw new TypeError("h(): " + name + " must be a function");
      node.addEventListener(name.slice(2), value);
    } else if (name === "innerHTML" || name === "outerHTML") {
      throw new TypeError("h(): HTML is never set from strings");
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  appendChildren(node, children);
  return node;
}

function appendChildren(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendChildren(node, child);
    else if (typeof child === "object") node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}
