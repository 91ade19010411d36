"""Pools: the list with a create form, and a pool's page with its servers, members and controls.

Who may do what is asked of ``services.pools`` (its predicates decide which controls show, its
actions refuse the rest); a refusal is a message, never an error page, unless the pool itself is
not the caller's to see (the 404 page).
"""
from dataclasses import dataclass

from flask import flash, render_template, request, url_for
from flask_login import current_user, login_required

from core.limits import INVITABLE_ROLES, ROLE_OWNER
from core.timeutil import utcnow
from models import Membership
from services import pools as pool_service
from services.errors import BadRequest, Conflict, Forbidden, ServiceError
from services.paging import Page, parse_page
from views.web import htmx, web
from views.web.forms import add_service_errors
from views.web.pool_forms import (
    ROLE_LABELS,
    DescriptionForm,
    InviteForm,
    PoolForm,
    RoleForm,
    add_invite_errors,
)

POOL_PAGE_SIZE = 50
AUDIT_EVENTS_SHOWN = 20


# --- The caller's controls ------------------------------------------------------------------------

@dataclass
class Controls:
    """What the caller may do on a pool's page, as ``services.pools`` says."""

    me: Membership

    @property
    def role(self) -> str:
        return self.me.role

    @property
    def update(self) -> bool:
        return pool_service.may_update_pool(self.role)

    @property
    def delete(self) -> bool:
        return pool_service.may_delete_pool(self.role)

    @property
    def manage(self) -> bool:
        return pool_service.manages_members(self.role)

    @property
    def invitable(self) -> tuple[str, ...]:
        return pool_service.invitable_roles(self.role)

    @property
    def change_roles(self) -> bool:
        return pool_service.may_change_roles(self.role)

    @property
    def audit(self) -> bool:
        return pool_service.may_view_audit(self.role)

    @property
    def leave(self) -> bool:
        return pool_service.may_remove(self.me, self.me)

    def remove(self, member: Membership) -> bool:
        return member.user_id != self.me.user_id and pool_service.may_remove(self.me, member)


def _controls(detail: pool_service.PoolDetail) -> Controls:
    return Controls(next(m for m, _ in detail.members if m.user_id == current_user.id))


def _context(detail: pool_service.PoolDetail, **context) -> dict:
    controls = _controls(detail)
    context.setdefault("invite_form", InviteForm(roles=controls.invitable, formdata=None))
    context.setdefault("description_form", DescriptionForm(formdata=None, description=detail.pool.description))
    if controls.audit:
        context["audit_events"], _ = pool_service.audit_events(current_user, detail.pool.id,
                                                               Page(limit=AUDIT_EVENTS_SHOWN))
    return {"detail": detail, "pool": detail.pool, "controls": controls, "now": utcnow(),
            "role_choices": [(role, ROLE_LABELS[role]) for role in INVITABLE_ROLES],
            "owner_role": ROLE_OWNER, **context}


def _audit_for_owner(pool_id: str) -> dict:
    """The pool's latest audit events if the caller sees its audit log (its owner), for an answer
    that changed the pool without loading its page; nothing for everyone else."""
    try:
        events, _ = pool_service.audit_events(current_user, pool_id, Page(limit=AUDIT_EVENTS_SHOWN))
    except ServiceError:
        return {}
    return {"audit_events": events}


def _pool_page(detail: pool_service.PoolDetail, status: int = 200, **context):
    return htmx.render("pools/detail.html", "pools/_page.html", status=status, **_context(detail, **context))


def _refused(pool_id: str, error: ServiceError):
    """A refusal: among the flashes for htmx; otherwise the pool's page (422) with it on top."""
    if htmx.is_htmx():
        return htmx.refusal(error.message)
    detail = pool_service.get_pool(current_user, pool_id)  # a pool that is gone or not theirs: the 404 page
    flash(error.message, "error")
    return _pool_page(detail, status=422)


def _member_name(detail: pool_service.PoolDetail, user_id: str) -> str:
    for _, user in detail.members:
        if user.id == user_id:
            return user.alias or user.username
    return "The member"


# --- The list --------------------------------------------------------------------------------------

def _list(form: PoolForm, status: int = 200, new_pool_id: str | None = None, fragment_only: bool = False):
    page = parse_page(request.args, default_limit=POOL_PAGE_SIZE)
    summaries, total = pool_service.list_pools(current_user, page)
    context = dict(form=form, summaries=summaries, total=total, page=page, new_pool_id=new_pool_id)
    if fragment_only:
        return htmx.with_updates(render_template("pools/_list_section.html", **context), status)
    return htmx.render("pools/index.html", "pools/_list_section.html", status=status, **context)


@web.get("/pools")
@login_required
def pools():
    return _list(PoolForm(formdata=None))


@web.post("/pools")
@login_required
def create_pool():
    form = PoolForm()
    if form.validate_on_submit():
        try:
            pool = pool_service.create_pool(current_user, form.name.data, form.description.data)
        except Conflict as error:
            form.name.errors.append(error.message)
        except ServiceError as error:
            add_service_errors(form, error)
        else:
            flash(f"Pool “{pool.name}” created.", "success")
            if htmx.is_htmx():
                return _list(PoolForm(formdata=None), new_pool_id=pool.id, fragment_only=True)
            return htmx.redirect(url_for("web.pools"))
    return _list(form, status=422)


# --- One pool --------------------------------------------------------------------------------------

@web.get("/pools/<pool_id>")
@login_required
def pool_detail(pool_id: str):
    return _pool_page(pool_service.get_pool(current_user, pool_id))


