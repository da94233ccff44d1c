"""Lambda limits and defaults, each with the spec rule or documentation page it comes from."""

from __future__ import annotations

# -- function configuration -------------------------------------------------------------------
#: Timeout in seconds: 1-900, default 3 (ERR-3;
#: https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html)
DEFAULT_TIMEOUT = 3
MAX_TIMEOUT = 900
#: MemorySize in MB: 128-10240, default 128 (API_CreateFunction.html; botocore's model allows
#: up to 32768 for capacity-provider functions, which redrive does not emulate)
DEFAULT_MEMORY_SIZE = 128
MAX_MEMORY_SIZE = 10240
#: EphemeralStorage.Size in MB, default 512 (model range 512-10240)
DEFAULT_EPHEMERAL_STORAGE = 512
DEFAULT_ARCHITECTURES = ("x86_64",)
DEFAULT_TRACING_MODE = "PassThrough"
#: LoggingConfig defaults, OBS-10 (LogGroup is /aws/lambda/<function name>)
DEFAULT_LOG_FORMAT = "Text"
LOG_GROUP_PREFIX = "/aws/lambda/"
#: CreateFunction refuses a bare function name longer than 64 characters (recorded:
#: test_lambda_api.snapshot.json, TestLambdaFunction::test_function_arns `long_function_name_exc`)
MAX_FUNCTION_NAME_LENGTH = 64

# -- environment variables ----------------------------------------------------------------
#: The variables, serialised as compact JSON, may take at most 4 KB (recorded:
#: TestLambdaSizeLimits::test_large_environment_variables_fails;
#: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)
MAX_ENVIRONMENT_BYTES = 4096
#: Keys Lambda sets itself and refuses in a configuration ("Defined runtime environment
#: variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
#: ``TZ`` is documented as *not* reserved and is allowed; ``_HANDLER`` and
#: ``_X_AMZN_TRACE_ID`` cannot reach the service anyway (the model's key pattern
#: ``[a-zA-Z]([a-zA-Z0-9_])+`` refuses them first).
RESERVED_ENVIRONMENT_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_RUNTIME_DIR",
        "LAMBDA_TASK_ROOT",
    }
)

# -- runtimes -------------------------------------------------------------------------------
#: The runtimes redrive runs (real CPython interpreters on the host; see redrive.runtime).
SUPPORTED_RUNTIMES = ("python3.9", "python3.10", "python3.11", "python3.12", "python3.13")
#: Runtimes AWS no longer accepts for creating or updating functions ("Deprecated runtimes",
#: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). The list is redrive's
#: reading of that table (block-function-create dates already past); AWS answers them with
#: :func:`~redrive.services.lambda_.errors.runtime_deprecated`.
DEPRECATED_RUNTIMES = frozenset(
    {
        "nodejs",
        "nodejs4.3",
        "nodejs4.3-edge",
        "nodejs6.10",
        "nodejs8.10",
        "nodejs10.x",
        "nodejs12.x",
        "nodejs14.x",
        "nodejs16.x",
        "python2.7",
        "python3.6",
        "python3.7",
        "python3.8",
        "java8",
        "dotnetcore1.0",
        "dotnetcore2.0",
        "dotnetcore2.1",
        "dotnetcore3.1",
        "dotnet6",
        "go1.x",
        "ruby2.5",
        "ruby2.7",
        "provided",
    }
)
#: The runtime AWS's deprecation message recommends, per language family. For Python it is the
#: newest runtime redrive runs (AWS would name its own newest, which may be one redrive refuses).
RECOMMENDED_RUNTIMES = {
    "python": "python3.13",
    "nodejs": "nodejs24.x",
    "java": "java21",
    "dotnet": "dotnet8",
    "go": "provided.al2023",
    "ruby": "ruby3.4",
    "provided": "provided.al2023",
}

