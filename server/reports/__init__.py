"""Trainer review: item analysis, per-staff roll-ups and refresher lists (pure parts)."""
