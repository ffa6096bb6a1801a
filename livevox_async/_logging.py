"""The `livevox_async` logger and what it may say.

Records carry structured extras (`operation`, `method`, `path`, `status`, `attempt`,
`waited_ms`, `elapsed_ms`, `request_id`) taken from an allow-list; paths are the
redacted ones (no session id), headers and bodies are never logged.

    import logging
    logging.getLogger("livevox_async").setLevel(logging.DEBUG)
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("livevox_async")

ALLOWED_FIELDS = frozenset(
    {
        "operation",
        "method",
        "path",
        "status",
        "attempt",
        "waited_ms",
        "elapsed_ms",
        "request_id",
        "retry_in_ms",
    }
)


def log(level: int, message: str, *args: object, **fields: Any) -> None:
    """Log `message % args` with structured extras; fields outside the allow-list are dropped."""
    if logger.isEnabledFor(level):
        extra = {key: value for key, value in fields.items() if key in ALLOWED_FIELDS}
        logger.log(level, message, *args, extra={"livevox": extra, **extra})
