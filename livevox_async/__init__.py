"""livevox-async: an asyncio SDK for the LiveVox Configuration API.

from livevox_async import LiveVox, Credentials

async with LiveVox(Credentials(...), region="NA6") as lv:
    agent = await lv.agents.read(1234)
    async for service in lv.services.list(call_center=7):
        ...
"""

from ._credentials import Credentials
from ._enum import LiveVoxEnum
from ._exceptions import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ConnectError,
    ConnectionLost,
    DeadlineExceeded,
    DecodeError,
    LiveVoxError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ReadTimeout,
    ServerError,
    TransportError,
)
from ._generated.operations import OPERATIONS
from ._operation import Operation, Param
from ._options import RequestOptions
from ._unset import UNSET, Unset, UnsetType

__version__ = "0.1.0"

__all__ = [
    "OPERATIONS",
    "UNSET",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "ConnectionLost",
    "Credentials",
    "DeadlineExceeded",
    "DecodeError",
    "LiveVoxEnum",
    "LiveVoxError",
    "NotFoundError",
    "Operation",
    "Param",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "ReadTimeout",
    "RequestOptions",
    "ServerError",
    "TransportError",
    "Unset",
    "UnsetType",
    "__version__",
]
