"""DynamoDB expressions: condition, key condition, filter, projection and update expressions.

:mod:`.lexer` cuts an expression into tokens, :mod:`.parser` and :mod:`.updates` build the
trees of :mod:`.nodes`, resolving ``#names`` and ``:values`` through a :class:`.context.
Context`; :mod:`.evaluate` evaluates conditions and operands against an item, :mod:`.apply`
applies an update, :mod:`.keycond` turns a key condition into a key range and
:mod:`.projection` projects items; :mod:`.checks` holds what parses but AWS refuses.
"""
