"""What the hostile files of issue 12 cost to check: peak memory (max RSS of a fresh process)
for the 16-bit RGBA PNG of 6300 x 6300, a big JPEG under a lowered budget, and the time of the
reported pattern (a+)+b with Python's re against the portal's pattern matching.

    .venv/bin/python bench/bench_upload_checks.py [--length 24]

Each image is checked in a child process of its own (``--child``) so its max RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


#: case: (file, name, check_upload arguments)
CASES = {
    "png16": ("png16", "a.png", {}),
    "png16_no_budget": ("png16", "a.png", {"max_decoded_bytes": 10**12}),  # as before the fix
    "jpeg_full": ("jpeg", "a.jpg", {}),
    "jpeg_budget": ("jpeg", "a.jpg", {"max_decoded_bytes": 6000 * 4000 * 4 // 4}),
}


def make_files(folder: Path) -> None:
    from tests.fixtures_files import make_jpeg, png_deep_bytes

    (folder / "png16").write_bytes(png_deep_bytes(6300, 6300, bit_depth=16, color_type=6))
    (folder / "jpeg").write_bytes(make_jpeg(6000, 4000))


def child(case: str, folder: Path) -> None:
    from portal import create_app
    from portal.storage import FileKind, UploadRejected, check_upload
    from tests.fixtures_files import as_upload

    file, name, kwargs = CASES[case]
    payload = (folder / file).read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            "test",
            UPLOAD_ROOT=Path(tmp) / "u",
            MAIL_DIR=Path(tmp) / "m",
            INSTANCE_DIR=Path(tmp),
            SQLALCHEMY_DATABASE_URI="sqlite://",
        )
        with app.app_context():
            base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            start = time.perf_counter()
            try:
                checked = check_upload(
                    as_upload(payload, name, "image/png"),
                    {FileKind.PNG, FileKind.JPEG},
                    60 * 1024 * 1024,
                    **kwargs,
                )
                outcome = f"accepted {checked.width}x{checked.height}"
            except UploadRejected as exc:
                outcome = f"refused: {exc.code}"
            seconds = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "case": case,
                "file_kb": len(payload) // 1024,
                "outcome": outcome,
                "seconds": round(seconds, 3),
                "extra_rss_mb": round((peak - base) / 1024, 1),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--folder")
    parser.add_argument("--length", type=int, default=24)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.folder))
        return
    with tempfile.TemporaryDirectory() as folder:
        make_files(Path(folder))
        for case in CASES:
            out = subprocess.run(
                [sys.executable, __file__, "--child", case, "--folder", folder],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{row['case']:16} {row['file_kb']:>6} KB  {row['outcome']:28} "
                f"{row['seconds']:>7.3f} s  +{row['extra_rss_mb']} MB RSS"
            )

    from portal.catalogue.formspec.patterns import pattern_matches

    text = "a" * args.length
    start = time.perf_counter()
    re.fullmatch("(a+)+b", text)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    pattern_matches("(a+)+b", text)
    ours = time.perf_counter() - start
    print(f"(a+)+b on {args.length} characters: re {plain:.3f} s, portal {ours:.4f} s")


if __name__ == "__main__":
    main()
