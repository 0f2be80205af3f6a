"""Fetching news over HTTP(S) safely: only http/https, only public addresses, timeouts, a size cap
and few redirects.

`fetch_url` returns the body and what the server said about it, or raises `InputError` with a
one-line reason (timeout, refused, too large, too many redirects, HTTP error, wrong scheme, a
private address); it never lets a network exception escape. Nothing else in tocsin touches the
network.

Server-side request forgery: a URL from a feed or a command line must not make tocsin read the
machine it runs on or its private network (a cloud metadata service, an admin page on localhost).
Before each request — the first and every redirect — the host is resolved and every address it
resolves to is checked: loopback, private (RFC 1918, unique local), link-local, multicast,
unspecified, reserved and other non-public addresses, and IPv6 forms that embed one (IPv4-mapped,
6to4, NAT64), are refused unless `allow_private` (or `allowed_networks`) allows them. The
connection is then made to one of the addresses that were checked, never to a fresh lookup, so a
name that resolves differently a moment later (DNS rebinding) cannot slip past the check; TLS
still verifies the certificate against the host name. URLs carrying credentials (`user:pass@`) are
refused: tocsin never sends them, and they would be stored in the database with the article.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3Timeout
from urllib3.util.connection import create_connection

from tocsin.errors import InputError
from tocsin.ingest._files import DEFAULT_MAX_BYTES, format_size

LOGGER = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_TIMEOUT = 20.0
"""Seconds allowed to connect, for each read, and for the whole download."""
DEFAULT_MAX_REDIRECTS = 5
USER_AGENT = "tocsin (news event coder; +https://pypi.org/project/tocsin/)"
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""Resolves a host name and port to IP address strings (`resolve_host` by default)."""

