"""The auto-renew switch of a rental: on or off, the period of each renewal (one of the server's
durations) and the ceiling in dollars. The form only converts what was typed; the auto-renew service
judges it."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from core.money import InvalidAmount, format_cents, parse_dollars
from services.errors import ServiceError
from views.web.forms import add_service_errors
from views.web.rental_forms import _days_field, _pay_from_field, duration_choices

NOT_DOLLARS = "Must be an amount of dollars like 25.00"


class AutoRenewForm(FlaskForm):
    enabled = BooleanField("Renew automatically", false_values=("false", "0", ""))
    additional_days = _days_field("Renew by")
    max_charge = StringField("Ceiling ($)", render_kw={"inputmode": "decimal", "autocomplete": "off"},
                             description="A renewal that would cost more is refused, and you are told.")
    pay_from = _pay_from_field()

    def __init__(self, *args, prices: dict[int, int], offers_pool: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_pool = offers_pool
        self.additional_days.choices = duration_choices(prices, per_day=False)

    @classmethod
    def showing(cls, prices: dict[int, int], setting, offers_pool: bool = False) -> "AutoRenewForm":
        """The form as a rental's page first shows it: the rental's auto-renewal, or, when it is off, the
        shortest period with its price today as the ceiling."""
        form = cls(formdata=None, prices=prices, offers_pool=offers_pool)
        if setting is not None:
            form.enabled.data = True
            form.pay_from.data = setting.pay_from
            form.additional_days.data = setting.additional_days
            form.max_charge.data = format_cents(setting.max_charge_cents)
        elif prices:
            form.additional_days.data = min(prices)
            form.max_charge.data = format_cents(prices[min(prices)])
        return form

    def validate_max_charge(self, field):
        if not self.enabled.data:
            return
        try:
            field.cents = parse_dollars((field.data or "").strip())
        except InvalidAmount:
            raise ValidationError(NOT_DOLLARS) from None

    def add_errors(self, error: ServiceError) -> None:
        """The service's complaints beside the fields; its ``max_charge_cents`` is this form's ceiling in dollars."""
        details = [{**detail, "field": "max_charge" if detail.get("field") == "max_charge_cents" else detail.get("field")}
                   for detail in error.details or []]
        renamed = type(error)(error.message, details or None) if details else error
        add_service_errors(self, renamed)

    @property
    def ceiling_cents(self) -> int | None:
        return getattr(self.max_charge, "cents", None)

    @property
    def errors_in_order(self) -> list[str]:
        """Every complaint, under the whole form (a rental's row has no room beside each field)."""
        return list(dict.fromkeys([*self.form_errors, *self.additional_days.errors, *self.max_charge.errors]))
