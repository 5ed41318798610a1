"""The second step of a staff login for the benchmarks: the officers ``bench/fill.py`` makes have
the authenticator secret ``BENCH_TOTP_SECRET``; ``second_step`` types its current code after the
password, as an officer reads it off the phone. (A code works once per 30-second step and
officer, so a benchmark logging one officer in twice within that waits for the next step.)"""

from __future__ import annotations

import re
import time

import pyotp

#: The bench officers' authenticator secret (bench data only, never a real account's).
BENCH_TOTP_SECRET = "BENCHOFFICERSTOTPSECRETSATUPINTU"  # noqa: S105 - bench data
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_used: dict[str, int] = {}


def code_for(email: str) -> str:
    """The current code, waiting for the next 30-second step when this officer's was used."""
    totp = pyotp.TOTP(BENCH_TOTP_SECRET)
    while _used.get(email) == totp.timecode(time.time()):
        time.sleep(1)
    _used[email] = totp.timecode(time.time())
    return totp.now()


def second_step(client, email: str, response):
    """After the password's answer ``response`` (Flask test client): pass the code prompt when
    it asks. Returns the last answer."""
    if response.status_code != 302 or not response.headers.get("Location", "").endswith("/login/code"):
        return response
    page = client.get("/login/code").get_data(as_text=True)
    token = _CSRF.search(page).group(1)
    return client.post("/login/code", data={"csrf_token": token, "code": code_for(email)})
