"""The demo website: profile pages in Indonesian and English, three officials with portraits,
social links, the logo, hero photo, map and coat of arms, and pictures for two news items.
The pictures (portal/data/site_demo/, drawn by scripts/make_site_images.py) go through the
same picture checks as an admin's upload. Runs once: what exists is left alone."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.auth.models import Role, User, UserRole
from portal.extensions import db
from portal.permits import letterhead
from portal.public import services as news_services
from portal.public.models import News
from portal.site import services
from portal.site.models import Official, ProfilePage, SiteIdentity, SocialLink

DEMO = Path(__file__).resolve().parent.parent / "data" / "site_demo"

PAGES = [
    (
        "about",
        "Tentang kami",
        "About us",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP) melayani perizinan dan "
        "nonperizinan kota dalam satu pintu, di Mal Pelayanan Publik dan secara daring melalui "
        "SatuPintu.\n\nKami melayani warga, pelaku usaha, dan investor: dari izin usaha mikro sampai "
        "persetujuan bangunan gedung.",
        "The One-Stop Investment and Integrated Service Office (DPMPTSP) handles the city's permits "
        "and non-permit services in one place, at the Public Service Mall and online through "
        "SatuPintu.\n\nWe serve residents, businesses and investors: from micro-business permits to "
        "building approvals.",
    ),
    (
        "vision-mission",
        "Visi dan misi",
        "Vision and mission",
        "**Visi:** pelayanan perizinan yang cepat, mudah, transparan, dan tanpa pungutan liar.\n\n"
        "**Misi:**\n\n- menyederhanakan persyaratan dan prosedur;\n- melayani secara daring dan di "
        "satu tempat;\n- memberi kepastian waktu dan biaya;\n- mendengar dan menindaklanjuti pengaduan.",
        "**Vision:** permit services that are fast, easy, transparent and free of illegal fees.\n\n"
        "**Mission:**\n\n- simplify requirements and procedures;\n- serve online and in one place;\n"
        "- give certainty of time and cost;\n- listen to complaints and act on them.",
    ),
    (
        "structure",
        "Struktur organisasi",
        "Organisation structure",
        "Dinas dipimpin oleh Kepala Dinas, dibantu Sekretariat dan tiga bidang: Pelayanan, "
        "Pengaduan, serta Penanaman Modal.",
        "The office is led by the Head of Office, assisted by the Secretariat and three divisions: "
        "Services, Complaints, and Investment.",
    ),
    (
        "service-pledge",
        "Maklumat pelayanan",
        "Service pledge",
        "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan "
        "yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi "
        "sesuai peraturan perundang-undangan yang berlaku.",
        "We hereby pledge to deliver our services according to the published service standards; "
        "if we fail to keep this pledge, we are ready to accept the sanctions set by the law.",
    ),
]
OFFICIALS = [
    ("Drs. Ahmad Rizal, M.Si.", "Kepala Dinas", "Head of Office", "official-1.jpg"),
    ("Sri Wahyuni, S.H.", "Sekretaris", "Secretary", "official-2.jpg"),
    ("Dedi Pratama, S.T.", "Kepala Bidang Pelayanan", "Head of Services", "official-3.jpg"),
]
SOCIAL = [
    ("Instagram", "https://www.instagram.com/dpmptsp.demo"),
    ("Facebook", "https://www.facebook.com/dpmptsp.demo"),
    ("YouTube", "https://www.youtube.com/@dpmptsp.demo"),
]


def _file(name: str) -> FileStorage:
    return FileStorage(io.BytesIO((DEMO / name).read_bytes()), filename=name)


def _admin() -> User | None:
    return db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == Role.ADMIN).order_by(User.id).limit(1)
    )


def seed_site() -> Iterator[str]:
    actor = _admin()
    if actor is None:
        return
    existing = set(db.session.scalars(select(ProfilePage.slug)))
    for position, (slug, title_id, title_en, body_id, body_en) in enumerate(PAGES):
        if slug in existing:
            continue
        page = ProfilePage(slug=slug, position=position, title_id=title_id, title_en=title_en)
        db.session.add(page)
        services.save_profile_page(
            actor,
            page,
            title_id=title_id,
            title_en=title_en,
            body_id=body_id,
            body_en=body_en,
            alt_id="Bagan organisasi: Kepala Dinas, Sekretariat, Bidang Pelayanan, Bidang Pengaduan, "
            "Bidang Penanaman Modal"
            if slug == "structure"
            else "",
            alt_en="Organisation chart: Head of Office, Secretariat, Services, Complaints and "
            "Investment divisions"
            if slug == "structure"
            else "",
            image=_file("structure.png") if slug == "structure" else None,
        )
        yield f"profile page: {slug}"
    if db.session.scalar(select(Official.id).limit(1)) is None:
        for order, (name, pos_id, pos_en, photo) in enumerate(OFFICIALS):
            services.save_official(
                actor,
                None,
                name=name,
                position_id=pos_id,
                position_en=pos_en,
                order=order,
                photo=_file(photo),
            )
            yield f"official: {name}"
    if db.session.scalar(select(SocialLink.id).limit(1)) is None:
        for label, url in SOCIAL:
            services.add_social_link(actor, label, url)
            yield f"social link: {label}"
    if db.session.get(SiteIdentity, 1) is None:
        services.save_identity(
            actor,
            tagline_id="Semua izin kota dalam satu pintu: daring dari rumah, atau di Mal Pelayanan Publik.",
            tagline_en="Every city permit through one door: online from home, or at the Public Service Mall.",
            hero_alt_id="Gedung Mal Pelayanan Publik di tengah kota",
            hero_alt_en="The Public Service Mall building in the city centre",
            logo=_file("logo.png"),
            hero=_file("hero.jpg"),
        )
        services.save_map(
            actor,
            alt_id="Peta: kantor DPMPTSP di Jalan Dahlia No. 81, di sebelah Taman Kota",
            alt_en="Map: the DPMPTSP office at Jalan Dahlia No. 81, next to the City Park",
            upload=_file("map.png"),
        )
        yield "website identity: logo, hero photo, map"
    if letterhead.current_logo() is None:
        letterhead.save_logo(_file("coat-of-arms.png"), actor)
        yield "coat of arms (permit letters and website header)"
    news = list(db.session.scalars(select(News).where(News.image_key.is_(None)).order_by(News.id).limit(2)))
    for item, (picture, alt) in zip(
        news,
        (
            ("news-1.jpg", "Petugas melayani warga di loket Mal Pelayanan Publik"),
            ("news-2.jpg", "Peserta sosialisasi perizinan berusaha di aula dinas"),
        ),
        strict=False,
    ):
        news_services.save_news(actor, item.title, item.body, item=item, image=_file(picture), image_alt=alt)
        yield f"news picture: {item.title}"
    db.session.commit()
