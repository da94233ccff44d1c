"""Matching request paths against requestUri templates (redrive.wire.uri)."""

from __future__ import annotations

import pytest
from botocore.model import OperationModel

from redrive.wire import specs
from redrive.wire.uri import find_operation, match_uri, parse_template, rank_operations


def _op(service: str, name: str) -> OperationModel:
    return specs.service_model(service).operation_model(name)


def _ranked(service: str, method: str) -> list[OperationModel]:
    model = specs.service_model(service)
    ops = [model.operation_model(n) for n in model.operation_names]
    return rank_operations(op for op in ops if op.http["method"] == method)


def test_label_matches_one_segment_and_is_percent_decoded() -> None:
    invoke = _op("lambda", "Invoke")  # /2015-03-31/functions/{FunctionName}/invocations
    assert match_uri(invoke, "/2015-03-31/functions/my-fn/invocations") == {"FunctionName": "my-fn"}
    arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af"
    assert match_uri(invoke, f"/2015-03-31/functions/{arn}/invocations") == {
        "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f"
    }
    assert match_uri(invoke, "/2015-03-31/functions/a%2Fb/invocations") == {"FunctionName": "a/b"}
    assert match_uri(invoke, "/2015-03-31/functions/a/b/invocations") is None
    assert match_uri(invoke, "/2015-03-31/functions//invocations") is None


def test_greedy_label_takes_the_rest_of_the_path() -> None:
    get_object = _op("s3", "GetObject")  # /{Bucket}/{Key+}
    assert match_uri(get_object, "/bucket/a/b/c.txt") == {"Bucket": "bucket", "Key": "a/b/c.txt"}
    assert match_uri(get_object, "/bucket/dir/") == {"Bucket": "bucket", "Key": "dir/"}
    assert match_uri(get_object, "/bucket/sp%20ace") == {"Bucket": "bucket", "Key": "sp ace"}
    assert match_uri(get_object, "/bucket") is None


def test_literal_query_keys_must_be_present() -> None:
    tagging = _op("s3", "GetObjectTagging")  # /{Bucket}/{Key+}?tagging
    assert match_uri(tagging, "/b/k", "") is None
    assert match_uri(tagging, "/b/k", "tagging") == {"Bucket": "b", "Key": "k"}
    assert match_uri(tagging, "/b/k", "versionId=1&tagging=") == {"Bucket": "b", "Key": "k"}
    v2 = _op("s3", "ListObjectsV2")  # /{Bucket}?list-type=2
    assert match_uri(v2, "/b", "list-type=2&prefix=x") == {"Bucket": "b"}
    assert match_uri(v2, "/b", "list-type=1") is None


def test_trailing_slash_is_optional_outside_greedy_labels() -> None:
    list_functions = _op("lambda", "ListFunctions")  # /2015-03-31/functions/
    assert match_uri(list_functions, "/2015-03-31/functions/") == {}
    assert match_uri(list_functions, "/2015-03-31/functions") == {}
    get_function = _op("lambda", "GetFunction")  # /2015-03-31/functions/{FunctionName}
    assert match_uri(get_function, "/2015-03-31/functions/f/") == {"FunctionName": "f"}


def test_template_specificity() -> None:
    literal = parse_template("/2015-03-31/functions/{FunctionName}/configuration")
    label_only = parse_template("/2015-03-31/functions/{FunctionName}")
    greedy = parse_template("/{Bucket}/{Key+}")
    with_query = parse_template("/{Bucket}/{Key+}?tagging")
    assert literal.specificity() < label_only.specificity() < greedy.specificity()
    assert with_query.specificity() < greedy.specificity()


@pytest.mark.parametrize(
    ("service", "method", "path", "query", "expected", "params"),
    [
        ("lambda", "GET", "/2015-03-31/functions/", "", "ListFunctions", {}),
        ("lambda", "GET", "/2015-03-31/functions/f", "", "GetFunction", {"FunctionName": "f"}),
        (
            "lambda",
            "GET",
            "/2015-03-31/functions/f/configuration",
            "Qualifier=1",
            "GetFunctionConfiguration",
            {"FunctionName": "f"},
        ),
        ("s3", "GET", "/b", "", "ListObjects", {"Bucket": "b"}),
        ("s3", "GET", "/b", "list-type=2", "ListObjectsV2", {"Bucket": "b"}),
        ("s3", "GET", "/b/k/x", "tagging", "GetObjectTagging", {"Bucket": "b", "Key": "k/x"}),
        ("s3", "GET", "/b/k/x", "", "GetObject", {"Bucket": "b", "Key": "k/x"}),
        # two templates are the same; the deprecated operation loses
        ("s3", "GET", "/b", "lifecycle", "GetBucketLifecycleConfiguration", {"Bucket": "b"}),
    ],
)
def test_most_specific_template_wins(
    service: str, method: str, path: str, query: str, expected: str, params: dict[str, str]
) -> None:
    found = find_operation(_ranked(service, method), path, query)
    assert found is not None
    assert (found[0].name, found[1]) == (expected, params)


def test_no_match() -> None:
    assert find_operation(_ranked("lambda", "GET"), "/nothing/here", "") is None
