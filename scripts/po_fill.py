"""Fill Indonesian translations into the catalogue from a Python dict file.

Usage: python scripts/po_fill.py TRANSLATIONS.py  (a file defining T = {msgid: msgstr})
Re-extracts nothing: run `make extract-messages` first. Prints msgids still untranslated.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "portal/translations/id/LC_MESSAGES/messages.po"


def main(path: str) -> int:
    table = runpy.run_path(path).get("T", {})
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            message.string = (table[key] if isinstance(message.id, str)
                              else (table[key],) * max(catalog.num_plurals, 1))
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(key)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, no_location=True, sort_output=True)
    for key in missing:
        print("untranslated:", repr(key))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
