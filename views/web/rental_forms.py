"""The marketplace's filter panel and the rent and extend forms. Limits and enums come from ``core.limits``;
which durations and pools are acceptable is the rental service's to say, so the selects offer them
but do not decide."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError

from core.ids import ID_PATTERN
from core.limits import CPU_SCORE_TYPES, DISK_TYPES, DURATION_DAYS_MAX, RAM_TYPES, REGION_MAX, SERVER_CATEGORIES
from core.money import format_dollars
from core.timeutil import isoformat, parse_timestamp
from services import wallet as wallet_service
from services.errors import BadRequest, PaymentRequired, PoolNotFound, PriceChanged, ServiceError
from services.inventory import price_tiers
from services.marketplace import DEFAULT_CPU_SCORE_TYPE, SORTS
from views.web.forms import add_service_errors

CHOOSE_DURATION = "Choose one of the durations offered"
PAY_FROM_CHOICES = [SelectChoice("self", "My wallet"), SelectChoice("pool", "The pool's wallet")]
CHOOSE_PAYER = "Choose your wallet or the pool's"
CHOOSE_POOL = "Choose one of your pools"
OUT_OF_DATE = "This form is out of date: reload the page and try again"

# Durations offered as ticks in the filter panel; any other number of days still works in the URL.
FILTER_DURATIONS = (1, 3, 7, 14, 30, 90)

SORT_LABELS = {
    "": "Recommended",
    "price_per_day": "Price per day: lowest first",
    "-price_per_day": "Price per day: highest first",
    "cpu_score": "CPU score: highest first",
    "ram_gb": "RAM: most first",
    "storage_gb": "Storage: most first",
}
SCORE_TYPE_LABELS = {"passmark": "PassMark", "geekbench_single": "Geekbench single-core",
                     "geekbench_multi": "Geekbench multi-core"}


def category_name(category: str) -> str:
    return category.upper() if category == "gpu" else category.capitalize()


def days_label(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def duration_choices(prices: dict[int, int], per_day: bool = True) -> list[SelectChoice]:
    """``{7: 7000}`` -> the option "7 days · $70.00 ($10.00/day)": the price shows before anything is charged."""
    tiers = price_tiers(prices)
    choices = []
    for days, cents in sorted(prices.items()):
        label = f"{days_label(days)} · {format_dollars(cents)}"
        if per_day and days > 1:
            label += f" (${tiers[str(days)]['price_per_day']}/day)"
        choices.append(SelectChoice(days, label))
    return choices


def _days_field(label: str) -> SelectField:
    return SelectField(
        label,
        coerce=int,
        validate_choice=False,  # the rental service lists the durations it accepts
        invalid_value_message=CHOOSE_DURATION,
        validators=[InputRequired(CHOOSE_DURATION),
                    NumberRange(min=1, max=DURATION_DAYS_MAX, message=CHOOSE_DURATION)],
    )


def _pay_from_field(description: str | None = None) -> SelectField:
    # Offered only where the reader may pay from a pool (``offers_pool``); without it, the own wallet pays.
    return SelectField("Pay from", choices=PAY_FROM_CHOICES, default="self", invalid_value_message=CHOOSE_PAYER,
                       validators=[Optional()], description=description)


class QuotedPricesForm(FlaskForm):
    """A form that charges for a duration and carries the prices the reader was shown ("days:cents,..."),
    so that a price raised meanwhile is refused (``PriceChanged``), never charged."""

    quoted_prices = HiddenField()
    offers_pool = False  # whether the reader may pay from the pool, so the form offers the choice

    def quote(self, prices: dict[int, int]) -> None:
        self.quoted_prices.data = ",".join(f"{days}:{cents}" for days, cents in sorted(prices.items()))

    def quoted_price(self, days: int) -> int | None:
        """The price shown for ``days``, or None when the form carried no readable quote."""
        for item in (self.quoted_prices.data or "").split(","):
            quoted_days, _, cents = item.partition(":")
            if quoted_days == str(days) and cents.isdigit():
                return int(cents)
        return None

    @property
    def days(self) -> int | None:
        """The duration charged for."""
        raise NotImplementedError

    def add_charge_errors(self, error: ServiceError) -> None:
        """A refused charge above the form: a wallet short of it (and how to get credit), a price raised
        since the page showed it, a server or rental no longer to be had; a bad field beside itself."""
        if isinstance(error, PaymentRequired):
            self.form_errors += [f"{error.message}.", wallet_service.how_to_get_credit()]
        elif isinstance(error, PriceChanged):
            self.form_errors.append(price_changed(self.days, error))
        elif isinstance(error, BadRequest):
            add_service_errors(self, error)
        else:
            self.form_errors.append(error.message)



def price_changed(days: int, error: PriceChanged) -> str:
    """Why nothing was charged, for a page: the price of ``days`` went up since the page showed it."""
    return (f"The price for {days_label(days)} is now {format_dollars(error.price_cents)}, not "
            f"{format_dollars(error.quoted_cents)}; nothing was charged. Check the new total and try again.")


class RentForm(QuotedPricesForm):
    rental_days = _days_field("Rental period")
    pool_id = SelectField("Pool", validate_choice=False,
                          validators=[InputRequired(CHOOSE_POOL), Regexp(ID_PATTERN, message=CHOOSE_POOL)],
                          description="Everyone in the pool can see the server.")
    pay_from = _pay_from_field("The pool's wallet pays only for a pool that lets you spend from it; a charge "
                               "above its approval threshold is sent to its owner and admins for approval.")

    def __init__(self, *args, prices: dict[int, int], pools: list, user_id: str, total_url: str,
                 spendable_pool_ids: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        if not self.quoted_prices.data:
            self.quote(prices)
        self.rental_days.choices = duration_choices(prices)
        # Picking a period fetches the summary line with its total (the labels carry the price without JS).
        self.rental_days.render_kw = {"hx-get": total_url, "hx-target": "#rent-total", "hx-swap": "outerHTML"}
        self.pool_id.choices = [SelectChoice(pool.id, _pool_label(pool, owner, user_id)) for pool, owner in pools]
        self.offers_pool = any(pool.id in spendable_pool_ids for pool, _ in pools)
        if self.rental_days.data is None and prices:
            self.rental_days.data = min(prices)

    @property
    def days(self) -> int | None:
        return self.rental_days.data

    def add_charge_errors(self, error: ServiceError) -> None:
        if isinstance(error, PoolNotFound):
            self.pool_id.errors.append(CHOOSE_POOL)
        else:
            super().add_charge_errors(error)


def _pool_label(pool, owner, user_id: str) -> str:
    if pool.owner_id == user_id:
        return f"{pool.name} (default)" if pool.is_default else pool.name
    return f"{pool.name} ({owner.alias or owner.username}'s)"


class ExtendForm(QuotedPricesForm):
    additional_days = _days_field("Extend by")
    # The end the reader saw: if it moved meanwhile (extended already), nothing is charged twice.
    expected_rental_end = HiddenField(validators=[Optional()])

    pay_from = _pay_from_field()

    def __init__(self, *args, prices: dict[int, int], rental=None, offers_pool: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_pool = offers_pool
        if not self.quoted_prices.data:
            self.quote(prices)
        self.additional_days.choices = duration_choices(prices, per_day=False)
        if rental is not None and not self.expected_rental_end.data:
            self.expected_rental_end.data = isoformat(rental.rental_end)
        if self.additional_days.data is None and prices:
            self.additional_days.data = min(prices)

    def validate_expected_rental_end(self, field):
        try:
            field.parsed = parse_timestamp(field.data)
        except ValueError:
            raise ValidationError(OUT_OF_DATE) from None

    @property
    def days(self) -> int | None:
        return self.additional_days.data

    @property
    def expected_end(self):
        return getattr(self.expected_rental_end, "parsed", None)

    @property
    def errors_in_order(self) -> list[str]:
        """Every complaint, for a row that has no room to put each beside its field."""
        return [*self.form_errors, *self.additional_days.errors, *self.expected_rental_end.errors,
                *self.pay_from.errors]


# Text boxes rather than type=number: a browser blanks a number box holding "12x", and the message
# beside it would then point at nothing.
_DECIMAL = {"inputmode": "decimal", "autocomplete": "off"}
_WHOLE = {"inputmode": "numeric", "autocomplete": "off"}


class MarketplaceFilterForm(FlaskForm):
    """The filter panel: a GET form whose field names are the API's query parameters."""

    class Meta:
        csrf = False  # it only reads, and its URL is meant to be shared

    country = StringField("Country", render_kw={"maxlength": 2, "placeholder": "e.g. US", "autocomplete": "off",
                                                "autocapitalize": "characters", "spellcheck": "false"})
    region = StringField("Region", render_kw={"maxlength": REGION_MAX, "placeholder": "e.g. us-east",
                                              "autocomplete": "off", "spellcheck": "false"})
    max_price_per_day = StringField("Max price per day ($)", render_kw=_DECIMAL)
    available_durations = SelectMultipleField("Rental periods", coerce=str)
    min_cpu_cores = StringField("Min CPU cores", render_kw=_WHOLE)
    min_cpu_score = StringField("Min CPU score", render_kw=_WHOLE)
    cpu_score_type = SelectField(
        "Score type",
        choices=[SelectChoice("", "Any type")]
        + [SelectChoice(kind, SCORE_TYPE_LABELS.get(kind, kind)) for kind in CPU_SCORE_TYPES],
        validate_choice=False,
        description=f"A minimum score with no type is a {SCORE_TYPE_LABELS[DEFAULT_CPU_SCORE_TYPE]} score.",
    )
    min_ram_gb = StringField("Min RAM (GB)", render_kw=_WHOLE)
    ram_types = SelectMultipleField("RAM types", choices=list(RAM_TYPES), validate_choice=False)
    min_total_storage_gb = StringField("Min total storage (GB)", render_kw=_WHOLE)
    disk_types = SelectMultipleField("Disk types", choices=list(DISK_TYPES), validate_choice=False)
    min_bandwidth_mbps = StringField("Min bandwidth (Mbps)", render_kw=_WHOLE)
    min_traffic_tb = StringField("Min monthly traffic (TB)", render_kw=_DECIMAL)
    unlimited_traffic_only = BooleanField("Unlimited traffic only", false_values=("false", "0", ""))
    category = SelectField("Category", choices=[SelectChoice("", "Any category")]
                           + [SelectChoice(c, category_name(c)) for c in SERVER_CATEGORIES], validate_choice=False)
    featured_only = BooleanField("Featured only", false_values=("false", "0", ""))
    sort = SelectField("Sort by", choices=[SelectChoice(key, SORT_LABELS.get(key, key)) for key in ("", *SORTS)],
                       validate_choice=False)

    def __init__(self, args):
        super().__init__(formdata=args)
        for name in ("available_durations", "ram_types", "disk_types"):
            # The API takes repeated keys and comma-joined values alike: the ticks show both.
            self[name].data = [item.strip() for value in args.getlist(name) for item in value.split(",")
                               if item.strip()]
        offered = [str(days) for days in FILTER_DURATIONS]
        extra = [value for value in self.available_durations.data if value not in offered]
        self.available_durations.choices = [SelectChoice(value, days_label(int(value)) if value.isdigit() else value)
                                            for value in offered + extra]

    def add_problems(self, details: list[dict]) -> None:
        """Put each query problem beside its field; ones about no field here (paging) go above the panel."""
        for detail in details:
            field = self._fields.get(detail.get("field") or "")
            message = detail["message"]
            if field is None:
                self.form_errors.append(f"{detail.get('field')} {message}".strip())
            else:
                field.errors = [*field.errors, message[0].upper() + message[1:]]
