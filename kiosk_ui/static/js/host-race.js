/**
 * host-race.js: the host side of a case race: the projector (/host/{id}, templates/host_race.html)
 * and the phone remote (/remote/{id}, templates/host_remote_race.html), chosen by the server
 * when the game's mode is "race". The same /ws/host connection and commands as the quiz
 * (host.js); the work is done by:
 *   host-race-messages.js   what each server message does (race_track, race_over, …)
 *   host-race-projector.js  the lobby, the race track and the podium (race-track.js: the layout)
 *   host-race-teams.js      teams set by the host in the lobby
 *   host-race-remote.js     the phone remote
 * and the host modules the quiz shares: host-state.js, host-commands.js (Start, Pause, Lock,
 * End, kick, team), host-controls.js (the control bar and keys: Space / → start, P pause,
 * L lock, E end, F full screen), host-players.js (the lobby's names).
 */

import { watchPointer } from "./dialogs.js";
import { loadLanguage, N_ } from "./i18n.js";
import { PROTOCOL_VERSION, connectLive } from "./live-socket.js";
import { $, config, game, isRemote, session } from "./host-state.js";
import { onRaceMessage } from "./host-race-messages.js";
import { raceProjector } from "./host-race-projector.js";
import { wireProjector } from "./host-controls.js";
import { raceRemote, wireRaceRemote } from "./host-race-remote.js";

async function main() {
  game.mode = "race";
  try {
    await loadLanguage(config.lang || document.documentElement.lang);
  } catch {
    // Offline: the English source texts are shown until the next page load.
  }
  watchPointer();
  session.view = isRemote ? raceRemote : raceProjector;
  if (isRemote) wireRaceRemote();
  else wireProjector(() => raceProjector.render());
  session.live = connectLive({
    path: "/ws/host",
    status: $("connection-status"),
    readyType: "host_welcome",
    texts: { reconnecting: N_("Connection lost. Reconnecting…") },
    onStatus(state) {
      document.body.dataset.connection = state;
    },
    onOpen(live) {
      live.send({
        type: "host",
        protocol: config.protocol || PROTOCOL_VERSION,
        game_id: config.game_id,
        host_token: config.host_token,
      });
    },
    onMessage: onRaceMessage,
  });
  setInterval(() => session.view.tick(), 200);
}

main();
