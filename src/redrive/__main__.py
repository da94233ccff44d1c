"""``python -m redrive`` is the ``redrive`` command."""

import sys

from redrive.cli import main

sys.exit(main())
