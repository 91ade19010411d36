"""The overview page."""
from flask import render_template
from flask_login import current_user

from services import dashboard
from views.web import htmx, web
from views.web.rental_forms import ExtendForm


@web.get("/")
def index():
    """The dashboard when logged in; a short introduction otherwise."""
    if not current_user.is_authenticated:
        return render_template("index.html")
    board = dashboard.dashboard(current_user)
    forms = {row.rental.id: ExtendForm(formdata=None, prices=row.prices, rental=row.rental)
             for row in board.ending_soon}
    return htmx.render("index.html", "dashboard/_dashboard.html", board=board, forms=forms)
