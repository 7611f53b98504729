"""Who is in a game, for every mode: joining rules, leaving, coming back, kicks."""

from __future__ import annotations

from quizkiosk.engine.game import CommandRefused
from quizkiosk.engine.players import (
    JoinRefused,
    Player,
    clean_name,
    clean_optional,
    name_key,
)


class Roster:
    def __init__(self, require_staff_id: bool, require_department: bool) -> None:
        self.require_staff_id = require_staff_id
        self.require_department = require_department
        self.players: dict[str, Player] = {}
        self.kicked: set[str] = set()
        self._names: set[str] = set()
        self._staff_ids: set[str] = set()
        self._banned_names: set[str] = set()
        self._banned_staff_ids: set[str] = set()
        self._join_order = 0
        self.present_count = 0  # joined, not kicked, not left

    def check_join(
        self, name: str, staff_id: str | None, department: str | None
    ) -> tuple[str, str | None, str | None]:
        """The cleaned name, staff ID and department, or JoinRefused; changes nothing."""
        clean = clean_name(name)
        key = name_key(clean)
        if key in self._banned_names:
            raise JoinRefused("kicked", "you were removed from this game by the host")
        if key in self._names:
            raise JoinRefused("name_taken", "this name is already taken in this game")
        staff = clean_optional(staff_id, "staff_id_required", "staff ID", self.require_staff_id)
        dept = clean_optional(
            department, "department_required", "department", self.require_department
        )
        if staff and name_key(staff) in self._banned_staff_ids:
            raise JoinRefused("kicked", "you were removed from this game by the host")
        if staff and name_key(staff) in self._staff_ids:
            raise JoinRefused("staff_id_taken", "this staff ID is already in this game")
        return clean, staff, dept

    def add(
        self,
        player_id: str,
        name: str,
        staff_id: str | None,
        department: str | None,
        now: float,
        token_hash: str,
    ) -> Player:
        clean, staff, dept = self.check_join(name, staff_id, department)
        self._join_order += 1
        player = Player(player_id, clean, staff, dept, now, self._join_order, token_hash=token_hash)
        self.players[player_id] = player
        self.present_count += 1
        self._names.add(name_key(clean))
        if staff:
            self._staff_ids.add(name_key(staff))
        return player

    def leave(self, player_id: str) -> Player | None:
        """Mark a player as gone on purpose; None if unknown or already gone."""
        player = self.players.get(player_id)
        if player is None or player.left:
            return None
        player.left = True
        player.connected = False
        self.present_count -= 1
        return player

    def set_connected(self, player_id: str, connected: bool) -> tuple[bool, bool]:
        """(whether the connection state changed, whether a player who had left came back)."""
        player = self.players.get(player_id)
        if player is None:
            return False, False
        changed = player.connected != connected
        player.connected = connected
        if connected and player.left:
            player.left = False
            self.present_count += 1
            return changed, True
        return changed, False

    def kick(self, player_id: str) -> Player:
        player = self.players.pop(player_id, None)
        if player is None:
            raise CommandRefused("unknown_player", "no such player in this game")
        self.kicked.add(player_id)
        if not player.left:
            self.present_count -= 1
        key = name_key(player.name)
        self._names.discard(key)
        self._banned_names.add(key)
        if player.staff_id:
            self._staff_ids.discard(name_key(player.staff_id))
            self._banned_staff_ids.add(name_key(player.staff_id))
        return player

    def present(self) -> list[Player]:
        """Players in the game now, in join order."""
        return [p for p in sorted(self.players.values(), key=lambda p: p.order) if not p.left]

    def token_hashes(self) -> dict[str, str]:
        return {p.id: p.token_hash for p in self.players.values() if p.token_hash}
