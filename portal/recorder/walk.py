"""The walk through the portal: one function per stage, as a sample applicant of one
category, each narrating what it shows (``STAGE_WALKS`` in order)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from portal.recorder import office, samples
from portal.recorder.filming import (
    MAX_NARRATED_DOCUMENTS,
    MAX_NARRATED_FIELDS,
    MAX_NARRATED_PAGES,
    NAV_TIMEOUT_MS,
    Filming,
    RecorderError,
)
from portal.recorder.script import (
    bilingual,
    clean_label,
    fill_in,
    press,
    quote,
    say,
    shorten,
)


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
    match = re.search(r"/applications/(\d+)", f.page.url)
    if not match:
        raise RecorderError(f"starting the application did not open its pages ({f.page.url})")
    w.application_id = int(match.group(1))
    cont = "main a.btn-primary"
    f.step(cont, lambda q: say(f"Baca ringkasannya, lalu tekan {q}.", f"Read the summary, then press {q}."))
    f.click(cont)


def _fill_field(f: Filming, field_spec, value, *, narrate: bool, intro: dict[str, str] | None = None) -> None:
    fid = f"#f-{field_spec.key}"
    kind = field_spec.type
    page = f.page

    def act() -> None:
        if kind == "select":
            page.select_option(fid, str(value))
        elif kind == "radio" or (kind == "checkbox" and field_spec.options):
            wanted = [str(v) for v in (value if isinstance(value, list) else [value])]
            for i, option in enumerate(field_spec.options, start=1):
                if str(option.get("value")) in wanted:
                    page.check(f"{fid}-{i}")
        elif kind == "checkbox":
            page.check(fid)
        elif kind == "date":
            page.locator(fid).fill(str(value))
        else:
            f.type_into(fid, samples.as_typed(value))

    if not narrate:
        act()
        return
    q_id, q_en = bilingual(field_spec.label_id, field_spec.label_en, f.lang)
    if kind in ("select", "radio") or (kind == "checkbox" and field_spec.options):
        text = say(f"Pilih {q_id}.", f"Choose {q_en}.")
    else:
        text = say(f"Isi {q_id}.", f"Fill in {q_en}.")
    help_id = field_spec.help_id or field_spec.help_en
    help_en = field_spec.help_en or field_spec.help_id
    if help_id:
        text["id"] += f" {shorten(help_id, 120).rstrip('.')}."
        text["en"] += f" {shorten(help_en, 120).rstrip('.')}."
    if intro:
        text = {lang: f"{intro[lang]} {text[lang]}" for lang in ("id", "en")}
    f.step(fid, text, during=act)


def _press_and_saved(q: str) -> dict[str, str]:
    return say(f"Tekan {q}. Draf Anda tersimpan.", f"Press {q}. Your draft is saved.")


def _fill_form(f: Filming, w: Walk) -> None:
    pages = w.spec.pages
    if not pages:
        return
    f.begin("fill_form")
    button = "main form button[name=action][value=continue]"
    for number, form_page in enumerate(pages, start=1):
        narrate = number <= MAX_NARRATED_PAGES
        q_id, q_en = bilingual(form_page.title_id, form_page.title_en, f.lang)
        intro = say(f"Halaman {number} dari {len(pages)}: {q_id}.", f"Page {number} of {len(pages)}: {q_en}.")
        if number == MAX_NARRATED_PAGES + 1:
            f.step(
                "main h1",
                say(
                    f"Isi halaman berikutnya dengan cara yang sama, sampai halaman {len(pages)}.",
                    f"Fill in the next pages the same way, up to page {len(pages)}.",
                ),
                pointer=False,
            )
        visible = [fs for fs in form_page.fields if w.spec.visible(fs, w.answers)]
        required = [fs for fs in visible if fs.required]
        if narrate and not required:
            f.step("main h1", intro, pointer=False)
        for index, field_spec in enumerate(required):
            _fill_field(
                f,
                field_spec,
                w.answers[field_spec.key],
                narrate=narrate and index < MAX_NARRATED_FIELDS,
                intro=intro if narrate and index == 0 else None,
            )
        if narrate and len(required) > MAX_NARRATED_FIELDS:
            f.step(
                button,
                say("Isi juga kolom wajib lainnya.", "Fill in the other required boxes too."),
                pointer=False,
            )
        optional = [fs for fs in visible if not fs.required]
        if narrate and number == 1 and optional:
            f.step(
                f'label[for="f-{optional[0].key}"] span, #f-{optional[0].key} legend span',
                lambda q: say(
                    f"Kolom bertanda {q} boleh dikosongkan.", f"Boxes marked {q} may be left empty."
                ),
            )
        if narrate:
            f.step(button, _press_and_saved if number == 1 else press)
        f.click(button)
        errors = f.page.locator("#error-summary")
        if errors.count():
            raise RecorderError(
                f"the form page {form_page.key} refused the sample answers: "
                + clean_label(errors.first.inner_text())
            )


def _upload_button(doc_key: str) -> str:
    """The slot's upload button (not its "Remove" buttons)."""
    return (
        f'section.document-slot[aria-labelledby="doc-{doc_key}-title"] '
        'form[enctype="multipart/form-data"] button[type="submit"]'
    )


