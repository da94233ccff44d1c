"""The AWS SDK that Lambda's Python runtimes include: boto3 for every handler.

AWS's ``python3.x`` runtimes ship boto3 with botocore, s3transfer, jmespath, python-dateutil,
six and urllib3 (in ``/var/runtime``), after the function's code and layers on ``sys.path``, so
a boto3 in the deployment package wins. A handler run by the interpreter that runs redrive finds
them in redrive's own site-packages. Any other interpreter (a ``python3.12`` function on a
machine where redrive runs on 3.11) may have none: for those the worker's ``PYTHONPATH`` ends
with a directory of links to redrive's copies, after the code. These packages are pure Python;
an interpreter older than one of them supports (``Requires-Python``: urllib3 2.7 needs 3.10)
gets none, so its handlers fail to import boto3 plainly instead of deep inside urllib3.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import shutil
from functools import cache
from pathlib import Path

#: import names of the SDK and what it needs at import time
MODULES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")


def link_sdk(directory: Path) -> Path:
    """Fill ``directory`` with links to redrive's own copies of :data:`MODULES` (those
    installed) and return it; a directory left by an earlier run is replaced."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for name in MODULES:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        if origin.name == "__init__.py":  # a package: link its directory
            os.symlink(origin.parent, directory / name, target_is_directory=True)
        elif origin.suffix == ".py":  # a module (six.py; its spec may claim a package)
            os.symlink(origin, directory / origin.name)
    return directory


@cache
def supports(version: str) -> bool:
    """Whether every installed distribution of :data:`MODULES` admits Python ``version``
    (``"3.9"``) by its ``Requires-Python``."""
    wanted = tuple(int(part) for part in version.split("."))
    owners = importlib.metadata.packages_distributions()
    for name in MODULES:
        for dist in owners.get(name, []):
            requires = importlib.metadata.metadata(dist)["Requires-Python"] or ""
            if not _admits(requires, wanted):
                return False
    return True


_CLAUSE = re.compile(r"^\s*(>=|<=|==|!=|>|<|~=)\s*(\d+(?:\.\d+)*)(?:\.\*)?\s*$")


def _admits(requires: str, version: tuple[int, ...]) -> bool:
    """Whether a ``Requires-Python`` specifier admits ``major.minor`` (compared on as many
    parts as the clause gives; a clause it cannot read does not exclude)."""
    for clause in filter(None, (c.strip() for c in requires.split(","))):
        match = _CLAUSE.match(clause)
        if match is None:
            continue
        bound = tuple(int(part) for part in match.group(2).split("."))
        mine = (*version, 0, 0, 0)[: max(len(bound), 2)]
        bound = (*bound, 0, 0, 0)[: len(mine)]
        op = match.group(1)
        if op == "~=":
            op = ">="
        ok = {
            ">=": mine >= bound, ">": mine > bound, "<=": mine <= bound, "<": mine < bound,
            "==": mine[: len(bound)] == bound, "!=": mine != bound,
        }[op]
        if not ok:
            return False
    return True
