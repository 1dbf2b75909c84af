"""`python -m tools.demo.index`: JSON posting rows on standard input, their search texts out (see Indexer)."""

from __future__ import annotations

import json
import sys

from tools.demo.load import default_index_text, index_many


def main() -> None:
    """Read the rows, write the texts in the same order."""
    json.dump(index_many(default_index_text(), json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
