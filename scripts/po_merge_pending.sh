#!/usr/bin/env bash
# Re-extract messages and fill Indonesian translations from portal/translations/pending/*.py.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s extract-messages 2>/dev/null
for f in portal/translations/pending/*.py; do
  .venv/bin/python scripts/po_fill.py "$f" > /dev/null
done
.venv/bin/python scripts/po_fill.py /dev/null
