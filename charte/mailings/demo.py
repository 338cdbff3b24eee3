"""Demo: a newsletter draft written by the marketing service, ready to preview, try and send."""

from charte.core.demo import Demo
from charte.mailings import actions
from charte.mailings.models import Mailing


def seed(demo: Demo) -> None:
    author = demo.people.get("marketing_gaelle")
    if author is None or Mailing.objects.exists():
        return
    actions.create_mailing(
        actor=author,
        purpose=Mailing.Purpose.NEWSLETTER,
        subject="Les nouveautés de la rentrée",
        body=(
            "Bonjour,\n\n"
            "Trois nouveaux parcours sur la citoyenneté vous attendent : le vote, la laïcité "
            "et les symboles de la République.\n\n"
            "Bonne rentrée à tous,\nL'équipe charte"
        ),
        subject_en="What's new this term",
        body_en=(
            "Hello,\n\nThree new paths on citizenship are waiting for you: voting, secularism "
            "and the symbols of the Republic.\n\nHave a good term,\nThe charte team"
        ),
    )
    demo.say("A newsletter draft written by the marketing service.")
