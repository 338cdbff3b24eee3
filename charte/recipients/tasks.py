from django.tasks import task

from charte.recipients import partners


@task()
def send_to_partner(*, code: str, disclosure_id: str) -> None:
    partners.send(code, disclosure_id)
