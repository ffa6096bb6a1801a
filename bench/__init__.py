"""Benchmarks of livevox-async against in-run baselines: `python -m bench` (see `__main__.py`)."""
