"""TestPay: a payment provider for development and tests, that takes no money.

It behaves like a hosted payment page: our checkout sends the buyer to TestPay's own page
(served by this application under /fournisseur-test/, with its own look, as another site
would be), where they type a test card; TestPay then calls our webhook, signed, and sends the
buyer back. Only the provider's side (`views.py`) ever reads a card number; it keeps none.
"""
