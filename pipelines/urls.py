"""URL canonicalisation and the article id derived from it."""
from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that track the reader, not the page: dropped so one page has one id.
TRACKING_PARAMS = ("utm_", "spm", "from", "fbclid", "gclid", "share_token", "wfr", "ref")


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return any(name == p or (p.endswith("_") and name.startswith(p)) for p in TRACKING_PARAMS)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port and fragment dropped, tracking params removed,
    remaining query parameters sorted."""
    url = url.strip()
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k))
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


def article_id(url: str) -> str:
    """First 16 hex digits of SHA-1 of the canonical URL: stable across runs and machines."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def site_of(url: str) -> str | None:
    """The host name of ``url`` without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None
