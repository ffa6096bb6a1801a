"""Inputs are validated where they enter, with errors that name the bad value."""

from __future__ import annotations

import math
from typing import Any

import pytest

from livevox_async import (
    ConfigurationError,
    Credentials,
    LiveVox,
    RequestOptions,
    TokenBucket,
    endpoint_from_env,
)

BASE: dict[str, Any] = {
    "access_token": "tok",
    "client_name": "ACME",
    "user_name": "jsmith",
    "password": "pw12345678",
}
ENV = {"LIVEVOX_ACCESS_TOKEN": "tok", "LIVEVOX_CLIENT": "ACME", "LIVEVOX_USER": "jsmith"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"role": "sysadmin"}, "unknown role 'sysadmin' (did you mean 'Sysadmin'?)"),
        ({"role": "Admin"}, "unknown role 'Admin'"),
        ({"role": "Manager", "manager_powers": ["Fly"]}, "unknown manager powers ['Fly']"),
        ({"role": "Manager", "manager_powers": "Administer Agents"}, "not the string"),
        ({"role": "Sysadmin", "manager_powers": ["Administer Agents"]}, "belong to the Manager role"),
        ({"agent": True, "role": "Manager"}, "an agent login has no role"),
        ({"password": ""}, "must be non-empty text"),
    ],
)
def test_bad_credentials_are_refused_with_the_reason(extra: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Credentials(**{**BASE, **extra})
    assert message in str(caught.value)


def test_the_refusal_never_shows_the_password() -> None:
    with pytest.raises(ConfigurationError) as caught:
        Credentials(**{**BASE, "role": "pw12345678"})
    assert "unknown role" in str(caught.value)  # the role value is not a secret; the password field is
    with pytest.raises(ConfigurationError) as caught:
        Credentials(**{**BASE, "manager_powers": ["x"]})
    assert "pw12345678" not in str(caught.value)
    assert "tok" not in str(caught.value)


def test_credentials_from_the_environment() -> None:
    creds = Credentials.from_env({**ENV, "LIVEVOX_PASSWORD": "pw12345678", "LIVEVOX_ROLE": "IT User"})
    assert creds == Credentials(**BASE, role="IT User")
    agent = Credentials.from_env({**ENV, "LIVEVOX_AGENT": "true"}, password="prompted1")
    assert agent.agent
    assert agent.password == "prompted1"
    pool = Credentials.pool_from_env(
        {**ENV, "LIVEVOX_ACCESS_TOKEN": "", "LIVEVOX_ACCESS_TOKENS": "a, b,c", "LIVEVOX_PASSWORD": "p"}
    )
    assert [c.access_token for c in pool] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "set LIVEVOX_ACCESS_TOKEN (or LIVEVOX_ACCESS_TOKENS)"),
        ({"LIVEVOX_ACCESS_TOKEN": "t"}, "set LIVEVOX_CLIENT, LIVEVOX_USER, LIVEVOX_PASSWORD"),
        ({**ENV, "LIVEVOX_ACCESS_TOKENS": "a,b", "LIVEVOX_PASSWORD": "p"}, "not both"),
        (
            {**ENV, "LIVEVOX_ACCESS_TOKEN": "", "LIVEVOX_ACCESS_TOKENS": "a,a", "LIVEVOX_PASSWORD": "p"},
            "twice",
        ),
        ({**ENV, "LIVEVOX_PASSWORD": "p", "LIVEVOX_AGENT": "maybe"}, "LIVEVOX_AGENT must be 1 or 0"),
        ({**ENV, "LIVEVOX_PASSWORD": "p", "LIVEVOX_ROLE": "root"}, "unknown role 'root'"),
    ],
)
def test_environment_mistakes_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        Credentials.from_env(env)
    assert message in str(caught.value)


def test_the_endpoint_from_the_environment() -> None:
    assert endpoint_from_env({"LIVEVOX_BASE_URL": "http://127.0.0.1:9"}) == {"base_url": "http://127.0.0.1:9"}
    with pytest.raises(ConfigurationError, match="exactly one of LIVEVOX_REGION"):
        endpoint_from_env({"LIVEVOX_REGION": "NA6", "LIVEVOX_BASE_URL": "http://127.0.0.1:9"})


@pytest.mark.parametrize("seconds", [0, -1, math.nan, math.inf, True, "5"])
def test_request_options_need_finite_positive_seconds(seconds: object) -> None:
    for field in ("timeout", "deadline"):
        with pytest.raises(ConfigurationError, match=f"^{field} must be a finite number of seconds > 0"):
            RequestOptions(**{field: seconds})  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", [0, -2, math.nan, math.inf])
def test_rates_must_be_finite_and_positive(rate: float) -> None:
    with pytest.raises(ConfigurationError, match="rate must be a finite number > 0"):
        TokenBucket(rate, 3)
    with pytest.raises(ConfigurationError, match="rate must be a finite number > 0"):
        LiveVox(Credentials(**BASE), base_url="http://127.0.0.1:9", rate=rate)


@pytest.mark.parametrize("burst", [0.5, math.nan, math.inf])
def test_bursts_must_be_finite(burst: float) -> None:
    with pytest.raises(ConfigurationError, match="burst must be a finite number >= 1"):
        TokenBucket(5, burst)


@pytest.mark.parametrize("field", ["timeout", "connect_timeout", "deadline"])
@pytest.mark.parametrize("seconds", [0, -1, math.nan, math.inf])
def test_client_seconds_must_be_finite_and_positive(field: str, seconds: float) -> None:
    with pytest.raises(ConfigurationError, match=f"^{field} must be a finite number of seconds > 0"):
        LiveVox(Credentials(**BASE), base_url="http://127.0.0.1:9", **{field: seconds})  # type: ignore[arg-type]
