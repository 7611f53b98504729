/**
 * host.js: the host side of a live game: the projector screen (/host/{id}) and the phone
 * remote (/remote/{id}). Both speak /ws/host with the host token embedded in the page,
 * reconnect on their own (live-socket.js), and rebuild their screen from host_welcome.screen.
 * All bank text and player names go in with textContent, never as HTML.
 *
 * This module only starts the page; the work is done by:
 *   host-state.js      the game state and the labels derived from it
 *   host-messages.js   what each server message does
 *   host-commands.js   next, pause, lock, close, end, kick (and the error toast)
 *   host-projector.js  the projector's screens (host-players.js: the lobby's player list;
 *                      reveal-rows.js: the reveal chart's rows)
 *   host-controls.js   the projector's control bar and keys
 *   host-remote.js     the phone remote
 * The language is the page's (the switch reloads the page with ?lang=).
 */

import { watchPointer } from "./dialogs.js";
import { loadLanguage, N_ } from "./i18n.js";
import { PROTOCOL_VERSION, connectLive } from "./live-socket.js";
import { $, config, isRemote, session } from "./host-state.js";
import { onMessage } from "./host-messages.js";
import { projector } from "./host-projector.js";
import { wireProjector } from "./host-controls.js";
import { remote, wireRemote } from "./host-remote.js";

async function main() {
  try {
    await loadLanguage(config.lang || document.documentElement.lang);
  } catch {
    // Offline: the English source texts are shown until the next page load.
  }
  watchPointer();
  session.view = isRemote ? remote : projector;
  if (isRemote) wireRemote();
  else wireProjector();
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
    onMessage,
  });
  setInterval(() => session.view.tick(), 200);
}

main();
