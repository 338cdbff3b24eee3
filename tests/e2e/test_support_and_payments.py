"""In the browser: an error reported from a page reaches customer service, who answers it; a
parent buys a family subscription on the payment provider's own page and finds the invoice.
"""

import pytest
from django.core import mail
from django.core.cache import cache

from charte.accounts import actions as accounts
from charte.payments.models import Invoice, Order
from charte.support.models import Answer, ErrorReport
from tests.conftest import journal
from tests.factories import PASSWORD
from tests.second_factor.helpers import ensure_app, pass_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, login, staff=None):
    if staff is not None:
        ensure_app(staff)
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail ou identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    if staff is not None:
        pass_in_browser(page, staff)
    page.get_by_role("heading", name="Bonjour").wait_for()


def test_a_pupil_reports_an_error_and_customer_service_answers_it(
    new_page, live_server, child_ben, guardian_anna, cs_farid
):
    cache.clear()
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    pupil = new_page()
    sign_in(pupil, "ben.martin")

    pupil.goto("/charte/")
    pupil.get_by_role("link", name="Signaler une erreur").click()
    pupil.get_by_text("N'écris ni ton adresse").wait_for()
    assert pupil.get_by_label("Page concernée").input_value() == "/charte/"
    pupil.get_by_label("Qu'est-ce qui ne va pas ?").fill("Une phrase est coupée en deux.")
    pupil.get_by_role("button", name="Envoyer le signalement").click()
    pupil.get_by_role("heading", name="Merci, votre signalement est arrivé").wait_for()
    pupil.get_by_text("Nous répondrons par e-mail à tes parents.").wait_for()

    staff = new_page()
    sign_in(staff, "farid@charte.test", staff=cs_farid)
    staff.get_by_text("1 signalement ouvert").wait_for()
    staff.get_by_role("link", name="Ouvrir la file des signalements").click()
    staff.get_by_role("link", name="Une phrase est coupée en deux.").click()
    staff.get_by_text("Ben Martin").wait_for()
    staff.get_by_role("button", name="Le prendre en charge").click()
    staff.get_by_text("Vous traitez maintenant ce signalement.").wait_for()
    staff.get_by_label("Votre réponse").fill("Merci Ben, la phrase est réparée.")
    staff.get_by_role("button", name="Envoyer la réponse").click()
    staff.get_by_text("Réponse envoyée.").wait_for()
    staff.get_by_role("button", name="Clore").click()
    staff.get_by_text("Signalement clos.").wait_for()

    report = ErrorReport.objects.get()
    assert (report.reporter, report.page, report.status) == (child_ben, "/charte/", "closed")
    assert Answer.objects.get().sent_to == 1
    assert [email.to for email in mail.outbox] == [["anna@famille.test"]]
    assert [e.event for e in journal() if e.event.startswith("support.")] == [
        "support.report_received",
        "support.report_assigned",
        "support.report_answered",
        "support.report_closed",
    ]
    pupil.goto("/compte/mes-donnees/")
    pupil.get_by_text("Merci Ben, la phrase est réparée.").wait_for()


def test_a_parent_buys_a_family_subscription_on_the_providers_page(
    new_page, live_server, guardian_anna
):
    page = new_page()
    sign_in(page, "anna@famille.test")
    page.get_by_text("Pas d'abonnement en cours.").wait_for()

    page.get_by_role("link", name="Voir les formules").click()
    page.get_by_role("link", name="Choisir cette formule").nth(1).click()
    page.get_by_label("Adresse de facturation").fill("8 rue des Lilas\n69003 Lyon")
    page.get_by_role("button", name="Commander avec obligation de paiement").click()

    page.get_by_text("Site de démonstration : aucune vraie carte, aucun argent.").wait_for()
    assert "/fournisseur-test/payer/" in page.url
    page.get_by_label("Numéro de carte").fill("4242 4242 4242 4242")
    page.get_by_label("Expiration (MM/AA)").fill("12/39")
    page.get_by_label("Cryptogramme").fill("123")
    page.get_by_role("button", name="Payer 39,00 EUR").click()

    page.get_by_text("Merci ! Votre paiement est confirmé.").wait_for()
    page.get_by_text("•••• 4242").wait_for()
    order = Order.objects.get()
    invoice = Invoice.objects.get()
    assert (order.status, order.card_last4) == ("paid", "4242")
    page.get_by_role("link", name=f"Voir la facture {invoice.number}").click()
    page.get_by_role("heading", name=f"Facture {invoice.number}").wait_for()
    page.get_by_text("8 rue des Lilas").wait_for()

    page.goto("/abonnements/commandes/")
    page.get_by_role("link", name=invoice.number).wait_for()
    page.goto("/")
    page.get_by_text("Famille, à l'année, jusqu'au").wait_for()
    assert len(journal("subscription.started", about=guardian_anna)) == 1
    assert journal("payments.webhook_rejected") == []
