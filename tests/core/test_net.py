"""The client's address: X-Forwarded-For is believed from our trusted proxies only."""

from typing import Any

import pytest
from django.test import RequestFactory

from charte.core.net import client_address
from tests.helpers import manage

PROXY = "10.0.0.2"


def request(remote_addr: str | None, forwarded_for: str | None = None):
    meta: dict[str, Any] = {}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    built = RequestFactory().get("/", **meta)
    if remote_addr is None:
        del built.META["REMOTE_ADDR"]
    else:
        built.META["REMOTE_ADDR"] = remote_addr
    return built


@pytest.fixture
def behind_proxy(settings):
    settings.CHARTE_TRUSTED_PROXIES = [PROXY]
    return settings


def test_without_trusted_proxies_the_connection_address_is_the_client(settings):
    settings.CHARTE_TRUSTED_PROXIES = []

    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_client(behind_proxy):
    assert client_address(request(PROXY, "203.0.113.7")) == "203.0.113.7"


def test_what_the_client_wrote_left_of_our_proxy_is_ignored(behind_proxy):
    """nginx appends the address it saw to whatever X-Forwarded-For the client sent."""
    forged = request(PROXY, "198.51.100.1, 192.0.2.9, 203.0.113.7")

    assert client_address(forged) == "203.0.113.7"


def test_junk_left_of_our_proxy_does_not_turn_the_client_into_the_proxy(behind_proxy):
    forged = request(PROXY, "not-an-address, <script>, 203.0.113.7")

    assert client_address(forged) == "203.0.113.7"


def test_a_forged_header_from_an_untrusted_peer_changes_nothing(behind_proxy):
    forged = request("203.0.113.66", "198.51.100.1")

    assert client_address(forged) == "203.0.113.66"


def test_a_chain_of_trusted_proxies_is_read_from_the_right(settings):
    settings.CHARTE_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.254"]
    through_two = request("10.0.0.9", "198.51.100.1, 203.0.113.7, 192.0.2.254")

    assert client_address(through_two) == "203.0.113.7"


def test_the_proxy_s_own_request_without_the_header_is_the_proxy(behind_proxy):
    assert client_address(request(PROXY)) == PROXY


def test_a_chain_of_trusted_hops_only_gives_the_farthest_one(settings):
    settings.CHARTE_TRUSTED_PROXIES = ["10.0.0.0/8"]

    assert client_address(request("10.0.0.2", "10.1.1.1, 10.2.2.2")) == "10.1.1.1"


def test_ipv6_and_ipv4_mapped_addresses_are_written_one_way(settings):
    settings.CHARTE_TRUSTED_PROXIES = ["::1", "127.0.0.1"]

    assert client_address(request("::1", "[2001:DB8::A]:4711")) == "2001:db8::a"
    assert client_address(request("::ffff:127.0.0.1", "203.0.113.7:51000")) == "203.0.113.7"
    assert client_address(request("::ffff:198.51.100.4")) == "198.51.100.4"


def test_no_address_at_all_is_none(settings):
    assert client_address(request(None)) is None
    assert client_address(request("")) is None


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    result = manage("check", TRUSTED_PROXIES="10.0.0.2, le-proxy")

    assert result.returncode != 0
    assert "TRUSTED_PROXIES: 'le-proxy' is not an address, a network or 'unix'" in result.stderr


def test_through_the_unix_socket_the_local_proxy_is_trusted_when_named(settings):
    # gunicorn bound to a unix socket leaves REMOTE_ADDR empty: only a local process connects.
    settings.CHARTE_TRUSTED_PROXIES = ["unix"]

    assert client_address(request("", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request("", None)) is None  # the proxy's own request


def test_through_the_unix_socket_without_the_setting_there_is_no_address(settings):
    settings.CHARTE_TRUSTED_PROXIES = []

    assert client_address(request("", "203.0.113.7")) is None


def test_unix_does_not_make_a_network_peer_trusted(settings):
    settings.CHARTE_TRUSTED_PROXIES = ["unix"]

    assert client_address(request("192.0.2.9", "203.0.113.7")) == "192.0.2.9"
