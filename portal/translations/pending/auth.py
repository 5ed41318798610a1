"""Indonesian for the account msgids added after the catalogue was made (merged at integration)."""

T: dict[str, str] = {}
