#!/usr/bin/env bash
# Install scaffold (editable) with its dependencies, choosing a CPU build of torch only when torch is missing.
# - torch already importable: kept as it is (pyproject asks for a range, torch>=2.4, that it satisfies).
# - torch missing: torch==2.13.0 first, the CPU build these machines keep on local disk; an unpinned torch
#   would pull a multi-GB CUDA build. Set SCAFFOLD_TORCH_SPEC to choose another spec.
# - transformers: an installed 5.x is kept; when it is missing (or SCAFFOLD_PIN_TRANSFORMERS=1, as
#   scripts/test.sh sets), the release in scripts/constraints.txt is installed, the one the goldens were made with.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import torch" >/dev/null 2>&1; then
    "$PYTHON" -m pip install --quiet "${SCAFFOLD_TORCH_SPEC:-torch==2.13.0}"
fi
constraints=()
if [ "${SCAFFOLD_PIN_TRANSFORMERS:-0}" = 1 ] \
    || ! "$PYTHON" -c "import transformers, sys; sys.exit(transformers.__version__.split('.')[0] != '5')" >/dev/null 2>&1; then
    constraints=(-c scripts/constraints.txt)
fi
"$PYTHON" -m pip install --quiet "${constraints[@]}" -e ".[extras]"
