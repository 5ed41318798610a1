"""What the API takes and gives, as marshmallow schemas (the OpenAPI document is made from
them). Unknown fields in a body or a query are refused (marshmallow's default, RAISE): 422."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from portal.applications.models import ApplicationStatus

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ErrorSchema(ma.Schema):
    """Every error under /api/: the same four keys (``errors`` only when fields were refused)."""

    error = ma.fields.String(required=True, metadata={"description": "What went wrong"})
    hint = ma.fields.String(required=True, metadata={"description": "What to do next"})
    status = ma.fields.Integer(required=True, metadata={"description": "The HTTP status"})
    errors = ma.fields.Dict(metadata={"description": "The refused fields, by location and name"})


# -- the catalogue -------------------------------------------------------------------------------
class DocumentRequirementSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label_id = ma.fields.String(required=True)
    label_en = ma.fields.String(required=True)
    description_id = ma.fields.String(required=True)
    description_en = ma.fields.String(required=True)
    required = ma.fields.Boolean(required=True)
    allowed_types = ma.fields.List(ma.fields.String(), required=True)
    max_mb = ma.fields.Float(required=True)
    max_files = ma.fields.Integer(required=True)


class ServiceStandardSchema(ma.Schema):
    time_limit_working_days = ma.fields.Integer(required=True)
    cost_rupiah = ma.fields.Integer(required=True)
    cost_note_id = ma.fields.String(required=True)
    cost_note_en = ma.fields.String(required=True)
    legal_basis = ma.fields.List(ma.fields.String(), required=True)
    output_id = ma.fields.String(required=True)
    output_en = ma.fields.String(required=True)
    validity_months = ma.fields.Integer(required=True, allow_none=True)


class CategorySchema(ma.Schema):
    slug = ma.fields.String(required=True)
    code = ma.fields.String(required=True)
    name_id = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    summary_id = ma.fields.String(required=True)
    summary_en = ma.fields.String(required=True)
    sector = ma.fields.String(required=True)
    service_standard = ma.fields.Nested(ServiceStandardSchema, required=True)
    requirements = ma.fields.List(ma.fields.Nested(DocumentRequirementSchema), required=True)


class CategoryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CategorySchema), required=True)


# -- the status check and permit verification -----------------------------------------------------
class StatusQuerySchema(ma.Schema):
    tracking_number = ma.fields.String(required=True, validate=validate.Length(min=1, max=20))
    email = ma.fields.String(required=True, validate=validate.Length(min=3, max=254))


class StatusSchema(ma.Schema):
    tracking_number = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=validate.OneOf([s.value for s in ApplicationStatus]))
    status_label = ma.fields.String(required=True)
    submitted_at = ma.fields.DateTime(required=True, allow_none=True)
    due_date = ma.fields.Date(required=True, allow_none=True)
    decided_at = ma.fields.DateTime(required=True, allow_none=True)


class PermitCheckSchema(ma.Schema):
    number = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    holder = ma.fields.String(required=True, metadata={"description": "The holder's name, masked"})
    issued_on = ma.fields.Date(required=True)
    valid_until = ma.fields.Date(required=True, allow_none=True)
    state = ma.fields.String(required=True)
    revoked_on = ma.fields.Date(required=True, allow_none=True)
    revocation_reason = ma.fields.String(required=True, allow_none=True)
    signature_valid = ma.fields.Boolean(
        required=True, metadata={"description": "The stored letter's signature is the office's and intact"}
    )
    file_unchanged = ma.fields.Boolean(
        required=True, metadata={"description": "The stored letter is the file recorded at issue"}
    )


# -- partners ------------------------------------------------------------------------------------
class ApplicationQuerySchema(ma.Schema):
    category = ma.fields.String(
        validate=SLUG, metadata={"description": "A category slug in the token's scope"}
    )
    status = ma.fields.String(
        validate=validate.OneOf([s.value for s in ApplicationStatus if s.value != "draft"])
    )
    after = ma.fields.Integer(
        validate=validate.Range(min=0, max=2**31 - 1),
        metadata={"description": "The `next_after` of the previous page"},
    )
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PartnerApplicationSchema(ma.Schema):
    tracking_number = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    submitted_at = ma.fields.DateTime(required=True, allow_none=True)
    due_date = ma.fields.Date(required=True, allow_none=True)
    decided_at = ma.fields.DateTime(required=True, allow_none=True)
    updated_at = ma.fields.DateTime(required=True)


class HistoryEntrySchema(ma.Schema):
    from_status = ma.fields.String(required=True, allow_none=True)
    to_status = ma.fields.String(required=True, allow_none=True)
    at = ma.fields.DateTime(required=True)


class PartnerApplicationDetailSchema(PartnerApplicationSchema):
    history = ma.fields.List(ma.fields.Nested(HistoryEntrySchema), required=True)


class ApplicationPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PartnerApplicationSchema), required=True)
    next_after = ma.fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null at the end"},
    )
