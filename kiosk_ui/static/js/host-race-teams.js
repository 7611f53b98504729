/**
 * host-race-teams.js: teams set by the host in a case race's lobby (settings.teams "host").
 * A click on a name opens the team dialog (templates/host_race.html: a team name, "No team",
 * or "Remove from the game"); "Split into teams: 2 / 3 / 4" puts everyone who joined into
 * Team 1 … Team N in turn. Each choice is a `team` message; the server does not echo it in the
 * lobby (the track has no teams before the start), so the chips show what was sent, and a
 * reconnect's host_welcome.player_list shows what the server has.
 *
 *   configureTeams()  (after each host_welcome: what a click on a name does)
 */

import { formDialog } from "./dialogs.js";
import { N_, setText, t } from "./i18n.js";
import { $, game } from "./host-state.js";
import { kick, setTeam, startSent } from "./host-commands.js";
import { chipAction, refreshPlayer } from "./host-players.js";

const SEND_EVERY_MS = 150; // well inside the host's message rate limit
let queue = [];
let queueTimer = 0;
let wired = false;

function hostTeams() {
  return game.mode === "race" && (game.settings || {}).teams === "host";
}

export function configureTeams() {
  $("player-list").classList.toggle("teams", hostTeams());
  if (hostTeams()) {
    chipAction.click = chooseTeam;
    chipAction.title = N_("Click to choose this player's team");
  } else {
    chipAction.click = kick;
    chipAction.title = N_("Click to remove this player");
  }
  if (!wired && $("team-tools")) {
    wired = true;
    $("team-tools").addEventListener("click", (event) => {
      const button = event.target.closest("button[data-teams]");
      if (button) splitTeams(Number(button.dataset.teams));
    });
  }
}

function teamNames() {
  const names = new Set();
  for (const player of game.players.values()) if (player.team) names.add(player.team);
  return [...names].sort();
}

async function chooseTeam(player) {
  if (game.phase === "ended") return;
  const input = $("team-name");
  setText($("team-dialog-title"), "Team for %(name)s", { name: player.name });
  input.value = player.team || "";
  const list = $("team-names");
  list.replaceChildren();
  for (const name of teamNames()) {
    const option = document.createElement("option");
    option.value = name;
    list.append(option);
  }
  const choice = await formDialog($("team-dialog"), { focus: input, releaseFocus: true });
  if (choice === "save") assign(player, input.value.trim());
  else if (choice === "none") assign(player, "");
  else if (choice === "kick") kick(player);
}

function assign(player, team) {
  if (!setTeam(player, team)) return;
  const known = game.players.get(player.id);
  if (known) {
    known.team = team || null;
    refreshPlayer(known);
  }
}

function splitTeams(count) {
  if (!count || game.phase !== "lobby") return;
  const names = Array.from({ length: count }, (_, i) => t("Team %(number)s", { number: i + 1 }));
  queue = [...game.players.values()].map((player, i) => [player, names[i % count]]);
  clearTimeout(queueTimer);
  sendQueued();
}

function sendQueued() {
  // Teams are set in the lobby only: once "start" is on its way, what is left of a split
  // is dropped (the server would refuse it), and the chips keep showing what was sent.
  if (game.phase !== "lobby" || startSent()) queue = [];
  const next = queue.shift();
  if (!next) return;
  assign(next[0], next[1]);
  queueTimer = setTimeout(sendQueued, SEND_EVERY_MS);
}