# -- code -----------------------------------------------------------------------------------
#: Deployment package limits (CONC-3 AccountLimit; gettingstarted-limits.html):
#: 50 MB zipped for direct upload, 250 MB unzipped, 75 GB total per Region.
CODE_SIZE_ZIPPED = 52_428_800
CODE_SIZE_UNZIPPED = 262_144_000
TOTAL_CODE_SIZE = 80_530_636_800
#: Where GetFunction says the deployment package can be downloaded. AWS answers a presigned S3
#: URL; redrive cannot serve S3 yet, so it answers a well-formed URL under the reserved
#: ``.invalid`` top-level domain (RFC 2606): clearly not downloadable, never resolvable.
CODE_LOCATION_TEMPLATE = (
    "https://redrive.invalid/lambda/code/{account}/{region}/{function}/{sha256}.zip"
)

# -- versions and aliases -------------------------------------------------------------------
LATEST = "$LATEST"
#: ListVersionsByFunction answers at most 50 versions a page, even if MaxItems asks for more
#: (https://docs.aws.amazon.com/lambda/latest/api/API_ListVersionsByFunction.html)
MAX_VERSIONS_PAGE = 50
#: ListAliases MaxItems: 1-10000 (model); default 50 [inferred: API_ListAliases.html names no
#: default; 50 is Lambda's other lists' default]
DEFAULT_ALIAS_MAX_ITEMS = 50
#: RoutingConfig.AdditionalVersionWeights holds at most one version (VER-4)
MAX_ADDITIONAL_VERSIONS = 1

# -- resource-based policies ------------------------------------------------------------------
#: the policy document GetPolicy answers (VER-7)
POLICY_VERSION = "2012-10-17"
POLICY_ID = "default"

# -- state transitions (INV-19) --------------------------------------------------------------
#: What CreateFunction answers; later reads say State Active (recorded:
#: test_lambda_api.snapshot.json, TestLambdaFunction::test_function_lifecycle).
PENDING_REASON = "The function is being created."
PENDING_REASON_CODE = "Creating"
#: What UpdateFunctionCode/UpdateFunctionConfiguration answer (LastUpdateStatus InProgress, with
#: AWS's own reason text); later reads say Successful (same recording).
UPDATE_REASON = "The function is being created."
UPDATE_REASON_CODE = "Creating"

# -- tags -----------------------------------------------------------------------------------
#: At most 50 tags per function (recorded: TestLambdaTags::test_tag_limits;
#: https://docs.aws.amazon.com/lambda/latest/dg/configuration-tags.html)
MAX_TAGS = 50

# -- listing --------------------------------------------------------------------------------
#: ListFunctions MaxItems: 1-10000 (model), default 50 (API_ListFunctions.html)
DEFAULT_LIST_MAX_ITEMS = 50

# -- concurrency ----------------------------------------------------------------------------
#: The unreserved pool may not fall below min(100, account limit) (CONC-4)
MIN_UNRESERVED_CONCURRENCY = 100

# -- asynchronous invocation (EventInvokeConfig) --------------------------------------------
#: MaximumRetryAttempts: 0-2, default 2 when no config sets it (ASYNC-3, ASYNC-11). The wire
#: layer checks the range from botocore's model; these name the limits for the async engine.
MIN_RETRY_ATTEMPTS = 0
MAX_RETRY_ATTEMPTS = 2
DEFAULT_RETRY_ATTEMPTS = 2
#: MaximumEventAgeInSeconds: 60-21600 (6 h), default 21600 (ASYNC-7, ASYNC-11)
MIN_EVENT_AGE_SECONDS = 60
MAX_EVENT_AGE_SECONDS = 21600
DEFAULT_EVENT_AGE_SECONDS = 21600
#: ListFunctionEventInvokeConfigs MaxItems: 1-50 (model), default 50 [inferred: the model's
#: maximum; https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctionEventInvokeConfigs.html
#: names no default]
DEFAULT_EVENT_INVOKE_CONFIG_MAX_ITEMS = 50
