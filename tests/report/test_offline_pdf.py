"""Printing a PDF sends nothing off the machine (issue 12): Chromium, launched as
:func:`analysis.report.pdf.print_pdf` launches it, is traced with strace while it prints a
real report, on this machine's network and in a network namespace of its own with no way out
(the network unreachable)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import load_scenario
from analysis.report.notebook import run_report
from analysis.report.pdf import print_pdf

#: What strace is asked to show: the calls that open a connection or send a datagram.
TRACED = "connect,sendto,sendmsg,sendmmsg"
#: A traced call on a socket, with its kind as -yy shows it (TCP, UDPv6, UNIX, ...).
_SOCKET = re.compile(
    r"^\d+\s+(?P<call>connect|sendto|sendmsg|sendmmsg)\(\d+<(?P<kind>[A-Za-z0-9]+):"
)
#: The addresses in a traced call: IPv4, IPv6, or a connected socket's peer.
_ADDRESSES = re.compile(
    r'inet_addr\("(?P<v4>[^"]+)"\)|inet_pton\(AF_INET6, "(?P<v6>[^"]+)"'
    r"|->\[?(?P<peer>[0-9a-f:.]+)\]?:\d+"
)


def _loopback(address: str) -> bool:
    return address.startswith("127.") or address in ("::1", "::ffff:127.0.0.1")


def sent_off_the_machine(trace: str) -> list[str]:
    """The calls in an ``strace -f -yy`` trace that open a TCP connection, or send anything,
    to an address that is not loopback (a send whose address is not shown counts too). A UDP
    connect() alone sends nothing (the kernel only picks a route) and is not counted (see
    test_the_trace_reader_finds_what_leaves)."""
    found = []
    for line in trace.splitlines():
        match = _SOCKET.match(line)
        if match is None or not match["kind"].startswith(("TCP", "UDP")):
            continue  # a UNIX or netlink socket: stays in this machine
        addresses = [next(filter(None, a)) for a in _ADDRESSES.findall(line)]
        if match["call"] == "connect" and match["kind"].startswith("UDP"):
            continue
        if not addresses or not all(map(_loopback, addresses)):
            found.append(line)
    return found


def test_the_trace_reader_finds_what_leaves():
    """The reader above can fail: a DNS query, a TCP connect and a datagram on a connected
    socket are found; loopback traffic and a UDP route probe are not."""
    lines = [
        '12 sendto(18<UDP:[4711]>, "\\\\x12", 40, MSG_NOSIGNAL, {sa_family=AF_INET, '
        'sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 40',
        "12 connect(19<TCPv6:[4712]>, {sa_family=AF_INET6, sin6_port=htons(443), "
        'inet_pton(AF_INET6, "2607:f8b0::200e", &sin6_addr)}, 28) = -1 EINPROGRESS',
        "12 sendmmsg(20<UDP:[10.0.0.2:5000->[8.8.8.8]:53]>, [...], 2, 0) = 2",
        "12 connect(21<TCP:[4713]>, {sa_family=AF_INET, sin_port=htons(9), "
        'sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED',
        "12 connect(22<UDPv6:[4714]>, {sa_family=AF_INET6, sin6_port=htons(443), "
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr)}, 28) = 0',
        "12 sendmsg(23<UNIX:[4715->4716]>, {msg_name=NULL}, 0) = 8",
    ]
    assert sent_off_the_machine("\n".join(lines)) == lines[:3]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    return run_report(load_scenario("micro-cloud-office"), "Acme", 500, 1, folder)


@pytest.mark.parametrize("network", ["this machine's", "none"])
def test_printing_a_pdf_sends_nothing_off_the_machine(
    chromium, strace, report_html, tmp_path, monkeypatch, network, request
):
    """On this machine's network (where Chromium, unless told, looks names up: 36 DNS queries
    with the flags it had before), and in a namespace with no network at all."""
    prefix = " ".join(request.getfixturevalue("no_network")) if network == "none" else ""
    html = report_html
    trace = tmp_path / "chromium.trace"
    wrapper = tmp_path / "traced-chromium"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'exec {prefix} {strace} -f -qq -yy -o {trace} -e trace={TRACED} {chromium} "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("ITCOST_CHROMIUM", str(wrapper))
    pdf = tmp_path / "report.pdf"
    print_pdf(html, pdf)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50_000
    text = trace.read_text()
    assert "<UNIX:" in text  # the trace saw Chromium's own sockets: strace was tracing it
    assert sent_off_the_machine(text) == []
    # And no name was looked up: nothing went to port 53.
    assert "htons(53)" not in text and "]:53]" not in text
