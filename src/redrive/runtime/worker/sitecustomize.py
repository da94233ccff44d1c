"""Installs redrive's time shim at interpreter start-up, then runs any other sitecustomize.

Python imports ``sitecustomize`` while starting (module ``site``). redrive puts its worker
directory first on ``PYTHONPATH``, so this module runs in every worker interpreter - ours
(``_redrive_bootstrap``), AWS's ``awslambdaric``, and their child processes - before any user
code. It installs the shim only when ``REDRIVE_CLOCK_FILE`` is set, then looks for the next
``sitecustomize`` on ``sys.path`` after this directory (a distribution's or a virtualenv's)
and executes it, so nothing the machine relied on is lost.

Runs inside worker interpreters (Python 3.9+, stdlib only, never imports redrive).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

_HERE = os.path.dirname(os.path.abspath(__file__))

#: the sitecustomize module found after ours and executed, if any
chained: list[ModuleType] = []


def _install_shim() -> None:
    if not os.environ.get("REDRIVE_CLOCK_FILE"):
        return
    if TYPE_CHECKING:
        from redrive.runtime.worker import _redrive_timeshim
    else:
        import _redrive_timeshim
    _redrive_timeshim.install()


def _same_dir(entry: str) -> bool:
    return os.path.normcase(os.path.abspath(entry or os.curdir)) == os.path.normcase(_HERE)


def _chain() -> None:
    entries = list(sys.path)
    ours = [i for i, entry in enumerate(entries) if _same_dir(entry)]
    later = entries[ours[0] + 1 :] if ours else entries
    later = [entry for entry in later if not _same_dir(entry)]
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("sitecustomize", later)
    if spec is None or spec.loader is None:
        return
    from importlib.util import module_from_spec

    module = module_from_spec(spec)
    chained.append(module)
    spec.loader.exec_module(module)


_install_shim()
_chain()
