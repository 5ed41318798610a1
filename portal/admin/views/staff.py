"""Admin pages for staff accounts: list, invite, roles, deactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp, services
from portal.admin.forms import ROLE_LABELS, ActionForm, FindUserForm, InviteForm, RolesForm, StaffProfileForm
from portal.admin.views.common import ADMIN, me
from portal.auth.models import Role
from portal.auth.services import AccountError
from portal.extensions import db
from portal.forms import check_action
from portal.paging import int_arg
from portal.security import roles_required


@bp.route("/staff")
@roles_required(ADMIN)
def staff():
    find_form = FindUserForm(request.args)
    found, searched = None, False
    if find_form.email.data:
        searched = True
        found = services.find_user(find_form.email.data)
    rows, next_after = services.list_staff(after=int_arg("after"))
    return render_template(
        "admin/staff.html",
        users=rows,
        next_after=next_after,
        find_form=find_form,
        found=found,
        searched=searched,
        role_labels=ROLE_LABELS,
    )


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles_required(ADMIN)
def staff_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite_staff(
                form.email.data,
                form.full_name.data,
                {Role(r) for r in form.roles.data},
                form.locale.data,
                me(),
            )
        except AccountError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            flash(_("The invitation was sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.staff_user", user_id=user.id))
    return render_template("admin/staff_invite.html", form=form), 400 if form.errors else 200


@bp.route("/staff/<id:user_id>")
@roles_required(ADMIN)
def staff_user(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    return _user_page(user)


def _user_page(user, profile_form: StaffProfileForm | None = None, status: int = 200):
    form = RolesForm(formdata=None, roles=[r.value for r in user.role_set])
    profile_form = profile_form or StaffProfileForm(
        formdata=None, data={"position": user.position or "", "rank": user.rank or "", "nip": user.nip or ""}
    )
    return render_template(
        "admin/staff_user.html",
        user=user,
        form=form,
        profile_form=profile_form,
        action_form=ActionForm(),
        role_labels=ROLE_LABELS,
        second_factor=services.second_factor_state(user),
    ), status


@bp.route("/staff/<id:user_id>/profile", methods=["POST"])
@roles_required(ADMIN)
def staff_profile(user_id: int):
    """Position, rank and NIP, printed on the permit letters the person approves."""
    user = services.get_user_or_404(user_id, current_user)
    form = StaffProfileForm()
    if not form.validate_on_submit():
        return _user_page(user, form, 400)
    services.set_staff_profile(
        user,
        position=form.position.data or "",
        rank=form.rank.data or "",
        nip=form.nip.data or "",
        actor=me(),
    )
    flash(_("Saved. Permits this person approves print it under their name."), "success")
    return redirect(url_for("admin.staff_user", user_id=user.id))


@bp.route("/staff/<id:user_id>/roles", methods=["POST"])
@roles_required(ADMIN)
def staff_roles(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    form = RolesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_roles(user, {Role(r) for r in form.roles.data}, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The roles were saved."), "success")
    return redirect(url_for("admin.staff_user", user_id=user_id))


@bp.route("/staff/<id:user_id>/active", methods=["POST"])
@roles_required(ADMIN)
def staff_active(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    check_action()
    active = request.form.get("active") == "1"
    try:
        services.set_user_active(user, active, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(
            _("The account is active again.")
            if active
            else _("The account is deactivated and logged out everywhere."),
            "success",
        )
    return redirect(url_for("admin.staff_user", user_id=user_id))


@bp.route("/staff/<id:user_id>/second-factor/reset", methods=["POST"])
@roles_required(ADMIN)
def staff_second_factor_reset(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    check_action()
    try:
        services.reset_second_factor(user, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(
            _("Two-step login was reset. %(name)s sets it up again at the next login.", name=user.full_name),
            "success",
        )
    return redirect(url_for("admin.staff_user", user_id=user_id))
