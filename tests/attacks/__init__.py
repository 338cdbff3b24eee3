"""Attacks: each module tries one way a pupil, a stranger or a buyer could break a promise."""
