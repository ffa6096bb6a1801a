"""livevox-async: an asyncio SDK for the LiveVox Configuration API.

from livevox_async import LiveVox, Credentials

async with LiveVox(Credentials(...), region="NA6") as lv:
    agent = await lv.agents.read(1234)
    async for service in lv.services.list(call_center=7):
        ...
"""

from ._client import ClientStats, LiveVox, SessionStats
from ._converter import to_dict, to_wire
from ._credentials import ENVIRONMENT, MANAGER_POWERS, ROLES, Credentials, Role, endpoint_from_env
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
    ExportError,
    LiveVoxError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    ReadTimeout,
    ResponseTooLarge,
    ServerError,
    TransportError,
)
from ._generated.operations import OPERATIONS
from ._generated.sources import SOURCES
from ._operation import EvidenceParts, Operation, Param
from ._options import RequestOptions
from ._pagination import ListReport, Page, Paginator
from ._rate_limiter import Clock, LimiterStats, TokenBucket
from ._retry import RetryPolicy
from ._sources import Source
from ._transport import HttpResponse
from ._unset import UNSET, Unset, UnsetType

__version__ = "0.1.0"

__all__ = [
    "ENVIRONMENT",
    "MANAGER_POWERS",
    "OPERATIONS",
    "ROLES",
    "SOURCES",
    "UNSET",
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStats",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "ConnectError",
    "ConnectionLost",
    "Credentials",
    "DeadlineExceeded",
    "DecodeError",
    "EvidenceParts",
    "ExportError",
    "HttpResponse",
    "LimiterStats",
    "ListReport",
    "LiveVox",
    "LiveVoxEnum",
    "LiveVoxError",
    "NotFoundError",
    "Operation",
    "Page",
    "PaginationError",
    "Paginator",
    "Param",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "ReadTimeout",
    "RequestOptions",
    "ResponseTooLarge",
    "RetryPolicy",
    "Role",
    "ServerError",
    "SessionStats",
    "Source",
    "TokenBucket",
    "TransportError",
    "Unset",
    "UnsetType",
    "__version__",
    "endpoint_from_env",
    "to_dict",
    "to_wire",
]
