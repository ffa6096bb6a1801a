"""Every error survives pickle and copy as itself: type, str, repr, attributes; still redacted.

The classes are taken from the exception module and from the whole tree under
`LiveVoxError` (every subclass anywhere in the package), so a new class cannot escape;
each is built from its own signature, with a sample value per keyword it requires.
"""

from __future__ import annotations

import copy
import inspect
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from multidict import CIMultiDict, CIMultiDictProxy

import livevox_async
import livevox_async.tenant  # its errors join the tree
from livevox_async import OPERATIONS, Credentials, LiveVoxError, _exceptions
from livevox_async._exceptions import amended
from livevox_async._response import api_error, lost_answer, throttle_error
from livevox_async._transport import HttpResponse, RequestContext

E = TypeVar("E", bound=LiveVoxError)


def tree(cls: type[LiveVoxError]) -> list[type[LiveVoxError]]:
    return [cls, *(d for child in cls.__subclasses__() for d in tree(child))]


MODULE_CLASSES = {
    c for _, c in inspect.getmembers(_exceptions, inspect.isclass) if issubclass(c, LiveVoxError)
}
CLASSES = sorted(MODULE_CLASSES | set(tree(LiveVoxError)), key=lambda c: c.__qualname__)

SAMPLES: dict[str, Any] = {
    "status": 503,
    "max_body_size": 1024,
    "session_kind": "agent",
    "roles": ("Sysadmin", "Superuser"),
    "manager_power": "Manage Agents",
    "agent_allowed": False,
    "local": True,
    "problems": ("$.id: expected int",),
    "failures": {"agents": livevox_async.NotFoundError("no agent", status=404)},
    "offset": 200,
    "retry_after": 2.5,
    "code": 1234,
    "lv_message": "LiveVox said no",
    "content_type": "text/html",
    "length": 17,
    "host": "api.na6.livevox.com",
    "port": 443,
}
WHERE = {"operation": "agents.read", "method": "GET", "path": "/configuration/agents/7", "request_id": "r-1"}
COPIES: dict[str, Callable[[Any], Any]] = {
    "pickle": lambda e: pickle.loads(pickle.dumps(e)),
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
}


def sample(cls: type[E]) -> E:
    """An instance with every keyword its signature names (required or not) set to a sample."""
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(cls).parameters.items():
        if param.kind is param.KEYWORD_ONLY:
            if name not in SAMPLES and param.default is param.empty:
                pytest.fail(f"{cls.__name__} requires {name}: add a sample value here")
            if name in SAMPLES:
                kwargs[name] = SAMPLES[name]
    return cls(f"{cls.__name__} happened", **kwargs, **WHERE)


def shape(value: Any) -> Any:
    """What a user can see of an error, nested errors included (errors compare by identity)."""
    if isinstance(value, BaseException):
        return (type(value), str(value), repr(value), value.args, shape(vars(value)))
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    return value


def test_the_tree_is_what_the_package_exports() -> None:
    exported = {name for name in livevox_async.__all__ if isinstance(getattr(livevox_async, name), type)}
    assert {c.__name__ for c in MODULE_CLASSES} <= exported
    assert all(getattr(livevox_async, c.__name__) is c for c in MODULE_CLASSES)
    assert len(CLASSES) >= 21


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_an_error_survives(cls: type[LiveVoxError], how: str) -> None:
    error = sample(cls)
    error.add_note("a note someone added")
    again = COPIES[how](error)
    assert type(again) is cls
    assert again is not error
    assert shape(again) == shape(error)
    assert str(again).startswith(f"{cls.__name__} happened")
    assert again.__notes__ == ["a note someone added"]
    for base in cls.__mro__:
        assert isinstance(again, base)


def test_a_raised_error_pickles_without_its_traceback_or_context() -> None:
    try:
        try:
            raise KeyError("inner")
        except KeyError:
            raise sample(livevox_async.ReadTimeout) from None
    except LiveVoxError as exc:
        caught = exc
    again = pickle.loads(pickle.dumps(caught))
    assert (again.__traceback__, again.__cause__) == (None, None)
    assert str(again) == str(caught)


@pytest.mark.parametrize("how", COPIES)
def test_what_the_client_adds_survives(how: str) -> None:
    timed_out = amended(sample(livevox_async.ReadTimeout), "gave up after 3 attempts in 1.50s")
    timed_out.attempts, timed_out.elapsed = 3, 1.5
    lost = lost_answer(OPERATIONS["term_codes.create"], sample(livevox_async.ConnectionLost))
    for error in (timed_out, lost):
        again = COPIES[how](error)
        assert shape(again) == shape(error)
    assert (COPIES[how](timed_out).attempts, COPIES[how](timed_out).elapsed) == (3, 1.5)
    assert COPIES[how](lost).outcome_unknown is True
    assert "by its service_id and name with lv.term_codes.list()" in str(COPIES[how](lost))


SECRET_PASSWORD = "Hunter2-pickled!"
SECRET_TOKEN = "tok-5f0c9a1e7d3b44c2"


def echoed(status: int) -> HttpResponse:
    body = f'{{"code": 9, "message": "bad login {SECRET_PASSWORD} with {SECRET_TOKEN}"}}'.encode()
    return HttpResponse(status, CIMultiDictProxy(CIMultiDict({"Retry-After": "4"})), body)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 429, 500])
@pytest.mark.parametrize("how", COPIES)
def test_a_copied_error_stays_redacted(status: int, how: str) -> None:
    op = OPERATIONS["agents.read"]
    context = RequestContext(op.id, op.method, "/configuration/agents/7", "r-2")
    creds = Credentials(access_token=SECRET_TOKEN, client_name="c", user_name="u", password=SECRET_PASSWORD)
    secrets = (SECRET_PASSWORD, SECRET_TOKEN)
    errors = [
        api_error(op, echoed(status), context, credentials=creds, secrets=secrets),
        throttle_error(op, echoed(status), context, secrets=secrets, retry_after=4.0),
    ]
    for error in errors:
        pickled = pickle.dumps(error)
        for secret in secrets:
            assert secret.encode() not in pickled
        again = COPIES[how](error)
        assert again.lv_message == "bad login *** with ***"
        assert shape(again) == shape(error)
        assert SECRET_PASSWORD not in repr(vars(again)) + str(again)
