/**
 * host-players.js: the projector lobby's list of players who joined, newest first. Each name
 * is a button: a click asks to remove that player. Names go in as text, never as HTML.
 *
 *   rebuildPlayerList(), addPlayer(player), removePlayer(playerId), markOverflow()
 */

import { el } from "./dom.js";
import { t } from "./i18n.js";
import { $, game } from "./host-state.js";
import { kick } from "./host-commands.js";

function playerChip(player) {
  const item = el("li", `player-item${player.connected === false ? " offline" : ""}`);
  item.dataset.playerId = player.id;
  const chip = el("button", "player-chip", player.name);
  chip.type = "button";
  chip.dataset.testid = "player-chip";
  chip.setAttribute("aria-describedby", "kick-hint");
  chip.title = t("Click to remove this player");
  chip.addEventListener("click", () => kick(player));
  item.append(chip);
  return item;
}

function itemOf(playerId) {
  return $("player-list").querySelector(`[data-player-id="${CSS.escape(playerId)}"]`);
}

export function rebuildPlayerList() {
  const list = $("player-list");
  list.replaceChildren();
  // Newest first: the names that just joined are the ones people look for.
  for (const player of [...game.players.values()].reverse()) list.append(playerChip(player));
}

export function addPlayer(player) {
  itemOf(player.id)?.remove();
  const chip = playerChip(player);
  chip.classList.add("fresh");
  $("player-list").prepend(chip);
}

export function removePlayer(playerId) {
  itemOf(playerId)?.remove();
}

/** A list longer than its box fades out at the bottom (CSS: .overflowing). */
export function markOverflow() {
  const list = $("player-list");
  if (!list.closest("[hidden]")) list.classList.toggle("overflowing", list.scrollHeight > list.clientHeight + 4);
}
