"""Fetching news over HTTP(S) safely: only http/https, timeouts, a size cap and few redirects.

`fetch_url` returns the body and what the server said about it, or raises `InputError` with a
one-line reason (timeout, refused, too large, too many redirects, HTTP error, wrong scheme); it never
lets a network exception escape. Nothing else in tocsin touches the network.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

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
    """Return `url` when it is an http(s) URL with a host; raise `InputError` (naming `origin`,
    by default the URL) otherwise."""
    parts = urlsplit(url)
    where = origin or url
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise InputError(where, f"unsupported URL scheme {parts.scheme!r}; only http and https are fetched")
    if not parts.hostname:
        raise InputError(where, "URL has no host")
    return url


def _download(
    pool: urllib3.PoolManager, url: str, *, origin: str, deadline: float, max_bytes: int, timeout: float
) -> tuple[int, dict[str, str], bytes]:
    """GET one URL without following redirects; return status, headers and at most `max_bytes`."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise InputError(origin, f"timed out after {timeout:g} s")
    response = pool.request(
        "GET",
        url,
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
                origin, f"response is {format_size(int(declared))}, over the {format_size(max_bytes)} limit"
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
    pool: urllib3.PoolManager | None = None,
) -> FetchedDocument:
    """Download an http(s) URL, following at most `max_redirects` redirects (each to http/https).

    `timeout` bounds the connection, each read and the whole download. Raises `InputError` naming
    the URL for a bad scheme, a timeout, a connection failure, an HTTP status other than 200, too
    many redirects, or a body over `max_bytes` (after decompression).
    """
    origin = url
    check_url(url)
    pool = pool or urllib3.PoolManager(num_pools=4)
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(max_redirects + 1):
        try:
            status, headers, data = _download(
                pool, current, origin=origin, deadline=deadline, max_bytes=max_bytes, timeout=timeout
            )
        except InputError:
            raise
        except (ReadTimeoutError, Urllib3Timeout):
            raise InputError(origin, f"timed out after {timeout:g} s") from None
        except (MaxRetryError, NewConnectionError) as error:
            reason = getattr(error, "reason", None) or error
            raise InputError(origin, f"cannot connect ({type(reason).__name__})") from None
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
