"""The walk through the portal: one function per stage, as a sample applicant of one
category, each narrating what it shows (``STAGE_WALKS`` in order). The form pages and documents
stages are in ``walk_forms``."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from portal.recorder import office, samples
from portal.recorder.filming import NAV_TIMEOUT_MS, Filming, RecorderError
from portal.recorder.script import bilingual, fill_in, press, quote, say
from portal.recorder.walk_forms import _fill_form, _upload_button, _upload_documents


@dataclass
class Walk:
    """What the walk needs to know of the category and the scratch portal."""

    portal: Any  # ScratchPortal
    category_slug: str
    name_id: str
    name_en: str
    time_limit_days: int
    spec: Any  # FormSpec of the published version
    answers: dict[str, Any]
    email: str
    application_id: int | None = None


def _register(f: Filming, w: Walk) -> None:
    f.begin("register")
    f.goto(f"{w.portal.url}/register")
    f.step(
        "main h1",
        say(
            "Pertama, buat akun. Siapkan KTP Anda.",
            "First, create an account. Have your identity card (KTP) ready.",
        ),
        pointer=False,
    )
    values = {
        "#full_name": samples.APPLICANT["full_name"],
        "#email": w.email,
        "#nik": samples.APPLICANT["nik"],
        "#phone": samples.APPLICANT["phone"],
    }
    for selector, value in values.items():
        f.step(selector, lambda q: fill_in(q, q), during=functools.partial(f.type_into, selector, value))
    f.step(
        "#password",
        lambda q: fill_in(
            q, q, "Buat yang panjang dan mudah Anda ingat", "Make it long and easy for you to remember"
        ),
        during=lambda: f.type_into("#password", samples.APPLICANT["password"]),
    )
    f.step(
        "#privacy_consent",
        say(
            "Baca pemberitahuan privasi, lalu centang persetujuan.",
            "Read the privacy notice, then tick the consent box.",
        ),
        during=lambda: f.page.check("#privacy_consent"),
    )
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')
    f.step(
        "main h1",
        say(
            "Kami mengirim email. Buka email itu, lalu tekan tautannya.",
            "We send you an email. Open it, then press its link.",
        ),
        pointer=False,
    )
    f.goto(w.portal.mail_link(w.email, "/confirm-email/"))
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')


def _login(f: Filming, w: Walk) -> None:
    f.begin("login")
    if "/login" not in f.page.url:
        f.goto(f"{w.portal.url}/login")

    def both() -> None:
        f.type_into("#email", w.email)
        f.type_into("#password", samples.APPLICANT["password"])

    q_email, q_password = quote(f.label_of("#email")), quote(f.label_of("#password"))
    f.step(
        "main form",
        say(
            f"Untuk masuk, isi {q_email} dan {q_password}.", f"To log in, fill in {q_email} and {q_password}."
        ),
        during=both,
        pointer=False,
    )
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')


def _search_word(name: str) -> str:
    words = [
        w
        for w in re.findall(r"\w+", name)
        if len(w) > 3
        and w.lower()
        not in {"surat", "izin", "keterangan", "permit", "letter", "licence", "license", "tanda", "daftar"}
    ]
    return (words[-1] if words else name.split()[0]).lower()


def _choose_category(f: Filming, w: Walk) -> None:
    f.begin("choose_category")
    link = 'main a[href="/permits"]'
    f.step(link, lambda q: say(f"Di Beranda Saya, tekan {q}.", f"On your dashboard, press {q}."))
    f.click(link)
    name = w.name_en if f.lang == "en" else w.name_id
    word = _search_word(name)
    f.step(
        "#q",
        lambda q: say(
            f"Ketik satu kata dari nama izin di kolom {q}, misalnya {word}.",
            f"Type a word of the permit's name in {q}, for example {word}.",
        ),
        during=lambda: f.type_into("#q", word),
    )
    search = 'form[role="search"] button[type="submit"]'
    f.step(search, press)
    f.click(search)
    result = f'main a[href="/permits/{w.category_slug}"]'
    if f.page.locator(result).count() == 0:
        f.goto(f"{w.portal.url}/permits")
    q_id, q_en = bilingual(w.name_id, w.name_en, f.lang)
    f.step(result, say(f"Pilih {q_id}.", f"Choose {q_en}."))
    f.click(result)


def _list(labels: list[str], lang: str, limit: int = 3) -> str:
    shown = [quote(x) for x in labels[:limit]]
    rest = len(labels) - len(shown)
    if rest > 0:
        shown.append(f"dan {rest} lainnya" if lang == "id" else f"and {rest} more")
    if len(shown) == 1:
        return shown[0]
    joiner = " dan " if lang == "id" else " and "
    return ", ".join(shown[:-1]) + joiner + shown[-1]


def _requirements(f: Filming, w: Walk) -> None:
    f.begin("requirements")
    f.step(
        "#standard-title",
        say(
            f"Baca dulu standar pelayanannya. Izin ini selesai dalam {w.time_limit_days} hari kerja.",
            f"Read the service standard first. This permit takes {w.time_limit_days} working days.",
        ),
        pointer=False,
    )
    required = [d for d in w.spec.documents if d.required]
    if required:
        lang_labels = (
            [d.label_en or d.label_id for d in required] if f.lang == "en" else [d.label_id for d in required]
        )
        f.step(
            "#docs-title",
            say(
                f"Siapkan dokumen wajib: {_list(lang_labels, 'id')}.",
                f"Prepare the required documents: {_list(lang_labels, 'en')}.",
            ),
        )
    start = 'main form[action$="/apply"] button[type="submit"]'
    f.step(start, lambda q: say(f"Bila sudah siap, tekan {q}.", f"When you are ready, press {q}."))
    f.click(start)
    if f.page.url.split("?")[0].endswith("/apply/holder"):
        # A permit a business may hold asks who will hold it; the scratch applicant has no
        # business, so "myself" is chosen already.
        holder = 'main form[action$="/apply/holder"] button[type="submit"]'
        f.step(
            holder,
            lambda q: say(
                f"Pilih siapa pemegang izin: Anda sendiri atau usaha Anda. Lalu tekan {q}.",
                f"Choose who will hold the permit: yourself or your business. Then press {q}.",
            ),
        )
        f.click(holder)
    match = re.search(r"/applications/(\d+)", f.page.url)
    if not match:
        raise RecorderError(f"starting the application did not open its pages ({f.page.url})")
    w.application_id = int(match.group(1))
    cont = "main a.btn-primary"
    f.step(cont, lambda q: say(f"Baca ringkasannya, lalu tekan {q}.", f"Read the summary, then press {q}."))
    f.click(cont)


def _review_submit(f: Filming, w: Walk) -> None:
    f.begin("review_submit")
    change = 'main h2 + a[href*="/form/"], main h2 + a[href$="/documents"]'
    f.step(
        change if f.page.locator(change).count() else "main h1",
        lambda q: say(
            f"Periksa lagi semua jawaban dan dokumen. Ada yang salah? Tekan {q}.",
            f"Check all your answers and documents again. Something wrong? Press {q}.",
        ),
    )
    f.step(
        "#declaration",
        lambda q: say(f"Centang pernyataan {q}.", f"Tick the statement {q}."),
        during=lambda: f.page.check("#declaration"),
    )
    submit = 'main form button[type="submit"]'
    f.step(submit, press)
    f.click(submit)
    if "/confirmation" not in f.page.url:
        raise RecorderError(f"submitting did not confirm ({f.page.url})")
    f.step(
        ".tracking-number",
        say(
            "Catat Nomor Registrasi Anda. Nomor ini juga dikirim ke email Anda.",
            "Write down your tracking number. It is also sent to your email.",
        ),
    )


def _track_status(f: Filming, w: Walk) -> None:
    f.begin("track_status")
    follow = f'main a[href$="/applications/{w.application_id}"]'
    f.step(follow, press)
    f.click(follow)
    f.step(
        "main .badge",
        say("Di sini Anda melihat status permohonan.", "Here you see the status of your application."),
    )
    if f.page.locator("main ol.timeline").count():
        f.step(
            "main ol.timeline",
            say(
                "Riwayatnya tercatat di bawah, dengan tanggalnya.",
                "Its history is listed below, with the dates.",
            ),
            pointer=False,
        )


def _flagged_field(w: Walk):
    """The answer the officer asks to fix: an address or longer text first (adding to it keeps
    it valid), else a plain text answer."""
    for types in (("textarea", "address"), ("text",)):
        for fs in w.spec.fields:
            if fs.required and fs.type in types and not fs.pattern and w.spec.visible(fs, w.answers):
                return fs
    return None


def _respond_correction(f: Filming, w: Walk) -> None:
    field_spec = _flagged_field(w)
    assert w.application_id is not None
    office.ask_for_correction(
        w.portal,
        w.application_id,
        field_spec.key if field_spec else None,
        w.spec.documents[0].key if w.spec.documents and field_spec is None else None,
    )
    f.begin("respond_correction")
    f.goto(f"{w.portal.url}/applications/{w.application_id}")
    f.step(
        "main .badge",
        say(
            "Bila petugas meminta perbaikan, statusnya berubah dan ada pesan untuk Anda.",
            "When the office asks for corrections, the status changes and there is a message for you.",
        ),
    )
    fix = 'main a[href$="/correction"]'
    f.step(fix, press)
    f.click(fix)
    f.step(
        ".message-from-office",
        say(
            "Baca pesan petugas. Perbaiki hanya yang diminta.",
            "Read the officer's message. Fix only what is asked.",
        ),
        pointer=False,
    )
    if field_spec is not None:
        new_value = samples.as_typed(w.answers[field_spec.key]) + " RT 007"
        if field_spec.max_length:
            new_value = new_value[: field_spec.max_length]
        q_id, q_en = bilingual(field_spec.label_id, field_spec.label_en, f.lang)
        f.step(
            f"#f-{field_spec.key}",
            say(f"Ubah isi {q_id}.", f"Change {q_en}."),
            during=lambda: f.type_into(f"#f-{field_spec.key}", new_value),
        )
    else:
        doc = w.spec.documents[0]
        name, data = samples.sample_file(doc.label_id, list(doc.allowed_types))
        path = f.workdir / ("baru-" + name)
        path.write_bytes(data)
        f.page.set_input_files(f"#file-{doc.key}", str(path))
        f.click(_upload_button(doc.key))
    resubmit = 'button[form="correction-form"][value="resubmit"]'
    f.step(resubmit, lambda q: say(f"Lalu tekan {q}.", f"Then press {q}."))
    f.click(resubmit)


def _download_permit(f: Filming, w: Walk) -> None:
    assert w.application_id is not None
    office.approve(w.portal, w.application_id)
    f.begin("download_permit")
    f.goto(f"{w.portal.url}/applications/{w.application_id}")
    link = 'main a[href$="/permit.pdf"]'
    f.step(
        "main .badge",
        say(
            "Bila statusnya Disetujui, izin Anda sudah terbit.",
            "When the status is Approved, your permit is issued.",
        ),
    )

    def download() -> None:
        with f.page.expect_download(timeout=NAV_TIMEOUT_MS):
            f.page.locator(link).first.click()

    f.step(
        link,
        lambda q: say(
            f"Tekan {q} untuk menyimpan izin Anda sebagai PDF.", f"Press {q} to save your permit as a PDF."
        ),
        during=download,
    )
    f.step(
        link,
        say(
            "Siapa saja dapat mengecek keabsahan izin lewat kode QR di dalamnya.",
            "Anyone can check the permit with the QR code on it.",
        ),
        pointer=False,
    )
    f.clear()


STAGE_WALKS = [
    _register,
    _login,
    _choose_category,
    _requirements,
    _fill_form,
    _upload_documents,
    _review_submit,
    _track_status,
    _respond_correction,
    _download_permit,
]