def _upload_documents(f: Filming, w: Walk) -> None:
    f.begin("upload_documents")
    if "/documents" not in f.page.url:
        raise RecorderError(f"expected the documents page, got {f.page.url}")
    required = [d for d in w.spec.documents if d.required]
    if not required:
        f.step(
            "main h1",
            say(
                "Permohonan ini tidak memerlukan dokumen wajib.",
                "This application needs no required documents.",
            ),
            pointer=False,
        )
    for index, doc in enumerate(required):
        narrate = index < MAX_NARRATED_DOCUMENTS
        name, data = samples.sample_file(doc.label_id, list(doc.allowed_types))
        path = f.workdir / name
        path.write_bytes(data)
        file_input = f"#file-{doc.key}"
        slot = f'section.document-slot[aria-labelledby="doc-{doc.key}-title"]'
        if narrate:
            q_id, q_en = bilingual(doc.label_id, doc.label_en, f.lang)
            q_choose = quote(f.label_of(f'label[for="file-{doc.key}"]'))
            lead_id = "Setiap dokumen punya tempatnya sendiri. " if index == 0 else ""
            lead_en = "Each document has its own place. " if index == 0 else ""
            f.step(
                file_input,
                say(
                    f"{lead_id}{q_id}: tekan {q_choose}, lalu pilih foto atau PDF-nya. "
                    "Berkas langsung dikirim; tunggu sampai selesai.",
                    f"{lead_en}{q_en}: press {q_choose}, then pick the photo or PDF. "
                    "It is sent at once; wait until it is done.",
                ),
                during=functools.partial(f.page.set_input_files, file_input, str(path)),
            )
        else:
            f.page.set_input_files(file_input, str(path))
        # The documents page sends a chosen file by itself (documents.js) and redraws the card.
        try:
            f.page.locator(f"{slot} .badge.text-bg-success").first.wait_for(timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - Playwright's timeout, said plainly
            raise RecorderError(f"the sample file for {doc.key} was not accepted") from exc
    if len(required) > MAX_NARRATED_DOCUMENTS:
        f.step(
            "main h1",
            say(
                "Unggah dokumen wajib lainnya dengan cara yang sama.",
                "Upload the other required documents the same way.",
            ),
            pointer=False,
        )
    optional = [d for d in w.spec.documents if not d.required]
    if optional:
        f.step(
            f"#doc-{optional[0].key}-title .badge",
            lambda q: say(
                f"Dokumen bertanda {q} boleh tidak diunggah.", f"Documents marked {q} may be left out."
            ),
        )
    cont = 'button[name="action"][value="continue"]'
    f.step(cont, press)
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
