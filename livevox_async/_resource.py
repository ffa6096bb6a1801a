"""`Resource`: base of the generated resource classes, and the `Runtime` they call.

Generated methods (`lv.agents.read(1234)`) only describe a call: they hand the
operation, the model to decode into, and the arguments to one of the `Runtime`
methods below. `Runtime` is the one definition of that interface: the client's
`lv.runtime` (`livevox_async._client.ClientRuntime`) implements it and sends the calls;
anything with the same methods can stand in (the seam the generated code is tested through).

`RawResource` is the base of the same methods on `lv.raw` (`lv.raw.agents.read(1234)`):
same arguments, the answer as LiveVox sent it (parsed JSON) instead of a model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from ._operation import Operation
    from ._options import RequestOptions
    from ._pagination import Paginator
    from ._wire import WireAnswer

T = TypeVar("T")

NO_ARGS: Mapping[str, Any] = {}


class Runtime(Protocol):
    """What generated resources need from the client: the methods they call, documented here."""

    async def fetch(
        self,
        op: Operation,
        model: type[T],
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> T:
        """Send `op` and decode its 200 body into `model`."""
        ...

    async def create(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> int:
        """Send `op` and return the id of the created object (`201 {"id": n}`)."""
        ...

    async def execute(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> None:
        """Send `op`, which answers without a body (204)."""
        ...

    def paginate(
        self,
        op: Operation,
        item: type[T],
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        page_size: int = 1000,
        max_items: int | None = None,
        options: RequestOptions | None = None,
    ) -> Paginator[T]:
        """A lazy iterator over every item of a list or search operation."""
        ...

    async def send(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> WireAnswer:
        """Send `op` and return its success answer undecoded: status and parsed JSON."""
        ...


class Resource:
    """One resource family on a client (`lv.agents`, `lv.term_codes`, …)."""

    __slots__ = ("_runtime",)

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class RawResource(Resource):
    """One resource family on `lv.raw`: its methods answer wire JSON, not models."""

    __slots__ = ()

    async def _json(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any] = NO_ARGS,
        query: Mapping[str, Any] = NO_ARGS,
        body: Any = None,
        options: RequestOptions | None = None,
    ) -> Any:
        answer = await self._runtime.send(op, path=path, query=query, body=body, options=options)
        return answer.data