PRIVATE_HINT = (
    "private, loopback and link-local addresses are fetched only when allowed (--allow-private-urls)"
)


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A downloaded body: the URL asked for, the URL it came from after redirects, its type."""

    url: str
    final_url: str
    content_type: str
    data: bytes


def is_url(value: str) -> bool:
    """True when `value` looks like a URL (`scheme://…`) rather than a file path."""
    scheme, sep, _ = value.partition("://")
    return bool(sep) and scheme.isalpha() and len(scheme) > 1


def check_url(url: str, origin: str | None = None) -> str:
    """Return `url` when it is an http(s) URL with a host and no credentials; raise `InputError`
    (naming `origin`, by default the URL) otherwise."""
    parts = urlsplit(url)
    where = origin or url
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InputError(where, f"unsupported URL scheme {parts.scheme!r}; only http and https are fetched")
    if parts.username is not None or parts.password is not None:
        raise InputError(where, "URL carries credentials (user:password@host); tocsin does not send them")
    try:
        host, _ = parts.hostname, parts.port  # the port raises ValueError unless a number in range
    except ValueError as error:
        raise InputError(where, f"invalid URL ({error})") from None
    if not host:
        raise InputError(where, "URL has no host")
    return url


def blocked_reason(address: str | Address) -> str | None:
    """Why an IP address is not fetched by default ("a loopback address", …), or None when it is a
    public address. IPv6 addresses that embed an IPv4 one (IPv4-mapped `::ffff:127.0.0.1`, 6to4,
    NAT64, IPv4-compatible) are judged by the IPv4 address they carry."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = blocked_reason(embedded)
            return f"{inner} ({embedded}) inside an IPv6 address" if inner else None
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if it is one of the forms that carry one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolve_host(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to for a TCP connection (an IP literal resolves to itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(
    host: str,
    port: int,
    *,
    origin: str,
    allow_private: bool = False,
    allowed_networks: Sequence[Network] = (),
    resolver: Resolver | None = None,
) -> tuple[str, ...]:
    """Resolve `host` and return its addresses when every one may be fetched; raise `InputError`
    naming `origin` when the name does not resolve or any address is not public (unless
    `allow_private`, or the address lies in one of `allowed_networks`)."""
    try:
        addresses = [host] if _is_ip_literal(host) else list((resolver or resolve_host)(host, port))
    except socket.gaierror as error:
        raise InputError(origin, f"cannot resolve host {host!r} ({error.strerror or error})") from None
    except (OSError, UnicodeError, ValueError) as error:
        raise InputError(origin, f"cannot resolve host {host!r} ({error})") from None
    if not addresses:
        raise InputError(origin, f"cannot resolve host {host!r} (no addresses)")
    for text in addresses:
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            raise InputError(origin, f"host {host!r} resolved to {text!r}, not an IP address") from None
        if allow_private or any(ip.version == net.version and ip in net for net in allowed_networks):
            continue
        reason = blocked_reason(ip)
        if reason is not None:
            shown = host if host == text else f"{host} ({text})"
            raise InputError(origin, f"refused: {shown} is {reason}; {PRIVATE_HINT}")
    return tuple(addresses)


def _open_socket(connection: HTTPConnection, addresses: Sequence[str]) -> socket.socket:
    """Connect to the first of `addresses` that answers, as urllib3 would to a resolved host."""
    failure: Exception = NewConnectionError(connection, "Failed to establish a new connection: no address")
    for address in addresses:
        try:
            return create_connection(
                (address, connection.port or 0),
                connection.timeout,
                source_address=connection.source_address,
                socket_options=connection.socket_options,
            )
        except TimeoutError:
            failure = ConnectTimeoutError(connection, f"Connection to {connection.host} timed out")
        except OSError as error:
            failure = NewConnectionError(connection, f"Failed to establish a new connection: {error}")
            failure.__cause__ = error
    raise failure


class _Pinned:
    """A connection to addresses checked in advance, never to a fresh lookup of its host (mixed
    into urllib3's HTTP and HTTPS connections; HTTPS verifies the certificate against the host name
    as usual)."""

    def __init__(self, *args: Any, addresses: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.addresses = tuple(addresses)

    def _new_conn(self) -> socket.socket:
        assert isinstance(self, HTTPConnection)  # HTTPSConnection is one too
        return _open_socket(self, self.addresses)


class _PinnedHTTPConnection(_Pinned, HTTPConnection):
    """An HTTP connection to checked addresses."""


class _PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    """An HTTPS connection to checked addresses."""


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _download(
    url: str,
    addresses: Sequence[str],
    *,
    origin: str,
    deadline: float,
    max_bytes: int,
    timeout: float,
) -> tuple[int, dict[str, str], bytes]:
    """GET one URL from one of `addresses` without following redirects; return status, headers
    and at most `max_bytes`."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise InputError(origin, f"timed out after {timeout:g} s")
    parts = urlsplit(url)
    pool_class = _PinnedHTTPSPool if parts.scheme.lower() == "https" else _PinnedHTTPPool
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    with pool_class(parts.hostname or "", parts.port, maxsize=1, addresses=addresses) as pool:
        response = pool.urlopen(
            "GET",
            target,
            redirect=False,
            retries=False,
            preload_content=False,
            timeout=urllib3.Timeout(connect=min(timeout, remaining), read=min(timeout, remaining)),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )
        try:
            headers = {key.lower(): value for key, value in response.headers.items()}
            if response.status in _REDIRECTS:
                return response.status, headers, b""
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise InputError(
                    origin,
                    f"response is {format_size(int(declared))}, over the {format_size(max_bytes)} limit",
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.stream(_CHUNK, decode_content=True):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(origin, f"response is over the {format_size(max_bytes)} limit")
                if time.monotonic() > deadline:
                    raise InputError(origin, f"timed out after {timeout:g} s")
                chunks.append(chunk)
            return response.status, headers, b"".join(chunks)
        finally:
            response.release_conn()


def fetch_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    allow_private: bool = False,
    allowed_networks: Sequence[Network] = (),
    resolver: Resolver | None = None,
) -> FetchedDocument:
    """Download an http(s) URL, following at most `max_redirects` redirects (each to http/https).

    Before every request the host is resolved (with `resolver`, by default the system's) and
    refused unless every address is public, or `allow_private` is set, or it lies in one of
    `allowed_networks` (e.g. `ip_network("10.1.2.0/24")` for one intranet feed server); the
    request then goes to an address that was checked. `timeout` bounds the connection, each read
    and the whole download. Raises `InputError` naming the URL for a bad scheme, credentials in the
    URL, a refused address, a timeout, a connection failure, an HTTP status other than 200, too
    many redirects, or a body over `max_bytes` (after decompression).
    """
    origin = url
    deadline = time.monotonic() + timeout
    current = check_url(url)
    for _ in range(max_redirects + 1):
        parts = urlsplit(current)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        addresses = checked_addresses(
            parts.hostname or "",
            port,
            origin=origin,
            allow_private=allow_private,
            allowed_networks=allowed_networks,
            resolver=resolver,
        )
        try:
            status, headers, data = _download(
                current, addresses, origin=origin, deadline=deadline, max_bytes=max_bytes, timeout=timeout
            )
        except InputError:
            raise
        except NewConnectionError as error:
            cause = error.__cause__
            detail = (getattr(cause, "strerror", None) or str(cause)) if cause else type(error).__name__
            raise InputError(origin, f"cannot connect to {parts.netloc} ({detail})") from None
        except (ReadTimeoutError, ConnectTimeoutError, Urllib3Timeout, TimeoutError):
            raise InputError(origin, f"timed out after {timeout:g} s") from None
        except ProtocolError as error:
            detail = error.args[0] if error.args else error
            raise InputError(origin, f"connection broken ({detail})") from None
        except (Urllib3Error, OSError, ValueError) as error:
            raise InputError(origin, f"cannot fetch ({type(error).__name__}: {error})") from None
        if status in _REDIRECTS:
            location = headers.get("location")
            if not location:
                raise InputError(origin, f"HTTP {status} redirect without a Location")
            current = check_url(urljoin(current, location), origin)
            LOGGER.debug("%s: redirected to %s", origin, current)
            continue
        if status != 200:
            raise InputError(origin, f"HTTP status {status}")
        if not data:
            raise InputError(origin, "empty response")
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        return FetchedDocument(url, current, content_type, data)
    raise InputError(origin, f"more than {max_redirects} redirects")
