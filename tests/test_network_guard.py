"""Tests reach no network but loopback (pytest-socket, configured in pyproject.toml)."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_connection_outside_loopback_is_refused_before_it_leaves_the_machine():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("93.184.215.14", 443), timeout=1)


def test_loopback_stays_reachable():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=1)
        client.close()
    finally:
        server.close()
