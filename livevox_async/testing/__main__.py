"""`python -m livevox_async.testing`: the same as the `livevox-sim` command."""

from ._main import main

raise SystemExit(main())
