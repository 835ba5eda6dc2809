#!/usr/bin/env bash
# Set up (scripts/install.sh) and run scaffold's test suite. pytest's "no tests collected" (exit 5) is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
SCAFFOLD_PIN_TRANSFORMERS=1 bash scripts/install.sh  # the goldens need the pinned transformers
PYTHON=${PYTHON:-python3}
set +e
"$PYTHON" -m pytest tests -q -p no:cacheprovider "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    exit 1
fi
exit "$code"
