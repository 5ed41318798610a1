"""Deadline alerts and workload: the daily digest to officers and approvers (due within 2
working days, overdue; once a day; not on weekends or holidays) and the per-officer workload
on the queue."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from portal.applications import services as app_services
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.backoffice.digest import send_deadline_digests
from portal.calendar import clock
from portal.calendar.models import Holiday
from portal.extensions import db
from portal.notifications.models import Notice, OutboxEmail
from tests.conftest import login, make_user
from tests.factories import make_category

MONDAY = date(2031, 3, 3)  # a Monday without a seeded holiday
_n = iter(range(1, 10**6))


def _app(category, due: date, officer=None, status=S.SUBMITTED):
    application = app_services.start_application(make_user(Role.APPLICANT), category)
    application.status = status
    application.tracking_number = f"SP-2031-{next(_n):06d}"
    application.due_date = due
    application.assigned_officer_id = officer.id if officer else None
    db.session.commit()
    return application


@pytest.fixture
def office():
    """Two officers and an approver; applications of each kind of deadline around ``today``."""
    category = make_category()
    ani, budi = (
        make_user(Role.OFFICER, full_name="Ani Petugas"),
        make_user(Role.OFFICER, full_name="Budi Petugas"),
    )
    approver = make_user(Role.APPROVER)
    return category, ani, budi, approver


def _fill(category, ani, budi, today):
    later = clock.add_working_days(today, 5)
    soon = clock.add_working_days(today, 2)
    return {
        "ani_late": _app(category, today - timedelta(days=3), ani),
        "ani_soon": _app(category, soon, ani),
        "ani_today": _app(category, today, ani),
        "ani_later": _app(category, later, ani),
        "ani_paused": _app(category, today - timedelta(days=3), ani, S.NEEDS_CORRECTION),
        "ani_done": _app(category, today - timedelta(days=3), ani, S.APPROVED),
        "budi_later": _app(category, later, budi),
        "budi_soon": _app(category, clock.add_working_days(today, 1), budi),
        "nobody_late": _app(category, today - timedelta(days=1)),
        "nobody_after": _app(category, clock.add_working_days(today, 3)),
    }


def _digest(user) -> OutboxEmail | None:
    return db.session.scalar(
        select(OutboxEmail).where(
            OutboxEmail.user_id == user.id, OutboxEmail.dedupe_key.like("deadline-digest:%")
        )
    )


def test_each_officer_gets_her_own_and_the_unassigned_deadlines(office):
    category, ani, budi, approver = office
    apps = _fill(category, ani, budi, MONDAY)
    report = send_deadline_digests(MONDAY)
    db.session.commit()
    assert report.sent == 3

    def numbers(mail, keys):
        return {apps[k].tracking_number for k in keys if apps[k].tracking_number in mail.body}

    everyone = set(apps)
    mail = _digest(ani)
    assert numbers(mail, everyone) == {
        apps[k].tracking_number for k in ("ani_late", "ani_soon", "ani_today", "nobody_late")
    }
    assert "2 terlambat" in mail.subject or "2 overdue" in mail.subject
    mail = _digest(budi)
    assert numbers(mail, everyone) == {apps[k].tracking_number for k in ("budi_soon", "nobody_late")}
    mail = _digest(approver)
    assert numbers(mail, everyone) == {
        apps[k].tracking_number for k in ("ani_late", "ani_soon", "ani_today", "budi_soon", "nobody_late")
    }
    assert (
        db.session.scalars(select(Notice).where(Notice.user_id == ani.id))
        .first()
        .link.startswith("/office/queue")
    )


def test_the_digest_goes_out_once_a_day(office):
    category, ani, budi, approver = office
    _fill(category, ani, budi, MONDAY)
    assert send_deadline_digests(MONDAY).sent == 3
    db.session.commit()
    assert send_deadline_digests(MONDAY).sent == 0  # the second run of the day
    db.session.commit()
    assert send_deadline_digests(MONDAY + timedelta(days=1)).sent == 3  # the next day, again
    db.session.commit()
    assert len(db.session.scalars(select(OutboxEmail).where(OutboxEmail.user_id == ani.id)).all()) == 2


@pytest.mark.parametrize("day", ["saturday", "sunday", "holiday"])
def test_no_digest_on_days_the_office_is_closed(office, day):
    category, ani, budi, approver = office
    if day == "holiday":
        db.session.add(Holiday(day=MONDAY, name="Hari libur uji"))
        db.session.commit()
        when = MONDAY
    else:
        when = MONDAY - timedelta(days=2 if day == "saturday" else 1)
    _fill(category, ani, budi, when)
    db.session.expire_all()
    report = send_deadline_digests(when)
    assert report.sent == 0 and report.skipped_day


def test_nobody_with_nothing_due_is_emailed(office):
    category, ani, budi, approver = office
    _app(category, clock.add_working_days(MONDAY, 6), ani)
    inactive = make_user(Role.OFFICER)
    inactive.is_active_account = False
    db.session.commit()
    assert send_deadline_digests(MONDAY).sent == 0


def _row(html: str, name: str) -> list[str]:
    table = html[html.index("workload-table") :]
    table = table[: table.index("</table>")]
    row = next(r for r in table.split("<tr") if name in r)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_queue_shows_each_officers_workload(client, office):
    category, ani, budi, approver = office
    _fill(category, ani, budi, clock.office_today())
    login(client, approver.email)
    html = client.get("/office/queue?lang=id").get_data(as_text=True)
    assert "Beban kerja per petugas" in html
    assert _row(html, "Ani Petugas") == ["4", "2", "1"]  # open, due soon, overdue
    assert _row(html, "Budi Petugas") == ["2", "1", "0"]
    assert _row(html, "Belum ditugaskan") == ["2", "0", "1"]


def _listed(mail, apps) -> list[str]:
    """The tracking numbers of ``apps`` the email lists, in the email's order."""
    numbers = {a.tracking_number for a in apps}
    return [n for n in re.findall(r"SP-2031-\d{6}", mail.body) if n in numbers]


