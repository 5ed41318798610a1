"""Demo permit categories, built from the project's reference data
(portal/data/permit_categories.json: facts gathered from public pages of Indonesian licensing
offices; values marked "inferred" are typical values, fine for a demo).

The JSON lists each category's fields flat; this module turns them into the form engine's
definition: one topic per page, option labels in both languages, the engine's field types,
sensible limits, and a few "show only when" conditions. Idempotent by slug: a category that
already exists is left as it is (its form may have been edited by staff since). The tables
of what each category adds or changes are in ``seed_tables``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.catalogue.formspec import FormSpec, Problem
from portal.catalogue.models import HolderKind, PermitCategory
from portal.catalogue.seed_en import DESCRIPTION_EN, HELP_EN
from portal.catalogue.seed_tables import (
    ADDED_FIELDS,
    CATEGORIES,
    CONDITIONS,
    DATE_RULES,
    DOC_MAX_FILES,
    DOC_SAMPLES,
    DOC_SIZES_MB,
    OPTION_LABELS,
    PAGE_TITLES,
    PREFILL,
    SAMARINDA_DISTRICTS,
    TDUP_FIELDS_EN,
)
from portal.catalogue.services import publish_new_version
from portal.extensions import db

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "permit_categories.json"


def load_reference() -> dict[str, Any]:
    """The reference data shipped with the project."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def _option(value: str) -> dict[str, str]:
    label_id, label_en = OPTION_LABELS.get(value, (value.replace("_", " ").capitalize(),) * 2)
    return {"value": value, "label_id": label_id, "label_en": label_en}


def convert_field(
    raw: dict[str, Any], page: str, order: int, *, business_fields: list[str] | None = None
) -> dict[str, Any]:
    """One field of the reference data as a FieldSpec dict (``business_fields``: the options of
    the tourism business field, from the data)."""
    key = raw["key"]
    kind = raw["type"]
    help_id = raw.get("help_id") or ""
    field: dict[str, Any] = {
        "key": key,
        "label_id": raw["label_id"],
        "label_en": raw.get("label_en", ""),
        "help_id": help_id,
        "help_en": raw.get("help_en") or HELP_EN.get(help_id, ""),
        "required": bool(raw.get("required")),
        "page": page,
        "order": order,
    }
    options = [str(o) for o in raw.get("options") or []]
    if key == "nik":
        kind = "nik"
        field["help_id"], field["help_en"] = "16 digit sesuai e-KTP.", "16 digits, as on your e-KTP."
    elif key == "nib":
        kind = "nib"
        field["help_id"], field["help_en"] = "13 digit dari OSS.", "13 digits, from the OSS system."
    elif key == "npwp":
        kind = "npwp"
    elif kind == "tel":
        kind = "phone"
    elif kind == "currency":
        kind = "rupiah"
    elif kind == "boolean":
        kind, options = "radio", ["ya", "tidak"]
    elif kind == "multiselect":
        kind = "checkbox"
    elif kind == "geo":
        kind = "text"
        field["pattern"] = r"-?[0-9]{1,2}[.,][0-9]{3,8}\s*[,;]\s*-?[0-9]{1,3}[.,][0-9]{3,8}"
        field["pattern_message_id"] = "Tulis lintang dan bujur, contoh: -0.502106, 117.153709"
        field["pattern_message_en"] = "Write the latitude and longitude, for example: -0.502106, 117.153709"
        example = "Lintang, bujur. Contoh: -0.502106, 117.153709"
        field["help_id"] = f"{help_id} {example}" if help_id else example
        field["help_en"] = "Latitude, longitude. Example: -0.502106, 117.153709"
    elif kind == "repeater":
        kind = "textarea"
        field["help_id"] = "Satu nama per baris."
        field["help_en"] = "One name per line."
    elif kind == "number" and (key.endswith("_m2") or key.endswith("_m") or key.endswith("_persen")):
        kind = "decimal"
        field["min"] = 0
        if key.endswith("_persen"):
            field["max"] = 100
    elif kind == "number":
        field["min"] = 0
        if key == "jumlah_lantai":
            field["min"], field["max"] = 1, 200
        if key == "jumlah_sisi":
            field["min"], field["max"] = 1, 8
    if raw.get("pattern") and kind == "text" and "pattern" not in field:
        field["pattern"] = raw["pattern"].removeprefix("^").removesuffix("$")
        if field["pattern"] == "[0-9]{16}":
            field["pattern_message_id"] = "Tulis 16 angka."
            field["pattern_message_en"] = "Enter 16 digits."
    if kind == "select" and not options:
        if key == "kecamatan":
            options = SAMARINDA_DISTRICTS
            field["options"] = [{"value": d, "label_id": d, "label_en": d} for d in options]
        elif key == "kelurahan":
            kind = "text"
        elif key == "bidang_usaha":
            field["options"] = [
                {
                    "value": re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:40],
                    "label_id": label,
                    "label_en": en,
                }
                for label, en in zip(business_fields or [], TDUP_FIELDS_EN, strict=True)
            ]
    if options and "options" not in field:
        field["options"] = [_option(o) for o in options]
    if kind in ("date",) and key in DATE_RULES:
        field["date_rule"] = DATE_RULES[key]
    if key in PREFILL:
        field["prefill"] = PREFILL[key]
    field["type"] = kind
    return field


