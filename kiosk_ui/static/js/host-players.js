/**
 * host-players.js: the projector lobby's list of players who joined, newest first. Each name
 * is a button: a click asks to remove that player. Names go in as text, never as HTML.
 *
 *   rebuildPlayerList(), addPlayer(player), refreshPlayer(player), removePlayer(playerId),
 *   markOverflow(), chipAction (what a click on a name does)
 */

import { el } from "./dom.js";
import { N_, t } from "./i18n.js";
import { $, game } from "./host-state.js";
import { kick } from "./host-commands.js";

/** What a click on a name does: remove that player (a case race with teams set by the host
 *  puts them in a team instead, host-race-teams.js), and the tooltip that says so. */
export const chipAction = { click: kick, title: N_("Click to remove this player") };

function playerChip(player) {
  const item = el("li", `player-item${player.connected === false ? " offline" : ""}`);
  item.dataset.playerId = player.id;
  const chip = el("button", "player-chip");
  chip.append(el("span", "chip-name", player.name));
  if (player.team) {
    item.dataset.team = player.team;
    chip.append(el("span", "chip-team", player.team));
  }
  chip.type = "button";
  chip.dataset.testid = "player-chip";
  chip.setAttribute("aria-describedby", "kick-hint");
  chip.title = t(chipAction.title);
  chip.addEventListener("click", () => chipAction.click(game.players.get(player.id) || player));
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

/** Draw a player's chip again in its place (a case race: their team changed). */
export function refreshPlayer(player) {
  itemOf(player.id)?.replaceWith(playerChip(player));
}

export function removePlayer(playerId) {
  itemOf(playerId)?.remove();
}

/** A list longer than its box fades out at the bottom (CSS: .overflowing). */
export function markOverflow() {
  const list = $("player-list");
  if (!list.closest("[hidden]")) list.classList.toggle("overflowing", list.scrollHeight > list.clientHeight + 4);
}
