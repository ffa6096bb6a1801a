"""Failed logins: LiveVox locks an account after a few wrong passwords in a row.

LiveVox's client settings carry `maxFailedCcsLoginAttempts` (5 in its own example).
`Lockout` counts the consecutive wrong-password logins of each user and agent; the
failure that reaches `limit` locks the account (the login handler sets `locked=True` in
the store, and a locked account's login answers 401). A successful login, or the lock
itself, starts the count again. `limit=None` never locks.

    >>> lockout = Lockout(limit=2)
    >>> lockout.failed("users", 5001), lockout.count("users", 5001)
    (False, 1)
    >>> lockout.failed("users", 5001), lockout.count("users", 5001)
    (True, 0)
"""

from __future__ import annotations

import attrs

from ._bounds import Bound

LIMIT = Bound(low=1, integer=True, optional=True)
"""What a failed-login limit may be: None, or at least 1."""


def check_limit(limit: int | None) -> int | None:
    """Validate a failed-login limit: None, or at least 1."""
    if not LIMIT.allows(limit):
        raise ValueError(LIMIT.message("max_failed_logins", limit))
    return limit


@attrs.define
class Lockout:
    """Consecutive failed logins per account (family and id); locks at `limit` (None: never)."""

    limit: int | None = attrs.field(default=None, converter=check_limit)
    _failures: dict[tuple[str, int], int] = attrs.field(init=False, factory=dict)

    def failed(self, family: str, record_id: int) -> bool:
        """Count a wrong password; True when this failure reaches the limit (lock the account)."""
        count = self._failures.get((family, record_id), 0) + 1
        if self.limit is not None and count >= self.limit:
            self._failures.pop((family, record_id), None)
            return True
        self._failures[family, record_id] = count
        return False

    def succeeded(self, family: str, record_id: int) -> None:
        """A login succeeded: the count starts again."""
        self._failures.pop((family, record_id), None)

    def count(self, family: str, record_id: int) -> int:
        """Wrong passwords since the last successful login or lock."""
        return self._failures.get((family, record_id), 0)
