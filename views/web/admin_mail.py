"""The admin mail page: what the development mail sink kept (``flask mail sink``), newest first, so that
a person trying the app reads what would have been emailed. Administrators only."""
from flask import current_app, render_template
from flask_login import current_user, login_required

from services import mail_sink
from views.web import web


@web.get("/admin/mail")
@login_required
def admin_mail():
    directory = current_app.config["MAIL_SINK_DIR"]
    messages, total = mail_sink.kept_messages(current_user, directory)
    return render_template("admin/mail.html", messages=messages, total=total, directory=directory,
                           smtp_url=current_app.config.get("SMTP_URL"))
