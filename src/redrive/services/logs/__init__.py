"""CloudWatch Logs: log groups, streams and events, filter patterns, retention.

Every other service writes its log lines here through
:meth:`~redrive.services.logs.service.LogsService.append_events`.
"""
