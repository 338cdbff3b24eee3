from django.tasks import task

from charte.recipients import address_changes, notices, partners


@task()
def send_to_partner(*, code: str, disclosure_id: str) -> None:
    partners.send(code, disclosure_id)


@task()
def send_notices(*, notice_ids: list[str]) -> dict[str, int]:
    """Send the notices named (public ids); each one is sent at most once, whatever reruns."""
    outcome: dict[str, int] = {}
    for notice_id in notice_ids:
        result = notices.send_notice(notice_id=notice_id)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


@task()
def sweep_notices() -> dict[str, int]:
    """Tell the recipients of a changed sign-in address, settle the email notices the outbox
    delivered (or gave up on), retry the notices whose back-off is over, then turn the
    unanswered ones overdue."""
    told = address_changes.tell_of_email_changes()
    settled = notices.settle_emails()
    due = notices.retry_due()
    sent = send_notices.call(notice_ids=due) if due else {}
    return {
        "address_changes": told,
        "settled": settled,
        "retried": len(due),
        **sent,
        "overdue": notices.mark_overdue(),
    }
