"""Print the judged set's NDCG@10 per class: `python -m tests.relevance.run [-v] [--code DIR] [--json]`.

--code DIR measures another checkout's `locator` (e.g. a `git worktree` of an older commit) against this
judged set: DIR goes first on sys.path before anything imports `locator`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per query")
    parser.add_argument("--code", help="a checkout whose locator package is measured")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if args.code:
        code = str(Path(args.code).resolve())
        sys.path.insert(0, code)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (code, os.environ.get("PYTHONPATH"))))  # child builds
    import logging

    logging.disable(logging.WARNING)
    from tests.relevance.corpus import relevance_app
    from tests.relevance.evaluate import report, run_all, summary

    if args.code:
        os.chdir(code)  # a child build (python -m locator...) imports from its working directory first

    with tempfile.TemporaryDirectory() as tmp, relevance_app(Path(tmp)) as app:
        import locator

        outcomes = run_all(app.test_client())
        print(f"code: {Path(locator.__file__).parent.parent}", file=sys.stderr)
    print(json.dumps(summary(outcomes)) if args.json else report(outcomes, args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
