"""Helpers of the wizard tests: what to post on each page of the small wizard form, and files
to upload. (The form and the category, draft and submission factories are tests/factories.py.)"""

from __future__ import annotations

import io

# The form and its factories live in tests/factories.py; imported here for the wizard tests.
from tests.factories import make_category, make_submitted  # noqa: F401

GOOD_PAGES = {
    "business": {"business_name": "Warung Sederhana", "employees": "3", "has_branch": "no"},
    "location": {"start_date": "2020-05-01", "capital": "Rp 1.500.000"},
}


def file_upload(data: bytes, name: str, content_type: str = "application/octet-stream"):
    return (io.BytesIO(data), name, content_type)
