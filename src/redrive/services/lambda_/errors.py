"""The errors Lambda's function-management API returns, with the codes and messages AWS sends.

Tags on each function say how the text is known (spec/README.md):

* [recorded] captured from real AWS in localstack/localstack
  ``tests/aws/services/lambda_/test_lambda_api.snapshot.json`` (test named in the docstring);
* [observed] AWS output quoted in public repositories or issue trackers;
* [spec] a rule of ``spec/`` (CONC-4, CONC-5, INV-10);
* [inferred] the form AWS uses for similar errors, not confirmed for this case;
* [redrive] redrive's own wording, for things redrive refuses and AWS would not.

On the wire every Lambda error is ``{"Type": "User", "message": ...}``; the wire layer writes
``Message`` instead for the error shapes that declare it (ResourceNotFoundException, INV-10).
"""

from __future__ import annotations

from collections.abc import Iterable

from redrive.errors import ServiceError

# -- not found / not reachable ------------------------------------------------------------------


def function_not_found(arn: str) -> ServiceError:
    """[recorded] test_ops_on_nonexisting_fn, test_ops_on_nonexisting_version (INV-10)."""
    return ServiceError("ResourceNotFoundException", f"Function not found: {arn}", 404)


def other_region(arn_region: str, region: str) -> ServiceError:
    """[recorded] test_get_function_wrong_region, test_function_arns (INV-10)."""
    return ServiceError(
        "ResourceNotFoundException",
        f"Functions from '{arn_region}' are not reachable in this region ('{region}')",
        404,
    )


def other_account(caller_account: str, action: str, arn: str) -> ServiceError:
    """[recorded] code and status (test_function_arns `function_arn_other_account_exc`, whose
    body has no message); the message is VER-10's wording for a missing resource policy."""
    return ServiceError(
        "AccessDeniedException",
        f"User: arn:aws:iam::{caller_account}:root is not authorized to perform: "
        f"lambda:{action} on resource: {arn} because no resource-based policy allows the "
        f"lambda:{action} action",
        403,
    )


# -- names and qualifiers ---------------------------------------------------------------------


def qualifier_mismatch() -> ServiceError:
    """[recorded] test_ops_with_arn_qualifier_mismatch."""
    return invalid_parameter(
        "The derived qualifier from the function name does not match the specified qualifier."
    )


def function_name_too_long(name: str, limit: int) -> ServiceError:
    """[recorded] test_function_arns `long_function_name_exc` (InvalidParameterValueException,
    not ValidationException, for a bare name in CreateFunction)."""
    return invalid_parameter(
        f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy "
        f"constraint: Member must have length less than or equal to {limit}"
    )


def latest_cannot_be_deleted() -> ServiceError:
    """[recorded] test_ops_with_arn_qualifier_mismatch[delete_function] `match_exception`."""
    return invalid_parameter("$LATEST version cannot be deleted without deleting the function.")


# -- create / update ------------------------------------------------------------------------


def function_exists(name: str) -> ServiceError:
    """[observed] AWS's wording, grammar included."""
    return ServiceError("ResourceConflictException", f"Function already exist: {name}", 409)


def precondition_failed() -> ServiceError:
    """[recorded] TestLambdaRevisions::test_function_revisions_basic."""
    return ServiceError(
        "PreconditionFailedException",
        "The Revision Id provided does not match the latest Revision Id. "
        "Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        412,
    )


def runtime_and_handler_required() -> ServiceError:
    """[observed] CloudFormation deployment errors quoting Lambda."""
    return invalid_parameter(
        "Runtime and Handler are mandatory parameters for functions created with deployment "
        "packages."
    )


def runtime_deprecated(runtime: str, recommended: str) -> ServiceError:
    """[observed] e.g. "The runtime parameter of nodejs4.3 is no longer supported ..."."""
    return invalid_parameter(
        f"The runtime parameter of {runtime} is no longer supported for creating or updating "
        f"AWS Lambda functions. We recommend you use the new runtime ({recommended}) while "
        "creating or updating functions."
    )


def runtime_not_supported(runtime: str, supported: Iterable[str]) -> ServiceError:
    """[redrive] a runtime AWS offers but redrive cannot run."""
    return invalid_parameter(
        f"redrive does not support runtime {runtime}: it runs Python functions on "
        f"{', '.join(supported)}."
    )


