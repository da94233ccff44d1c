"""Entry point of redrive's default Python runtime: ``<python> -u _redrive_bootstrap.py``.

Only a stub: the runtime lives in ``_redrive_runtime`` so that its bytecode is cached (a
script run as ``__main__`` is compiled afresh on every start, which costs more than the rest
of the start-up). Importing this module (as redrive's fork server does, to preload) runs
nothing.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from redrive.runtime.worker import _redrive_runtime
elif __package__:
    from . import _redrive_runtime
else:
    import _redrive_runtime

if __name__ == "__main__":
    _redrive_runtime.main()
