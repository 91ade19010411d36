"""Pools: the list with a create form, and a pool's page with its servers, members and controls.

Who may do what is asked of ``services.pools`` (its predicates decide which controls show, its
actions refuse the rest); a refusal is a message, never an error page, unless the pool itself is
not the caller's to see (the 404 page).
"""
from dataclasses import dataclass

from flask import Response, abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from core.limits import INVITABLE_ROLES, ROLE_OWNER
from core.timeutil import utcnow
from models import Membership
from services import pools as pool_service
from services.errors import BadRequest, Forbidden, NotFound, ServiceError
from services.paging import Page, parse_page
from views.web import htmx, web
from views.web.pool_billing_forms import billing_context
from views.web import spending as spending_section
from views.web.pool_forms import (
    ROLE_LABELS,
    DescriptionForm,
    InviteForm,
    PoolForm,
    RoleForm,
    TransferForm,
    add_invite_errors,
    add_pool_errors,
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
    def webhooks(self) -> bool:
        return pool_service.manages_webhooks(self.role)

    @property
    def audit(self) -> bool:
        return pool_service.may_view_audit(self.role)

    @property
    def leave(self) -> bool:
        return pool_service.may_remove(self.me, self.me)

    def remove(self, member: Membership) -> bool:
        return member.user_id != self.me.user_id and pool_service.may_remove(self.me, member)

    def transfer(self, pool) -> bool:
        return pool_service.may_offer_transfer(self.role, pool)


def _controls(detail: pool_service.PoolDetail) -> Controls:
    return Controls(next(m for m, _ in detail.members if m.user_id == current_user.id))


def _context(detail: pool_service.PoolDetail, **context) -> dict:
    controls = _controls(detail)
    context.setdefault("invite_form", InviteForm(roles=controls.invitable, formdata=None))
    context.setdefault("description_form", DescriptionForm(formdata=None, description=detail.pool.description))
    if controls.transfer(detail.pool):
        context.setdefault("transfer_form", TransferForm(formdata=None).offer_to(
            [user for member, user in detail.members if member.is_authorized and member.role != ROLE_OWNER]))
    if controls.audit:
        context["audit_events"], _ = pool_service.audit_events(current_user, detail.pool.id,
                                                               Page(limit=AUDIT_EVENTS_SHOWN))
    context.update(spending_section.pool_spending_context(detail.pool))
    for key, value in billing_context(current_user, detail.pool, controls.role, context["spending"]).items():
        context.setdefault(key, value)  # the wallet, the budget and the spend requests
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
    context = _context(detail, **context)
    return htmx.render("pools/detail.html", "pools/_page.html", status=spending_section.status_with(context, status),
                       **context)


def _refused(pool_id: str):
    """How a plain post's refusal answers: the pool's page (422) with it on top."""
    def page(error: ServiceError):
        detail = pool_service.get_pool(current_user, pool_id)  # a pool that is gone or not theirs: the 404 page
        flash(error.message, "error")
        return _pool_page(detail, status=422)
    return page


def _pool_for_post(pool_id: str) -> pool_service.PoolDetail:
    """The pool a form posts to; one the caller cannot see is a refusal for htmx, the 404 page otherwise."""
    try:
        return pool_service.get_pool(current_user, pool_id)
    except ServiceError as error:
        abort(htmx.refuse(error, _refused(pool_id)))


def _member_name(detail: pool_service.PoolDetail, user_id: str) -> str:
    for _, user in detail.members:
        if user.id == user_id:
            return user.alias or user.username
    return "The member"


# --- The list --------------------------------------------------------------------------------------

def _list_context(form: PoolForm, new_pool_id: str | None = None) -> dict:
    page = parse_page(request.args, default_limit=POOL_PAGE_SIZE)
    summaries, total = pool_service.list_pools(current_user, page)
    return dict(form=form, summaries=summaries, total=total, page=page, new_pool_id=new_pool_id)


def _list(form: PoolForm, status: int = 200):
    return htmx.render("pools/index.html", "pools/_list_section.html", status=status, **_list_context(form))


@web.get("/pools")
@login_required
def pools():
    return _list(PoolForm(formdata=None))


@web.post("/pools")
@login_required
def create_pool():
    form = PoolForm()
    return htmx.submit(
        lambda: pool_service.create_pool(current_user, form.name.data, form.description.data),
        form=form, add_errors=add_pool_errors, again=lambda: _list(form, status=422),
        done=lambda pool: htmx.done(
            url_for("web.pools"), f"Pool “{pool.name}” created.",
            updates=lambda: render_template("pools/_list_section.html",
                                            **_list_context(PoolForm(formdata=None), new_pool_id=pool.id))))


# --- One pool --------------------------------------------------------------------------------------

@web.get("/pools/<pool_id>")
@login_required
def pool_detail(pool_id: str):
    return _pool_page(pool_service.get_pool(current_user, pool_id))


def _pool_fragments(pool_id: str, *templates: str, **context) -> str:
    """The pool's ``templates`` as they are now, for an htmx answer that changed them."""
    context = _context(pool_service.get_pool(current_user, pool_id), **context)
    return "".join(render_template(template, **context) for template in templates)


@web.post("/pools/<pool_id>/members")
@login_required
def invite_member(pool_id: str):
    detail = _pool_for_post(pool_id)
    controls = _controls(detail)
    form = InviteForm()  # every invitable role: the service says who may give which

    def again():
        if not controls.invitable:
            return htmx.refuse(Forbidden("Only the pool owner or an admin can invite members"), _refused(pool_id))
        form.restrict(controls.invitable)
        return htmx.render("pools/detail.html", "pools/_members.html", status=422,
                           **_context(detail, invite_form=form))

    return htmx.submit(
        lambda: pool_service.invite_member(current_user, pool_id, form.username.data, form.role.data),
        form=form, add_errors=add_invite_errors, again=again,
        refusals=() if controls.invitable else Forbidden, refused=_refused(pool_id),
        done=lambda invitation: htmx.done(
            url_for("web.pool_detail", pool_id=pool_id),
            f"{form.username.data} is invited as {ROLE_LABELS[invitation.role].lower()}.",
            updates=lambda: _pool_fragments(pool_id, "pools/_members.html", "pools/_audit_update.html",
                                            new_member_id=invitation.user_id)))


@web.post("/pools/<pool_id>/members/<user_id>/role")
@login_required
def change_member_role(pool_id: str, user_id: str):
    form = RoleForm()

    def changed(member: Membership):
        detail = pool_service.get_pool(current_user, pool_id)

        def row() -> str:
            context = _context(detail, updated_member_id=user_id)
            member, user = next((m, u) for m, u in detail.members if m.user_id == user_id)
            return (render_template("pools/_member_row.html", member=member, user=user, **context)
                    + render_template("pools/_audit_update.html", **context))

        return htmx.done(url_for("web.pool_detail", pool_id=pool_id),
                         f"{_member_name(detail, user_id)} is now {ROLE_LABELS[member.role].lower()}.", updates=row)

    return htmx.submit(
        lambda: pool_service.change_member_role(current_user, pool_id, user_id, form.role.data),
        form=form, refusals=ServiceError, refused=_refused(pool_id), done=changed,
        again=lambda: htmx.refuse(ServiceError("Choose a role: " + " or ".join(INVITABLE_ROLES)), _refused(pool_id)))


@web.post("/pools/<pool_id>/members/<user_id>/remove")
@login_required
def remove_member(pool_id: str, user_id: str):
    """Remove a member or cancel an invitation; the row goes away (and the owner's audit log follows)."""
    def audit_log():
        audit = _audit_for_owner(pool_id)
        return htmx.fragment("pools/_audit_update.html", **audit) if audit else htmx.empty()

    return htmx.submit(
        lambda: pool_service.remove_member(current_user, pool_id, user_id),
        refusals=ServiceError, refused=_refused(pool_id),
        done=lambda _: htmx.done(url_for("web.pool_detail", pool_id=pool_id), "Removed from the pool.",
                                 fragment=audit_log))


@web.post("/pools/<pool_id>/leave")
@login_required
def leave_pool(pool_id: str):
    def leave() -> str:
        name = pool_service.joined_pool(current_user, pool_id).name
        pool_service.remove_member(current_user, pool_id, current_user.id)
        return name

    return htmx.submit(leave, refusals=ServiceError, refused=_refused(pool_id),
                       done=lambda name: htmx.done(url_for("web.pools"), f"You left the pool “{name}”."))


@web.post("/pools/<pool_id>/description")
@login_required
def update_pool(pool_id: str):
    detail = _pool_for_post(pool_id)
    form = DescriptionForm()

    def again():
        if not _controls(detail).update:
            return htmx.refuse(Forbidden("Only the pool owner can update the pool"), _refused(pool_id))
        return htmx.render("pools/detail.html", "pools/_settings.html", status=422,
                           **_context(detail, description_form=form))

    def saved() -> str:
        context = _context(pool_service.get_pool(current_user, pool_id))
        return (render_template("pools/_settings.html", **context)
                + render_template("pools/_description.html", description_oob=True, **context)
                + render_template("pools/_audit_update.html", **context))

    return htmx.submit(
        lambda: pool_service.update_pool(current_user, pool_id, {"description": form.description.data or ""}),
        form=form, complaints=BadRequest, again=again,  # the description's own problems, beside it
        refusals=(Forbidden, NotFound), refused=_refused(pool_id),
        done=lambda _: htmx.done(url_for("web.pool_detail", pool_id=pool_id), "Description saved.", updates=saved))


@web.get("/pools/<pool_id>/delete")
@login_required
def confirm_delete_pool(pool_id: str):
    """The confirmation step of deleting a pool, for browsers without JavaScript."""
    detail = pool_service.get_pool(current_user, pool_id)
    return render_template("pools/delete.html", **_context(detail))


@web.post("/pools/<pool_id>/delete")
@login_required
def delete_pool(pool_id: str):
    def delete() -> str:
        name = pool_service.joined_pool(current_user, pool_id).name
        pool_service.delete_pool(current_user, pool_id)
        return name

    return htmx.submit(delete, refusals=ServiceError, refused=_refused(pool_id), done=lambda name: htmx.done(
        url_for("web.pools"), f"Pool “{name}” deleted; its rentals went back to their renters' default pools."))


# --- Handing the pool over -----------------------------------------------------------------------------

def _transfer_section(pool_id: str) -> str:
    return _pool_fragments(pool_id, "pools/_transfer.html", "pools/_audit_update.html")


@web.post("/pools/<pool_id>/transfer")
@login_required
def offer_transfer(pool_id: str):
    """The owner offers the pool to a member; the offer shows in place of the form."""
    form = TransferForm()

    def offered(offer) -> Response:
        name = _member_name(pool_service.get_pool(current_user, pool_id), offer.to_user_id)
        return htmx.done(url_for("web.pool_detail", pool_id=pool_id),
                         f"{name} is offered the ownership of the pool.",
                         updates=lambda: _transfer_section(pool_id))

    return htmx.submit(
        lambda: pool_service.offer_transfer(current_user, pool_id, form.user_id.data),
        form=form, refusals=ServiceError, refused=_refused(pool_id), done=offered,
        again=lambda: htmx.refuse(ServiceError("Choose the member to offer the pool to"), _refused(pool_id)))


@web.post("/pools/<pool_id>/transfer/accept")
@login_required
def accept_transfer(pool_id: str):
    """The member takes the pool over; its page shows them as the owner."""
    return htmx.submit(
        lambda: pool_service.accept_transfer(current_user, pool_id),
        refusals=ServiceError, refused=_refused(pool_id),
        done=lambda pool: htmx.done(url_for("web.pool_detail", pool_id=pool_id), f"You now own “{pool.name}”."))


@web.post("/pools/<pool_id>/transfer/decline")
@login_required
def decline_transfer(pool_id: str):
    return htmx.submit(
        lambda: pool_service.decline_transfer(current_user, pool_id),
        refusals=ServiceError, refused=_refused(pool_id),
        done=lambda _: htmx.done(url_for("web.pool_detail", pool_id=pool_id), "Offer declined.", category="info",
                                 updates=lambda: _transfer_section(pool_id)))