@web.post("/pools/<pool_id>/members")
@login_required
def invite_member(pool_id: str):
    try:
        detail = pool_service.get_pool(current_user, pool_id)
    except ServiceError as error:
        return _refused(pool_id, error)
    controls = _controls(detail)
    form = InviteForm()  # every invitable role: the service says who may give which
    if form.validate_on_submit():
        try:
            invitation = pool_service.invite_member(current_user, pool_id, form.username.data, form.role.data)
        except Forbidden as error:
            if not controls.invitable:
                return _refused(pool_id, error)
            form.role.errors.append(error.message)
        except ServiceError as error:
            add_invite_errors(form, error)
        else:
            flash(f"{form.username.data} is invited as {ROLE_LABELS[invitation.role].lower()}.", "success")
            if not htmx.is_htmx():
                return htmx.redirect(url_for("web.pool_detail", pool_id=pool_id))
            detail = pool_service.get_pool(current_user, pool_id)
            context = _context(detail, new_member_id=invitation.user_id)
            return htmx.with_updates(render_template("pools/_members.html", **context)
                                     + render_template("pools/_audit_update.html", **context))
    if not controls.invitable:
        return _refused(pool_id, Forbidden("Only the pool owner or an admin can invite members"))
    form.restrict(controls.invitable)
    return htmx.render("pools/detail.html", "pools/_members.html", status=422,
                       **_context(detail, invite_form=form))


@web.post("/pools/<pool_id>/members/<user_id>/role")
@login_required
def change_member_role(pool_id: str, user_id: str):
    form = RoleForm()
    if not form.validate_on_submit():
        return _refused(pool_id, ServiceError("Choose a role: " + " or ".join(INVITABLE_ROLES)))
    try:
        member = pool_service.change_member_role(current_user, pool_id, user_id, form.role.data)
    except ServiceError as error:
        return _refused(pool_id, error)
    detail = pool_service.get_pool(current_user, pool_id)
    flash(f"{_member_name(detail, user_id)} is now {ROLE_LABELS[member.role].lower()}.", "success")
    if not htmx.is_htmx():
        return htmx.redirect(url_for("web.pool_detail", pool_id=pool_id))
    context = _context(detail, updated_member_id=user_id)
    row = next((m, u) for m, u in detail.members if m.user_id == user_id)
    return htmx.with_updates(render_template("pools/_member_row.html", member=row[0], user=row[1], **context)
                             + render_template("pools/_audit_update.html", **context))


@web.post("/pools/<pool_id>/members/<user_id>/remove")
@login_required
def remove_member(pool_id: str, user_id: str):
    """Remove a member or cancel an invitation; the row goes away (and the owner's audit log follows)."""
    try:
        pool_service.remove_member(current_user, pool_id, user_id)
    except ServiceError as error:
        return _refused(pool_id, error)
    if not htmx.is_htmx():
        flash("Removed from the pool.", "success")
        return htmx.redirect(url_for("web.pool_detail", pool_id=pool_id))
    audit_log = _audit_for_owner(pool_id)
    if not audit_log:
        return htmx.empty()
    return htmx.fragment("pools/_audit_update.html", **audit_log)


@web.post("/pools/<pool_id>/leave")
@login_required
def leave_pool(pool_id: str):
    try:
        name = pool_service.joined_pool(current_user, pool_id).name
        pool_service.remove_member(current_user, pool_id, current_user.id)
    except ServiceError as error:
        return _refused(pool_id, error)
    flash(f"You left the pool “{name}”.", "success")
    return htmx.redirect(url_for("web.pools"))


@web.post("/pools/<pool_id>/description")
@login_required
def update_pool(pool_id: str):
    try:
        detail = pool_service.get_pool(current_user, pool_id)
    except ServiceError as error:
        return _refused(pool_id, error)
    form = DescriptionForm()
    if form.validate_on_submit():
        try:
            pool_service.update_pool(current_user, pool_id, {"description": form.description.data or ""})
        except BadRequest as error:  # the description's own problem, shown beside it
            add_service_errors(form, error)
        except ServiceError as error:
            return _refused(pool_id, error)
        else:
            flash("Description saved.", "success")
            if not htmx.is_htmx():
                return htmx.redirect(url_for("web.pool_detail", pool_id=pool_id))
            detail = pool_service.get_pool(current_user, pool_id)
            context = _context(detail)
            return htmx.with_updates(render_template("pools/_settings.html", **context)
                                     + render_template("pools/_description.html", description_oob=True, **context)
                                     + render_template("pools/_audit_update.html", **context))
    if not _controls(detail).update:
        return _refused(pool_id, Forbidden("Only the pool owner can update the pool"))
    return htmx.render("pools/detail.html", "pools/_settings.html", status=422,
                       **_context(detail, description_form=form))


@web.get("/pools/<pool_id>/delete")
@login_required
def confirm_delete_pool(pool_id: str):
    """The confirmation step of deleting a pool, for browsers without JavaScript."""
    detail = pool_service.get_pool(current_user, pool_id)
    return render_template("pools/delete.html", **_context(detail))


@web.post("/pools/<pool_id>/delete")
@login_required
def delete_pool(pool_id: str):
    try:
        name = pool_service.joined_pool(current_user, pool_id).name
        pool_service.delete_pool(current_user, pool_id)
    except ServiceError as error:
        return _refused(pool_id, error)
    flash(f"Pool “{name}” deleted; its rentals went back to their renters' default pools.", "success")
    return htmx.redirect(url_for("web.pools"))