def timeout_too_large(value: int, limit: int) -> ServiceError:
    """[inferred] Coral's form; the model's own maximum is checked by the wire layer."""
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at 'timeout' failed to satisfy "
        f"constraint: Member must have value less than or equal to {limit}",
    )


def memory_too_large(value: int, limit: int) -> ServiceError:
    """[observed] "1 validation error detected: Value '5555555' at 'memorySize' ... less than
    or equal to 10240" (quoted from a CloudFormation error; code inferred)."""
    return ServiceError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at 'memorySize' failed to satisfy "
        f"constraint: Member must have value less than or equal to {limit}",
    )


def reserved_environment_keys(keys: Iterable[str]) -> ServiceError:
    """[observed] e.g. "... Reserved keys used in this request: AWS_REGION, AWS_ACCESS_KEY"."""
    return invalid_parameter(
        "Lambda was unable to configure your environment variables because the environment "
        "variables you have provided contains reserved keys that are currently not supported "
        f"for modification. Reserved keys used in this request: {', '.join(keys)}"
    )


def environment_too_large(measured: str) -> ServiceError:
    """[recorded] TestLambdaSizeLimits::test_large_environment_variables_fails."""
    return invalid_parameter(
        "Lambda was unable to configure your environment variables because the environment "
        f"variables you have provided exceeded the 4KB limit. String measured: {measured}"
    )


def image_uri_on_zip_function() -> ServiceError:
    """[recorded] TestLambdaImages::test_lambda_zip_file_to_image `zipfile-to-image-error`."""
    return invalid_parameter(
        "Please don't provide ImageUri when updating a function with packageType Zip."
    )


def snapstart_not_supported(runtime: str) -> ServiceError:
    """[recorded] TestLambdaSnapStart::test_snapstart_exceptions."""
    return invalid_parameter(f"{runtime} is not supported for SnapStart enabled functions.")


def not_supported(what: str) -> ServiceError:
    """[redrive] a feature AWS has and redrive does not emulate (yet)."""
    return invalid_parameter(f"redrive does not support {what} yet.")


# -- code -------------------------------------------------------------------------------------


def cannot_unzip() -> ServiceError:
    """[recorded] TestLambdaFunction::test_create_lambda_exceptions `invalid_zip_exc`."""
    return invalid_parameter(
        "Could not unzip uploaded file. Please check your file, then try to upload again."
    )


def unsafe_zip_entry(entry: str) -> ServiceError:
    """[redrive] an entry that would land outside the function's directory."""
    return invalid_parameter(
        f"redrive refuses the zip entry {entry!r}: entries must be relative paths that stay "
        "inside the deployment package (no absolute paths, no '..', no links out of it)."
    )


def unzipped_too_large(limit: int) -> ServiceError:
    """[recorded] TestLambdaSizeLimits::test_oversized_unzipped_lambda."""
    return invalid_parameter(f"Unzipped size must be smaller than {limit} bytes")


def zipped_too_large(limit: int) -> ServiceError:
    """[recorded] TestLambdaSizeLimits::test_oversized_zipped_create_lambda (413)."""
    return ServiceError(
        "RequestEntityTooLargeException", f"Zipped size must be smaller than {limit} bytes", 413
    )


# -- tags -------------------------------------------------------------------------------------


def tags_on_qualified_arn() -> ServiceError:
    """[recorded] TestLambdaTags::test_tag_versions."""
    return invalid_parameter(
        "Tags on function aliases and versions are not supported. Please specify a function ARN."
    )


def tags_empty() -> ServiceError:
    """[recorded] TestLambdaTags::test_tag_exceptions `tag_empty_tags`."""
    return invalid_parameter("An error occurred and the request cannot be processed.")


def too_many_tags() -> ServiceError:
    """[recorded] TestLambdaTags::test_tag_limits."""
    return invalid_parameter("Number of tags exceeds resource tag limit.")


# -- concurrency ------------------------------------------------------------------------------


def concurrency_on_qualified_name() -> ServiceError:
    """[recorded] CONC-5 (test_function_concurrency_exceptions)."""
    return invalid_parameter(
        "This operation is permitted on Lambda functions only. Aliases and versions do not "
        "support this operation. Please specify either a function name or an unqualified "
        "function ARN."
    )


