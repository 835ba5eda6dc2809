"""Regenerate generated_examples/ (the golden outputs of `scaffold new-model`) in place.

    python scripts/refresh_examples.py          # rewrite them
    python scripts/refresh_examples.py --check  # exit 1 with a diff when they are stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scaffold.examples import EXAMPLES, plan_example
from scaffold.writer import compare, write_new_tree

ROOT = Path(__file__).resolve().parent.parent / "generated_examples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = 0
    for example in EXAMPLES:
        plan = plan_example(example, ROOT)
        if args.check:
            changed = [o for o in compare(plan) if o.diff or o.status.value == "create"]
            stale += len(changed)
            for outcome in changed:
                print(outcome.diff or f"missing: {plan.root / outcome.path}")
        else:
            write_new_tree(plan, force=True)
            print(f"wrote {plan.root} ({len(plan.files)} files)")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
