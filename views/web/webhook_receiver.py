"""The demo's webhook receiver (``services.webhook_demo_receiver``): it takes deliveries, and a page
lists them. Both are 404 unless ``WEBHOOK_DEMO_RECEIVER`` is on."""
from flask import abort, render_template, request
from flask_login import login_required

from core.extensions import csrf
from services import webhook_demo_receiver as receiver
from views.web import web


@web.post(receiver.PATH)
@csrf.exempt  # a webhook sender has no session: the signature is what is checked
def demo_webhook_receiver():
    if not receiver.is_on():
        abort(404)
    item = receiver.receive(dict(request.headers), request.get_data())
    return ({"received": True, "verified": item.verified}, 200 if item.verified else 400)


@web.get(receiver.PATH)
@login_required
def demo_webhook_log():
    if not receiver.is_on():
        abort(404)
    return render_template("webhooks/demo_receiver.html", received=receiver.received())
