"""Admin rules, one module per part of the admin area; callable without a request (an app
context is enough).

- ``categories``: permit categories and their service standard;
- ``form_builder``: a category's draft form (pages, fields, documents) and publishing it;
- ``staff``: staff accounts and their roles (invitations are ``auth.invites``);
- ``settings``: the office's name, contacts and hours, and its holidays;
- ``common``: ``AdminError``, the role check, the page size.

Tutorial editing is ``tutorials.editing`` and the staff action log is ``portal.audit``. Every
function is for a user holding the admin role; the views check the role, the loaders here check
it again. Changes a person can fix raise AdminError (a translated sentence); a form definition
that cannot be published raises catalogue.formspec.DefinitionError listing the problems, each
naming the field. Every public name is re-exported here (``from portal.admin import services``).
"""

from portal.admin.services.categories import (
    CATEGORY_FIELDS,
    CategoryList,
    CategoryRow,
    application_counts,
    category_problems,
    create_category,
    delete_category,
    get_category_or_404,
    list_categories,
    set_category_active,
    update_category,
)
from portal.admin.services.common import (
    PAGE_SIZE,
    AdminError,
    require_admin,
)
from portal.admin.services.form_builder import (
    DOCUMENT_ATTRS,
    DRAFT_FIELD_ATTRS,
    ITEM_KINDS,
    compile_draft,
    delete_item,
    discard_draft_changes,
    draft_problems,
    draft_spec,
    get_draft,
    get_item_or_404,
    item_index,
    move_item,
    publish_draft,
    save_document,
    save_field,
    save_page,
)
from portal.admin.services.settings import (
    HOLIDAY_KINDS,
    OFFICE_SETTINGS,
    add_holiday,
    holiday_years,
    list_holidays,
    office_settings,
    remove_holiday,
    save_office_settings,
)
from portal.admin.services.staff import (
    change_roles,
    find_user,
    get_user_or_404,
    list_staff,
    reset_second_factor,
    second_factor_state,
    set_staff_profile,
    set_user_active,
)
from portal.audit.services import (
    AuditPage,
    audit,
    list_audit,
)
from portal.auth.invites import (
    INVITE_LIFETIME,
    invite_staff,
)

__all__ = [
    "AdminError",
    "AuditPage",
    "CATEGORY_FIELDS",
    "CategoryList",
    "CategoryRow",
    "DOCUMENT_ATTRS",
    "DRAFT_FIELD_ATTRS",
    "HOLIDAY_KINDS",
    "INVITE_LIFETIME",
    "OFFICE_SETTINGS",
    "PAGE_SIZE",
    "add_holiday",
    "application_counts",
    "audit",
    "category_problems",
    "change_roles",
    "compile_draft",
    "create_category",
    "delete_category",
    "discard_draft_changes",
    "draft_problems",
    "draft_spec",
    "find_user",
    "get_category_or_404",
    "ITEM_KINDS",
    "delete_item",
    "get_draft",
    "get_item_or_404",
    "item_index",
    "move_item",
    "get_user_or_404",
    "holiday_years",
    "invite_staff",
    "list_audit",
    "list_categories",
    "list_holidays",
    "list_staff",
    "set_staff_profile",
    "office_settings",
    "publish_draft",
    "remove_holiday",
    "require_admin",
    "reset_second_factor",
    "second_factor_state",
    "save_document",
    "save_field",
    "save_office_settings",
    "save_page",
    "set_category_active",
    "set_user_active",
    "update_category",
]
