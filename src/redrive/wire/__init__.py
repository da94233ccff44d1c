"""The AWS wire protocols, generic and driven by botocore's service models."""
