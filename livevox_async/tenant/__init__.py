"""Configuration as code: plan an export against a tenant, and apply the plan (in progress)."""

from ._relations import write_evidence

__all__ = ["write_evidence"]
