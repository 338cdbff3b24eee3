"""Helpers for consent tests: give consents as a guardian or a person would."""

from charte.accounts import actions as accounts
from charte.accounts.models import User
from charte.consent.actions import record_choices
from charte.consent.purposes import purposes_for


def required(person: User) -> dict[str, bool]:
    return {p.code: True for p in purposes_for(person) if not p.separable}


def adopt(*, guardian: User, child: User, optional: tuple[str, ...] = ()) -> None:
    """`guardian` confirms being `child`'s guardian and consents to what the account needs."""
    accounts.propose_guardianship(child=child, guardian=guardian, actor=guardian)
    choices = required(child) | dict.fromkeys(optional, True)
    record_choices(person=child, choices=choices, actor=guardian, channel="family")