def build_definition(raw_category: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    """The reference category's fields and documents as a form definition (fields, documents)."""
    slug = raw_category["slug"]
    meta = CATEGORIES[slug]
    by_key = {f["key"]: f for f in raw_category["fields"]}
    by_key.update(meta.get("extra_fields", {}))
    for extra in ADDED_FIELDS.get(slug, []):
        by_key[extra["key"]] = {**extra, "type": extra["type"]}
    pages = dict(meta["pages"])
    listed = {k for keys in pages.values() for k in keys}
    leftover = [k for k in by_key if k not in listed]
    if leftover:
        last = list(pages)[-1]
        pages[last] = [*pages[last], *leftover]
    fields: list[dict] = []
    order = 0
    for page, keys in pages.items():
        first = True
        for key in keys:
            if key not in by_key:
                continue
            order += 10
            field = convert_field(
                by_key[key], page, order, business_fields=raw_category.get("business_fields_id")
            )
            if first:
                field["page_title_id"], field["page_title_en"] = PAGE_TITLES[page]
                first = False
            condition = CONDITIONS.get(slug, {}).get(key)
            if condition:
                controller, value, required = condition
                field["show_if"] = {"field": controller, "equals": value}
                field["required"] = required
            fields.append(field)
    documents = []
    for raw in raw_category["documents"]:
        description_id = raw.get("description_id", "")
        description_en = raw.get("description_en") or DESCRIPTION_EN.get(description_id, "")
        types = []
        for t in raw.get("types") or ["pdf"]:
            t = "jpeg" if t == "jpg" else t
            if t in ("pdf", "jpeg", "png") and t not in types:
                types.append(t)
        documents.append(
            {
                "key": raw["key"],
                "label_id": plain_indonesian(raw["label_id"]),
                "label_en": raw.get("label_en", ""),
                "description_id": plain_indonesian(description_id),
                "description_en": description_en,
                "allowed_types": types,
                "max_mb": DOC_SIZES_MB.get(raw["key"], 5),
                "required": bool(raw.get("required")),
                "max_files": DOC_MAX_FILES.get(raw["key"], 1),
                "sample_key": DOC_SAMPLES.get(raw["key"]),
            }
        )
    return fields, documents


def _months(validity: dict[str, Any]) -> int | None:
    if validity.get("years"):
        return int(validity["years"]) * 12
    if validity.get("months"):
        return int(validity["months"])
    return None


def build_category(raw: dict[str, Any]) -> PermitCategory:
    meta = CATEGORIES[raw["slug"]]
    cost = raw.get("cost") or {}
    handled = raw.get("handled_by") or {}
    validity = raw.get("validity") or {}
    output = raw.get("output") or {}
    description_id = "\n\n".join(x for x in (handled.get("id"), validity.get("label_id")) if x)
    description_en = "\n\n".join(x for x in (handled.get("en"), validity.get("label_en")) if x)
    return PermitCategory(
        slug=raw["slug"],
        code=meta["code"],
        sector=meta["sector"],
        name_id=raw["name_id"],
        name_en=raw["name_en"],
        summary_id=meta["summary_id"],
        summary_en=meta["summary_en"],
        description_id=description_id,
        description_en=description_en,
        time_limit_days=int(raw["time_limit_working_days"]),
        cost_rupiah=int(cost.get("service_fee_idr") or 0),
        cost_note_id=cost.get("label_id", ""),
        cost_note_en=cost.get("label_en", ""),
        legal_basis="\n".join(
            item["title_id"] for item in raw.get("legal_basis", []) if item.get("title_id")
        ),
        output_id=output.get("name_id", ""),
        output_en=output.get("name_en", ""),
        validity_months=_months(validity),
        popularity=meta.get("popularity", 0),
        holder_kind=meta.get("holder", HolderKind.PERSON),
        co_applicant_role_id=meta.get("co_applicant", (None, None))[0],
        co_applicant_role_en=meta.get("co_applicant", (None, None))[1],
        active=True,
    )


_FOTOKOPI = re.compile(r"\b[Ff]otokopi\b")


def plain_indonesian(text: str) -> str:
    """The office's paper-era words made right for uploads: a document is sent as a photo or a
    scan, not a photocopy ("Fotokopi KTP" -> "Foto KTP")."""
    return _FOTOKOPI.sub(lambda m: "Foto" if m.group(0)[0] == "F" else "foto", text)


def seed_categories() -> Iterator[str]:
    """Create the demo categories and version 1 of their forms; skip slugs that exist."""
    data = load_reference()
    existing = set(db.session.scalars(select(PermitCategory.slug)))
    for raw in data["categories"]:
        if raw["slug"] in existing or raw["slug"] not in CATEGORIES:
            continue
        category = build_category(raw)
        db.session.add(category)
        db.session.flush()
        fields, documents = build_definition(raw)
        publish_new_version(category, fields, documents)
        yield f"permit category {category.slug} ({len(fields)} fields, {len(documents)} documents)"
    db.session.commit()


def check_definitions() -> dict[str, list[Problem]]:
    """Problems of every seed definition (empty lists when all is well); for tests."""
    return {
        raw["slug"]: FormSpec.from_version(*build_definition(raw)).validate_definition()
        for raw in load_reference()["categories"]
        if raw["slug"] in CATEGORIES
    }
