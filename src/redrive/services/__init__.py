"""One package per AWS service: state, operations and background behaviour."""
