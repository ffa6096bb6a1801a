"""Configuration as code over a tenant, on the client's public seam: the probe.

    from livevox_async import LiveVox
    from livevox_async.tenant import probe_tenant

    async with LiveVox(creds, region="NA6") as lv:
        report = await probe_tenant(lv)
    for result in report.results:
        print(result.operation, result.outcome, result.detail())

`livevox probe` is the same from a shell (`--json`, `--out report.json`).
"""

from ._probe import probe_families, probe_tenant
from ._report import OUTCOMES, Outcome, ProbeReport, ProbeResult
from ._shape import Deviation, DeviationKind

__all__ = [
    "OUTCOMES",
    "Deviation",
    "DeviationKind",
    "Outcome",
    "ProbeReport",
    "ProbeResult",
    "probe_families",
    "probe_tenant",
]