def unreserved_below_minimum(minimum: int) -> ServiceError:
    """[recorded] CONC-4. (AWS's body for this error has no ``Type`` member; redrive's wire
    layer always writes one.)"""
    return invalid_parameter(
        "Specified ReservedConcurrentExecutions for function decreases account's "
        f"UnreservedConcurrentExecution below its minimum value of [{minimum}]."
    )


# -- asynchronous invocation: EventInvokeConfig (ASYNC-13) ------------------------------------


def event_invoke_settings_missing() -> ServiceError:
    """[recorded] test_lambda_eventinvokeconfig_exceptions `put_functionname_nootherargs`."""
    return invalid_parameter(
        "You must specify at least one of error handling or destination setting."
    )


def event_invoke_function_missing() -> ServiceError:
    """[recorded] `put_functionname_name_notfound`, `put_alias_doesnotexist`,
    `list_function_doesnotexist`, `update_eventinvokeconfig_function_doesnotexist`."""
    return ServiceError("ResourceNotFoundException", "The function doesn't exist.", 404)


def no_event_invoke_config(qualified_arn: str) -> ServiceError:
    """[recorded] `get_function_doesnotexist`, `get_qualifier_doesnotexist`,
    `delete_function_not_found`, `update_eventinvokeconfig_config_doesnotexist_*` (ASYNC-12)."""
    return ServiceError(
        "ResourceNotFoundException",
        f"The function {qualified_arn} doesn't have an EventInvokeConfig",
        404,
    )


def destination_is_self() -> ServiceError:
    """[recorded] `put_destination_recursive`."""
    return invalid_parameter("You can't specify the function as a destination for itself.")


def destination_invalid(destination: str) -> ServiceError:
    """[recorded] `put_destination_lambda_doesntexist` (a Lambda function that does not exist)."""
    return invalid_parameter(f"The destination ARN {destination} is invalid.")


def destination_config_invalid(rendered: str) -> ServiceError:
    """[recorded] `put_destination_invalid_service_arn`; ``rendered`` is AWS's (Java)
    rendering of the request's DestinationConfig, e.g. ``DestinationConfig(onSuccess=
    OnSuccess(destination=arn:aws:iam:...), onFailure=null)``."""
    return invalid_parameter(f"The provided destination config {rendered} is invalid.")


# -- dead-letter queues (DEST-10) ---------------------------------------------------------------


def dead_letter_not_an_arn(target: str) -> ServiceError:
    """[observed] CreateFunction with ``DeadLetterConfig: {TargetArn: ""}`` (quoted in
    cloud-custodian/cloud-custodian#1990, 2018: "Invalid dead letter queue ARN: ARNs must start
    with 'arn:':"; what follows the last colon is not known, redrive appends the value)."""
    return invalid_parameter(f"Invalid dead letter queue ARN: ARNs must start with 'arn:':{target}")


def dead_letter_fifo(kind: str) -> ServiceError:
    """[observed] "Invalid dead letter queue ARN: FIFO SQS queue is not supported for dead
    letter configuration" (a Terraform CreateFunction error quoted in a public repository);
    ``kind`` is ``SQS queue`` or (the same form, [inferred]) ``SNS topic``."""
    return invalid_parameter(
        f"Invalid dead letter queue ARN: FIFO {kind} is not supported for dead letter configuration"
    )


def dead_letter_service() -> ServiceError:
    """[inferred] a TargetArn of neither SQS nor SNS. AWS's prefix is observed (above); the
    rest is quoted differently by third parties ("The service specified by the TargetArn is
    not supported for dead letter configuration." / "Only Amazon SQS queues and Amazon SNS
    topics are supported."), neither confirmed; redrive uses the first."""
    return invalid_parameter(
        "Invalid dead letter queue ARN: The service specified by the TargetArn is not "
        "supported for dead letter configuration."
    )


# -- versions (VER-1) -------------------------------------------------------------------------


def code_sha256_mismatch(given: str, current: str) -> ServiceError:
    """[recorded] TestLambdaVersions::test_publish_with_wrong_sha256."""
    return invalid_parameter(
        f"CodeSHA256 ({given}) is different from current CodeSHA256 in $LATEST ({current}). "
        "Please try again with the CodeSHA256 in $LATEST."
    )


def version_referenced_by_aliases(aliases: Iterable[str]) -> ServiceError:
    """[observed] DeleteFunction of a version an alias points to (quoted in
    alexcasalboni/aws-lambda-power-tuning#124: ``... reference it: [latest]``)."""
    return ServiceError(
        "ResourceConflictException",
        f"Unable to delete version because the following aliases reference it: "
        f"[{', '.join(aliases)}]",
        409,
    )


