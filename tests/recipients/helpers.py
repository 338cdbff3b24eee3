"""What the tests of the notices to recipients share: the recipients' contact and API key,
and the links read back from what they received."""

import re
from urllib.parse import urlsplit

PARTNER_CONTACT = "donnees@editeurs-partenaires.example"
API_KEY = "test-key-for-the-recipients-api"


def path_of(url: str) -> str:
    return urlsplit(url).path


def link_in(body: str) -> str:
    found = re.search(r"https?://\S+/destinataires/avis/\S+/", body)
    assert found, body
    return found.group(0)
