// Msgids the JavaScript uses without t(), setText() or tn() around them: error-code
// tables, h(tag, {i18n: msgid}) properties, returned hint texts, ternaries. `pybabel extract`
// (babel.cfg) reads this file, which never runs, so that these texts stay in messages.pot.
// The way out: mark each text where the JavaScript defines it with N_("msgid") (an
// identity function; babel.cfg's keywords include it) and delete its line here.
// tests/unit/test_translations.py fails for a line that a module marks itself, or that no
// module uses any more.

N_("(tap to take back)");
N_("(you)");
N_("Back to the start");
N_("Choose all the right answers, then press Send.");
N_("Choose every right answer.");
N_("Choose one answer.");
N_("Choose one. There is no wrong answer.");
N_("Connected");
N_("Connection lost. Reconnecting…");
N_("Correct answer");
N_("Correct!");
N_("Disconnected");
N_("Enter the 6-digit PIN from the big screen.");
N_("How the room voted");
N_("Keep going: every question counts!");
N_("Keys: 1 or A = True, 2 or B = False, then Enter.");
N_("Keys: 1–6 or A–F to choose, Enter to send.");
N_("Keys: press the step letters in order, Backspace to undo, Enter to send.");
N_("No connection. Reconnecting…");
N_("No vote this time");
N_("Not connected to the server. Wait until the status shows Connected.");
N_("Not quite");
N_("Opened somewhere else");
N_("Option %(letter)s:");
N_("Partly right");
N_("Please enter your name.");
N_("Poll: there is no wrong answer.");
N_("Put the steps in the right order.");
N_("Removed from the game");
N_("Someone in this game already has this name. Please add your surname or an initial.");
N_("Start again");
N_("Steps to place");
N_("Tap the first step");
N_("Tap the next step");
N_("Tap the steps in the right order, starting with the first.");
N_("Thanks for your vote!");
N_("That cannot be done at this moment of the game.");
N_("That is too long: a name can have up to 24 characters, staff ID and department up to 64.");
N_("The countdown is already paused.");
N_("The countdown is not paused.");
N_("The game has ended.");
N_("The host has closed this game to new players. Ask the host to open it.");
N_("The host has removed you from this game.");
N_("The server is restarting. Reconnecting…");
N_("There is no game with this PIN. Check the number on the big screen.");
N_("This answer could not be accepted. Please try again.");
N_("This game asks for your department. Please enter it.");
N_("This game asks for your staff ID. Please enter it.");
N_("This game has already ended.");
N_("This game was opened in another tab or on another device.");
N_("This page is out of date. Please reload it.");
N_("This player has already left the game.");
N_("This staff ID is already in the game. Check the number or ask the host.");
N_("Time is up: this answer was not counted.");
N_("Time ran out: no answer");
N_("Too many clicks at once. Wait a second and try again.");
N_("Too many taps at once. Please wait a moment and try again.");
N_("Too many wrong PINs from this device. Please wait %(seconds)s seconds and try again.");
N_("True or false?");
N_("Type your answer, then press Send.");
N_("Undo");
N_("Use it here");
N_("Waiting for your result…");
N_("You are in the lead!");
N_("You are in the top three. Keep it up!");
N_("You are not in the game yet. Please join first.");
N_("You have already joined this game.");
N_("Your answer");
N_("Your answer could not be saved. Please answer again.");
N_("Your earlier place in the game could not be restored. Please join again.");

// Plural messages for counts the JavaScript still shows with t(): switch the call to
// tn(singular, plural, n, args) (kiosk_ui/static/js/plural.js), then delete its line here.
// host.js, reveal summary (t("Right: %(right)s of %(answered)s answers"))
tn("Right: %(right)s of %(num)s answer", "Right: %(right)s of %(num)s answers");
// host.js, answer bars' aria-label (t("%(label)s: %(count)s answers"))
tn("%(label)s: %(num)s answer", "%(label)s: %(num)s answers");
// host.js, leaderboard subtitle (t("Top %(shown)s of %(players)s players"))
tn("Top %(shown)s of %(num)s player", "Top %(shown)s of %(num)s players");
// host.js, podium score (t("%(score)s points"))
tn("%(num)s point", "%(num)s points");
// player.js, points earned (t("+%(points)s points"))
tn("+%(num)s point", "+%(num)s points");
// host.js and player.js, countdown announcements (t("%(seconds)s seconds left"))
tn("%(num)s second left", "%(num)s seconds left");
// player.js, rank and final screens (setText(.., "of %(players)s players"))
tn("of %(num)s player", "of %(num)s players");