def _query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/office/queue"
    return dict(parse_qsl(parts.query))


def _links(mail) -> list[dict[str, str]]:
    return [_query(url) for url in re.findall(r"https?://\S+/office/queue\S*", mail.body)]


def test_a_long_digest_lists_the_most_overdue_twenty_and_counts_the_rest(office):
    category, ani, budi, approver = office
    # 30 overdue, from 1 to 30 days late, made in a shuffled order of lateness
    late = [_app(category, MONDAY - timedelta(days=d), ani) for d in (*range(15, 31), *range(1, 15))]
    by_lateness = sorted(late, key=lambda a: a.due_date)  # the most overdue first
    report = send_deadline_digests(MONDAY)
    db.session.commit()
    assert report.sent == 2  # Ani and the approver; Budi holds nothing due

    mail = _digest(ani)  # in Indonesian
    assert _listed(mail, late) == [a.tracking_number for a in by_lateness[:20]]
    assert "30 terlambat" in mail.subject
    assert "Dan 10 lainnya." in mail.body
    assert {"due": "overdue", "assigned": "me"} in _links(mail)
    assert {"due": "overdue", "assigned": "unassigned"} in _links(mail)
    assert all(link.get("due") != "soon" for link in _links(mail))  # nothing due soon: no such part


def test_the_approvers_digest_lists_twenty_of_each_kind_with_the_true_totals(office):
    category, ani, budi, approver = office
    approver.locale = "en"
    late = [_app(category, MONDAY - timedelta(days=d), ani if d % 2 else None) for d in range(1, 31)]
    soon_days = [MONDAY, clock.add_working_days(MONDAY, 1), clock.add_working_days(MONDAY, 2)]
    soon = [_app(category, soon_days[i % 3], budi) for i in range(25)]
    send_deadline_digests(MONDAY)
    db.session.commit()

    mail = _digest(approver)
    assert "30 overdue, 25 due soon" in mail.subject
    assert _listed(mail, late) == [a.tracking_number for a in sorted(late, key=lambda a: a.due_date)[:20]]
    assert _listed(mail, soon) == [
        a.tracking_number for a in sorted(soon, key=lambda a: (a.due_date, a.id))[:20]
    ]
    assert "And 10 more." in mail.body and "And 5 more." in mail.body
    assert _links(mail) == [{"due": "overdue"}, {"due": "soon"}]

    # Budi: his 25 due soon, none overdue (the 15 unassigned overdue ones are his to claim too)
    mail = _digest(budi)
    assert "15 terlambat, 25 segera jatuh tempo" in mail.subject
    assert len(_listed(mail, late)) == 15 and len(_listed(mail, soon)) == 20
    assert "Dan 5 lainnya." in mail.body and "Dan 10 lainnya." not in mail.body


@pytest.mark.parametrize(("locale", "text"), [("id", "Dan 280.903 lainnya."), ("en", "And 280,903 more.")])
def test_the_rest_is_counted_in_the_readers_number_format(app, locale, text):
    with app.test_request_context(), force_locale(locale):
        rendered = render_template_string(
            "{{ ngettext('And %(count)s more.', 'And %(count)s more.', n, count=n|number) }}", n=280903
        )
    assert rendered == text
