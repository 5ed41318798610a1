"""Admin pages, one module per part of the admin area: categories, the form builder, staff,
office settings and holidays, and the home page with the audit log. Thin: parse the form, call
admin.services, flash, redirect. Every view is @roles_required(Role.ADMIN); the blueprint refuses
anyone else before any view runs (``home``), and the loaders check the role a third time. The
tutorial pages are ``tutorials.admin_views``, a blueprint nested in this one (same /admin URLs)."""

from portal.admin.views import (  # noqa: F401
    api,
    categories,
    form_builder,
    home,
    letters,
    register,
    settings,
    staff,
    website,
)
