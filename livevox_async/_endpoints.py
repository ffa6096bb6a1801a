"""Where requests go: LiveVox regions, base URLs, the API version prefix.

>>> base_url_for(region="NA6")
'https://api.na6.livevox.com'
>>> versioned("/configuration/agents/{id}", "v6.0")
'/configuration/v6.0/agents/{id}'
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ._exceptions import ConfigurationError

REGIONS = {
    "NA3": "https://api.livevox.com",
    "NA4": "https://api.na4.livevox.com",
    "NA5": "https://api.na5.livevox.com",
    "NA6": "https://api.na6.livevox.com",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def base_url_for(*, region: str | None = None, base_url: str | None = None) -> str:
    """The scheme and host to send to; plain http only to a loopback host (a simulator)."""
    if (region is None) == (base_url is None):
        raise ConfigurationError("give exactly one of region (NA3-NA6) or base_url")
    if region is not None:
        try:
            return REGIONS[region.upper()]
        except KeyError:
            raise ConfigurationError(
                f"unknown LiveVox region {region!r}; known: {', '.join(REGIONS)}"
            ) from None
    assert base_url is not None
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError("plain http:// is only allowed to a loopback host (e.g. the simulator)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigurationError("base_url must not carry a query, fragment or credentials")
    return base_url.rstrip("/")


def versioned(path: str, api_version: str | None) -> str:
    """Insert `vMAJOR.MINOR` after the API category, as older LiveVox versions want."""
    if not api_version:
        return path
    category, rest = path[1:].split("/", 1)
    return f"/{category}/{api_version}/{rest}"
