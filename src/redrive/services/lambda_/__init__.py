"""AWS Lambda: functions (code, configuration, tags), versions, aliases, resource-based
policies, reserved concurrency, account settings.

Function management lives in :mod:`.service` (:class:`~.service.LambdaService`); the invoke
path uses its internal interface (``function_spec``, ``reserved_concurrency``,
``on_function_changed``) to reach the runtime.
"""
