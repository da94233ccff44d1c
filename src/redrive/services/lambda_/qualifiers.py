"""What a qualifier names: ``$LATEST``, a published version or an alias (VER-1, VER-3).

A qualifier is read by its form, as Lambda reads it: ``$LATEST``; digits, a version number;
otherwise a name of the model's alias pattern ``(?!^[0-9]+$)([a-zA-Z0-9-_]+)``. Anything else
(``$latest``, ``valid-with-$``) names nothing - AWS answers such a qualifier with the
``Function not found`` of a version (recorded: test_permission_exceptions
``add_permission_fn_qualifier_valid_doesnotexist``), and so does redrive.

:func:`resolve` finds the configuration a qualifier stands for: the ``$LATEST`` document, a
version document, or for an alias the document of the version it points to (its
``FunctionVersion``; weighted routing picks per invocation, see :mod:`.aliases`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from redrive.services.lambda_ import state
from redrive.services.lambda_.constants import LATEST
from redrive.store import Transaction

Doc = dict[str, Any]
Kind = Literal["latest", "version", "alias", "invalid"]

_VERSION = re.compile(r"[0-9]+")
#: the model's alias Name pattern (CreateAlias, GetAlias)
_ALIAS = re.compile(r"(?!^[0-9]+$)[a-zA-Z0-9\-_]+")


def kind(qualifier: str | None) -> Kind:
    """What ``qualifier`` names by its form (None, unqualified, is ``$LATEST``)."""
    if qualifier is None or qualifier == LATEST:
        return "latest"
    if _VERSION.fullmatch(qualifier):
        return "version"
    if _ALIAS.fullmatch(qualifier):
        return "alias"
    return "invalid"


@dataclass(frozen=True)
class Target:
    """A function and the configuration one of its qualifiers stands for."""

    #: the ``$LATEST`` document (tags, revision, version counter live here)
    function: Doc
    #: the qualifier as named (None: unqualified)
    qualifier: str | None
    #: the configuration that runs: ``$LATEST``'s, a version's, or an alias's primary version's
    config: Doc
    #: the alias document when the qualifier is an alias
    alias: Doc | None = None

    @property
    def name(self) -> str:
        return str(self.function["FunctionName"])

    @property
    def version(self) -> str:
        """``$LATEST`` or the version number of :attr:`config`."""
        return str(self.config.get("Version", LATEST))


def version_doc(
    txn: Transaction, account: str, region: str, name: str, version: str
) -> Doc | None:
    """The document of ``$LATEST`` or of a published version, or None."""
    if version == LATEST:
        return state.get_function(txn, account, region, name)
    if not _VERSION.fullmatch(version):
        return None
    return state.get_version(txn, account, region, name, int(version))


def resolve(
    txn: Transaction, account: str, region: str, name: str, qualifier: str | None
) -> Target | None:
    """What ``name`` and ``qualifier`` name, or None when the function or qualifier is unknown."""
    function = state.get_function(txn, account, region, name)
    if function is None:
        return None
    name = function["FunctionName"]
    what = kind(qualifier)
    if what == "latest":
        return Target(function, qualifier, function)
    if what == "version":
        assert qualifier is not None
        found = state.get_version(txn, account, region, name, int(qualifier))
        return None if found is None else Target(function, qualifier, found)
    if what == "alias":
        assert qualifier is not None
        alias = state.get_alias(txn, account, region, name, qualifier)
        if alias is None:
            return None
        config = version_doc(txn, account, region, name, alias["FunctionVersion"])
        if config is None:  # versions an alias points to cannot be deleted
            raise RuntimeError(f"alias {qualifier} of {name} points to a missing version")
        return Target(function, qualifier, config, alias)
    return None
