"""The README's escape-hatch example runs as written, against the drifted simulator it starts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_escape_hatch_example_runs() -> None:
    section = (ROOT / "README.md").read_text().split("## When the schema guessed wrong", 1)[1]
    example = re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-X", "dev", "-c", example]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, env=env, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "$.wrapUpTime: expected int, got str",
        "str",
        "['Julie', 'Juanita']",
        "{'agents.list': 'confirmed', 'agents.info': 'confirmed', 'agents.search': 'confirmed', "
        "'agents.read': 'differs', 'agents.related': 'confirmed'}",
    ]
