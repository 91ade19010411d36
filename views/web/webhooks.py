"""The webhooks pages: your endpoints (``/webhooks``) and a pool's (``/pools/<id>/webhooks``, for its
owner and admins): add one (its secret shown once), and on an endpoint's page change it, turn it off or
on, send a test ping, see the latest attempts and send one again, remove it."""
from flask import url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from core.cache_control import no_store
from core.limits import WEBHOOK_DESCRIPTION_MAX, WEBHOOK_URL_MAX
from services import pools, webhooks
from services.errors import BadRequest, Forbidden
from services.paging import Page
from services.webhook_events import ALL, WEBHOOK_EVENT_TYPES
from views.web import htmx, web

DELIVERIES_SHOWN = 25
SECTION = "webhooks-section"


def _strip(value):
    return value.strip() if isinstance(value, str) else ("" if value is None else value)


class WebhookForm(FlaskForm):
    """Converts what was typed; ``services.webhooks`` says whether it will do."""

    url = StringField("URL", filters=[_strip], description="http:// or https://, where the events are POSTed",
                      render_kw={"maxlength": WEBHOOK_URL_MAX, "required": True, "autocomplete": "off",
                                 "placeholder": "https://hooks.example.com/servers"})
    description = StringField("Description", filters=[_strip], render_kw={"maxlength": WEBHOOK_DESCRIPTION_MAX})
    events = SelectMultipleField(
        "Events", choices=[SelectChoice(ALL, "All events")] + [SelectChoice(name, name) for name in WEBHOOK_EVENT_TYPES],
        validate_choice=False, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    pool_id = HiddenField()


def _section_context(pool, form: WebhookForm, new_endpoint=None, secret: str | None = None) -> dict:
    return {"pool": pool, "form": form, "new_endpoint": new_endpoint, "secret": secret,
            "endpoints": webhooks.list_endpoints(current_user, pool.id if pool else None)
            if pool else [endpoint for endpoint in webhooks.list_endpoints(current_user) if endpoint.pool_id is None],
            "pool_names": _pool_names()}


def _pool_names() -> dict[str, str]:
    return {summary.pool.id: summary.pool.name for summary in pools.list_pools(current_user, Page(limit=500))[0]}


def _section(pool, form: WebhookForm, status: int = 200, new_endpoint=None, secret: str | None = None):
    return htmx.render("webhooks/index.html", "webhooks/_section.html", status=status,
                       **_section_context(pool, form, new_endpoint, secret))


def _new_form(pool=None) -> WebhookForm:
    return WebhookForm(formdata=None, events=[ALL], pool_id=pool.id if pool else "")


@web.get("/webhooks")
@login_required
def webhooks_page():
    return _section(None, _new_form())


@web.get("/pools/<pool_id>/webhooks")
@login_required
def pool_webhooks(pool_id: str):
    webhooks.list_endpoints(current_user, pool_id)  # 404 for a pool not joined, 403 for a plain member
    pool = pools.joined_pool(current_user, pool_id)
    return _section(pool, _new_form(pool))


@web.post("/webhooks")
@no_store  # the secret is in this answer only
@login_required
def create_webhook():
    form = WebhookForm()
    pool = pools.joined_pool(current_user, form.pool_id.data) if form.pool_id.data else None
    return htmx.submit(
        lambda: webhooks.create_endpoint(current_user, form.url.data, form.description.data, form.events.data or [],
                                         form.pool_id.data or None),
        form=form, complaints=BadRequest, again=lambda: _section(pool, form, status=422),
        refused=url_for("web.pool_webhooks", pool_id=pool.id) if pool else url_for("web.webhooks_page"),
        refusals=(Forbidden,),
        done=lambda created: _section(pool, _new_form(pool), new_endpoint=created[0], secret=created[1]))


def _detail(endpoint, form: WebhookForm | None = None, status: int = 200):
    found, total = webhooks.deliveries(current_user, endpoint.id, Page(limit=DELIVERIES_SHOWN))
    pool = pools.joined_pool(current_user, endpoint.pool_id) if endpoint.pool_id else None
    form = form or WebhookForm(formdata=None, url=endpoint.url, description=endpoint.description,
                               events=endpoint.events, pool_id=endpoint.pool_id or "")
    return htmx.render("webhooks/detail.html", "webhooks/_detail.html", status=status, endpoint=endpoint, pool=pool,
                       form=form, deliveries=found, deliveries_total=total)


def _detail_url(endpoint_id: str) -> str:
    return url_for("web.webhook", endpoint_id=endpoint_id)


@web.get("/webhooks/<endpoint_id>")
@login_required
def webhook(endpoint_id: str):
    return _detail(webhooks.get_endpoint(current_user, endpoint_id))


@web.post("/webhooks/<endpoint_id>")
@login_required
def update_webhook(endpoint_id: str):
    endpoint = webhooks.get_endpoint(current_user, endpoint_id)
    form = WebhookForm()
    return htmx.submit(
        lambda: webhooks.update_endpoint(current_user, endpoint_id, {
            "url": form.url.data, "description": form.description.data, "events": form.events.data or []}),
        form=form, complaints=BadRequest, again=lambda: _detail(endpoint, form, status=422),
        done=lambda changed: htmx.done(_detail_url(endpoint_id), "Webhook saved"))


@web.post("/webhooks/<endpoint_id>/enable")
@login_required
def enable_webhook(endpoint_id: str):
    webhooks.update_endpoint(current_user, endpoint_id, {"enabled": True})
    return htmx.done(_detail_url(endpoint_id), "Webhook turned on: what waited is being sent")


@web.post("/webhooks/<endpoint_id>/disable")
@login_required
def disable_webhook(endpoint_id: str):
    webhooks.update_endpoint(current_user, endpoint_id, {"enabled": False})
    return htmx.done(_detail_url(endpoint_id), "Webhook turned off: events wait for nobody while it is off")


@web.post("/webhooks/<endpoint_id>/test")
@login_required
def test_webhook(endpoint_id: str):
    webhooks.send_test(current_user, endpoint_id)
    return htmx.done(_detail_url(endpoint_id), "Test ping sent: its attempt shows below in a moment")


@web.post("/webhooks/<endpoint_id>/delete")
@login_required
def delete_webhook(endpoint_id: str):
    endpoint = webhooks.get_endpoint(current_user, endpoint_id)
    to = url_for("web.pool_webhooks", pool_id=endpoint.pool_id) if endpoint.pool_id else url_for("web.webhooks_page")
    webhooks.delete_endpoint(current_user, endpoint_id)
    return htmx.done(to, "Webhook removed")


@web.post("/webhooks/<endpoint_id>/deliveries/<delivery_id>/redeliver")
@login_required
def redeliver_webhook(endpoint_id: str, delivery_id: str):
    message = webhooks.redeliver(current_user, endpoint_id, delivery_id)
    return htmx.done(_detail_url(endpoint_id), f"{message.event_type} queued to be sent again")


@web.get("/webhooks/<endpoint_id>/deliveries")
@login_required
def webhook_deliveries(endpoint_id: str):
    """The attempts table alone (the detail page's "Refresh" asks for it with htmx)."""
    endpoint = webhooks.get_endpoint(current_user, endpoint_id)
    found, total = webhooks.deliveries(current_user, endpoint.id, Page(limit=DELIVERIES_SHOWN))
    if not htmx.is_htmx():
        return htmx.redirect(_detail_url(endpoint_id) + "#deliveries")
    return htmx.fragment("webhooks/_deliveries.html", endpoint=endpoint, deliveries=found, deliveries_total=total)


@web.app_template_filter("webhook_events")
def webhook_events(endpoint) -> str:
    return "All events" if ALL in endpoint.events else ", ".join(endpoint.events)
