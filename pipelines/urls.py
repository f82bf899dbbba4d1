"""URL canonicalisation and the article id derived from it."""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the page: dropped so one page has one id.
TRACKING_PARAMS = ("utm_", "spm", "from", "fbclid", "gclid", "share_token", "wfr", "ref")


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return any(name == p or (p.endswith("_") and name.startswith(p)) for p in TRACKING_PARAMS)


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot name a page (an unclosed IPv6 bracket, a port outside 0-65535, a lone
    surrogate, control characters, a scheme other than http(s), no host), or None. Readers reject
    such URLs before any stage sees them (``bad-url``). ``file:`` is accepted: the readers' own
    names for saved pages (``newsdedup.readers.FileNames``), which an output fed back keeps."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return "control character in URL"
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        return "lone surrogate in URL"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as err:
        return f"invalid URL: {err}"
    scheme = parts.scheme.lower()
    if scheme == "file":
        return None
    if scheme not in ("http", "https"):
        # "not a url" would become an article whose site is the whole string; javascript: is a
        # link that runs code where the report shows it
        return f"not an http(s) URL (scheme {scheme!r})" if scheme else "not an http(s) URL (no scheme)"
    if not parts.hostname:
        return "no host in URL"
    return None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking params removed,
    remaining query parameters sorted. A URL ``urlsplit`` cannot parse comes back stripped."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k))
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def article_id(url: str) -> str:
    """First 16 hex digits of SHA-1 of the canonical URL: stable across runs and machines."""
    return hashlib.sha1(canonical_url(url).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def site_of(url: str) -> str | None:
    """The host name of ``url`` without a leading ``www.`` (None if it has none or is invalid)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None
