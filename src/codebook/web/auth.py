"""Sessions, sign-in throttling and the origin rules of the team server; no aiohttp here.

A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure, with the `__Host-`
prefix, under HTTPS) that ends after SESSION_HOURS or at sign-out. Sessions live in the server's
memory: a restart signs everyone out, and nothing secret is written to disk.

Failed sign-ins are counted per account and per address over a sliding minute; after
MAX_FAILURES of either, sign-in answers 429 until the minute has passed, whatever the password.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from codebook.model import User

SESSION_HOURS = 12
MAX_FAILURES = 5
WINDOW_SECONDS = 60.0
MAX_TRACKED = 10_000  # throttle keys kept; the oldest go first (random names cannot fill memory)
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def cookie_name(https: bool) -> str:
    """`__Host-` cookies are only accepted over HTTPS, for this host and path `/` only."""
    return "__Host-codebook_session" if https else "codebook_session"


@dataclass
class Session:
    token: str
    user: User | None  # None: a server without sign-in (--no-auth, loopback only)
    expires: float
    sockets: set = field(default_factory=set)  # open websockets, closed at sign-out

    @property
    def name(self) -> str:
        return self.user.name if self.user else ""


class Sessions:
    def __init__(self, hours: float = SESSION_HOURS, clock: Callable[[], float] = time.time):
        self.lifetime = hours * 3600
        self.clock = clock
        self._by_token: dict[str, Session] = {}

    def create(self, user: User | None) -> Session:
        self.prune()
        session = Session(secrets.token_urlsafe(32), user, self.clock() + self.lifetime)
        self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        session = self._by_token.get(token or "")
        if session is None:
            return None
        if session.expires <= self.clock():
            self._by_token.pop(session.token, None)
            return None
        return session

    def end(self, token: str | None) -> Session | None:
        return self._by_token.pop(token or "", None)

    def prune(self) -> list[Session]:
        """Drop expired sessions; returns them (their websockets are to be closed)."""
        moment = self.clock()
        gone = [s for s in self._by_token.values() if s.expires <= moment]
        for session in gone:
            self._by_token.pop(session.token, None)
        return gone

    def __len__(self) -> int:
        return len(self._by_token)


class Throttle:
    """At most `limit` failures per key within `window` seconds."""

    def __init__(
        self,
        limit: int = MAX_FAILURES,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[tuple[str, str], deque[float]] = {}

    def retry_after(self, keys: list[tuple[str, str]]) -> float:
        """Seconds until a sign-in under `keys` is accepted again (0: now)."""
        moment = self.clock()
        wait = 0.0
        for key in keys:
            times = self._recent(key, moment)
            if len(times) >= self.limit:
                wait = max(wait, times[0] + self.window - moment)
        return wait

    def failed(self, keys: list[tuple[str, str]]) -> None:
        moment = self.clock()
        for key in keys:
            self._recent(key, moment).append(moment)
        while len(self._failures) > MAX_TRACKED:
            self._failures.pop(next(iter(self._failures)))

    def clear(self, key: tuple[str, str]) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: tuple[str, str], moment: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= moment - self.window:
            times.popleft()
        return times


def throttle_keys(name: str, address: str | None) -> list[tuple[str, str]]:
    return [("account", name.strip().casefold()), ("address", address or "?")]


def same_origin(origin: str | None, scheme: str, host: str | None) -> bool:
    """Whether a browser's `Origin` is this server as the browser reached it (`Host`)."""
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    default = {"http": 80, "https": 443}.get(scheme)
    try:
        port = parts.port or default
        own = urlsplit(f"{scheme}://{host}")
        own_port = own.port or default
    except ValueError:
        return False
    return (
        parts.scheme == scheme
        and (parts.hostname or "").lower() == (own.hostname or "").lower()
        and port == own_port
    )


def is_loopback(host: str | None) -> bool:
    """A loopback address or name (what `--no-auth` and plain HTTP without a flag accept)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(host_header: str | None) -> str:
    """The host of a `Host` header, without its port."""
    try:
        return urlsplit(f"//{host_header or ''}").hostname or ""
    except ValueError:
        return ""
