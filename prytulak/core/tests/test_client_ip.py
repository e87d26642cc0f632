"""The client's address: the connecting address unless that is a trusted proxy, then the
address the proxy saw (X-Forwarded-For, counted from the right)."""

import pytest

from prytulak.core.client_ip import client_ip


def request(rf, remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return rf.get("/", REMOTE_ADDR=remote, **extra)


def test_by_default_no_proxy_is_trusted_and_the_header_is_ignored(rf, settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request(rf, "198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_a_client_that_is_not_a_trusted_proxy_cannot_choose_its_address(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(request(rf, "198.51.100.7", "1.2.3.4")) == "198.51.100.7"


def test_behind_the_proxy_the_address_it_saw_is_used_and_a_spoofed_first_hop_ignored(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request(rf, "10.0.0.2", "203.0.113.5")) == "203.0.113.5"
    assert client_ip(request(rf, "10.0.0.2", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request(rf, "10.0.0.2", "not-an-ip, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request(rf, "10.0.0.2", "[2001:db8::7]:5555")) == "2001:db8::7"


def test_with_two_proxies_the_second_address_from_the_right_is_the_client(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.PROXY_COUNT = 2
    chain = "1.2.3.4, 203.0.113.5, 10.1.1.1"  # spoofed, the client, the first proxy
    assert client_ip(request(rf, "127.0.0.1", chain)) == "203.0.113.5"


@pytest.mark.parametrize("forwarded", [None, "", "garbage"])
def test_a_proxy_that_sends_no_usable_header_is_itself_the_client(rf, settings, forwarded):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request(rf, "127.0.0.1", forwarded)) == "127.0.0.1"
