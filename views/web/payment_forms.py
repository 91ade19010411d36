"""The forms of money coming in: a card top-up and a request for credit. They convert what was typed;
the rules (the bounds, the reason's length) are the services' (``services.card_payments``,
``services.credit_requests``), whose refusals are shown beside the fields."""
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from core.limits import CREDIT_MAX_CENTS, CREDIT_REQUEST_REASON_MAX
from core.money import InvalidAmount, format_cents, parse_dollars
from services.errors import BadRequest, ServiceError
from views.web.forms import REQUIRED, _strip, add_service_errors

NOT_DOLLARS = "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50"


class CardTopUpForm(FlaskForm):
    # The service reads the dollar string itself, as the API hands it over.
    amount = StringField("Amount in dollars", filters=[_strip], id="card-amount",
                         render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 50.00"})


class CreditRequestForm(FlaskForm):
    # Ids of their own: the wallet page shows both forms.
    amount = StringField("Amount in dollars", filters=[_strip], validators=[DataRequired(REQUIRED)], id="request-amount",
                         render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 500"},
                         description=f"Up to {format_cents(CREDIT_MAX_CENTS)}, with up to 2 decimals.")
    reason = TextAreaField("Why you need it", id="request-reason", render_kw={"maxlength": CREDIT_REQUEST_REASON_MAX, "rows": 3},
                           description="For the administrators: what it is for, and how your team pays.")

    def validate_amount(self, field) -> None:
        try:
            self.cents = parse_dollars(field.data)
        except InvalidAmount:
            raise ValidationError(NOT_DOLLARS) from None

    def add_request_errors(self, error: ServiceError) -> None:
        """The service names the amount ``amount_cents``; here it is the dollars field."""
        if isinstance(error, BadRequest) and error.details:
            error = BadRequest(error.message, [{**detail, "field": "amount"} if detail["field"] == "amount_cents"
                                               else detail for detail in error.details])
        add_service_errors(self, error)
