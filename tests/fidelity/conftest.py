"""Fixtures for the fidelity tests: a simulator (from the livevox pytest plugin) and a wire tap."""

from __future__ import annotations

import pytest
from fidelity_support import WireTap


@pytest.fixture
def tap() -> WireTap:
    return WireTap()