def alias_deletion_not_supported() -> ServiceError:
    """[observed] DeleteFunction with an alias as Qualifier (localstack/localstack's Lambda
    provider, whose API tests are validated against AWS)."""
    return invalid_parameter("Deletion of aliases is not currently supported.")


# -- aliases (VER-3, VER-4) -------------------------------------------------------------------


def alias_exists(alias_arn: str) -> ServiceError:
    """[recorded] test_notfound_and_invalid_routingconfigs `routing_config_exc_already_exist`."""
    return ServiceError("ResourceConflictException", f"Alias already exists: {alias_arn}", 409)


def alias_not_found(alias_arn: str) -> ServiceError:
    """[recorded] `alias_does_not_exist_esc`; test_permission_exceptions
    `add_permission_fn_alias_doesnotexist`."""
    return ServiceError("ResourceNotFoundException", f"Cannot find alias arn: {alias_arn}", 404)


def routing_too_many_versions() -> ServiceError:
    """[recorded] `routing_config_exc_toomany`."""
    return invalid_parameter("Number of items in AdditionalVersionWeights cannot be greater than 1")


def routing_same_version(version: str) -> ServiceError:
    """[recorded] `routing_config_exc_sameversion`."""
    return invalid_parameter(
        f"Invalid function version {version}. Function version {version} is already included "
        "in routing configuration."
    )


def routing_on_latest() -> ServiceError:
    """[recorded] `target_version_exc_version_latest` (AWS's body has no ``Type``)."""
    return invalid_parameter(
        "$LATEST is not supported for an alias pointing to more than 1 version"
    )


def routing_roles_differ() -> ServiceError:
    """[observed] UpdateAlias with versions of different execution roles (quoted in
    serverless-heaven/serverless-aws-alias#64)."""
    return invalid_parameter("Specified versions must be associated with the same execution role")


def routing_dead_letters_differ() -> ServiceError:
    """[inferred] the versions' DeadLetterConfig differ (configuration-aliases.html requires
    the same one); AWS's text is not known, this follows the role error's form."""
    return invalid_parameter(
        "Specified versions must be associated with the same dead letter queue configuration"
    )


# -- resource-based policies (VER-6..9) -------------------------------------------------------


def statement_exists(sid: str) -> ServiceError:
    """[recorded] test_permission_exceptions `add_permission_conflicting_statement_id`."""
    return ServiceError(
        "ResourceConflictException",
        f"The statement id ({sid}) provided already exists. Please provide a new statement id, "
        "or remove the existing statement.",
        409,
    )


def policy_on_latest() -> ServiceError:
    """[recorded] `add_permission_fn_qualifier_latest`."""
    return invalid_parameter("We currently do not support adding policies for $LATEST.")


def principal_invalid() -> ServiceError:
    """[recorded] `add_permission_principal_invalid`."""
    return invalid_parameter(
        "The provided principal was invalid. Please check the principal and try again."
    )


def no_policy_found_for(function_arn: str) -> ServiceError:
    """[recorded] `remove_permission_fn_doesnotexist`."""
    return ServiceError("ResourceNotFoundException", f"No policy found for: {function_arn}", 404)


def no_policy_associated() -> ServiceError:
    """[recorded] `remove_permission_policy_doesnotexist`."""
    return ServiceError(
        "ResourceNotFoundException", "No policy is associated with the given resource.", 404
    )


def statement_not_found(sid: str) -> ServiceError:
    """[recorded] test_remove_multi_permissions `remove_permission_exception_nonexisting_sid`."""
    return ServiceError(
        "ResourceNotFoundException", f"Statement {sid} is not found in resource policy.", 404
    )


def resource_not_found() -> ServiceError:
    """[recorded] GetPolicy without a policy or of an unknown version
    (`get_policy_exception_removed_all`, `get_policy_fn_version_doesnotexist`)."""
    return ServiceError(
        "ResourceNotFoundException", "The resource you requested does not exist.", 404
    )


# -- listing ----------------------------------------------------------------------------------


def invalid_marker(marker: str) -> ServiceError:
    """[redrive] a Marker that no ListFunctions page handed out."""
    return invalid_parameter(f"Invalid Marker: {marker}")


def invalid_parameter(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValueException", message)
