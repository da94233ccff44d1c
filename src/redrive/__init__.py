"""redrive: AWS Lambda's failure handling, locally, on a clock you control."""

from redrive.api import Cloud
from redrive.errors import (
    ConfigError,
    MalformedRequest,
    NotImplementedOperation,
    RedriveError,
    ServiceError,
    StoreError,
)

__version__ = "0.1.0"

__all__ = [
    "Cloud",
    "ConfigError",
    "MalformedRequest",
    "NotImplementedOperation",
    "RedriveError",
    "ServiceError",
    "StoreError",
    "__version__",
]
