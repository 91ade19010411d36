"""The invitations page: answer the pools' invitations, and their count in the nav of every page."""
from flask import flash, render_template, request, url_for
from flask_login import current_user, login_required

from services import pools as pool_service
from services.errors import ServiceError
from services.paging import parse_page
from views.web import htmx, web
from views.web.pool_forms import ROLE_LABELS


@web.app_context_processor
def invitation_count():
    """``pending_invitation_count()`` for the nav badge, counted only where a page shows it."""
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return pool_service.pending_invitation_count(current_user)

    return {"pending_invitation_count": count}


def _page(status: int = 200):
    page = parse_page(request.args)
    invitations, total = pool_service.pending_invitations(current_user, page)
    return htmx.render("invitations/index.html", "invitations/_section.html", status=status,
                       invitations=invitations, total=total, page=page,
                       offers=pool_service.offers_to(current_user))


def _refused(error: ServiceError):
    """A plain post's refusal (not yours, or answered already): among the flashes, beside the list as it is now."""
    flash(error.message, "error")
    return _page(status=422)


@web.get("/invitations")
@login_required
def invitations():
    return _page()


@web.post("/invitations/<invitation_id>/accept")
@login_required
def accept_invitation(invitation_id: str):
    def joined(membership):
        pool = membership.pool
        return htmx.done(url_for("web.pool_detail", pool_id=pool.id),
                         f"You joined “{pool.name}” as {ROLE_LABELS[membership.role].lower()}.", badge=True,
                         updates=lambda: render_template("invitations/_accepted_row.html", membership=membership,
                                                         pool=pool))

    return htmx.submit(lambda: pool_service.accept_invitation(current_user, invitation_id),
                       refusals=ServiceError, refused=_refused, badge=True, done=joined)


@web.post("/invitations/<invitation_id>/reject")
@login_required
def reject_invitation(invitation_id: str):
    """Decline an invitation; its row goes away."""
    return htmx.submit(lambda: pool_service.reject_invitation(current_user, invitation_id),
                       refusals=ServiceError, refused=_refused, badge=True,
                       done=lambda _: htmx.done(url_for("web.invitations"), "Invitation declined.", category="info",
                                                updates="", badge=True))
