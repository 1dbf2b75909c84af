"""`python -m tools.demo` is `python manage.py demo`."""

import sys

from tools.demo import main

sys.exit(main())
