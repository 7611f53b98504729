"""Trainer accounts: who may create and drive games, and how they prove it."""

from __future__ import annotations

from quizkiosk.accounts.store import (
    ROLES,
    AccountError,
    InvalidPassword,
    InvalidRole,
    InvalidUsername,
    Role,
    Trainer,
    TrainerStore,
    UnknownTrainer,
    UsernameTaken,
    WrongSetupCode,
)

__all__ = [
    "ROLES",
    "AccountError",
    "InvalidPassword",
    "InvalidRole",
    "InvalidUsername",
    "Role",
    "Trainer",
    "TrainerStore",
    "UnknownTrainer",
    "UsernameTaken",
    "WrongSetupCode",
]
