"""Forms of the pools, invitations and admin pages. Limits come from ``core.limits`` and, for
servers, from the import format's rules in ``services.inventory``, which also validates them. The
pool and member services check what these forms carry; the forms convert it and show the refusals."""
from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.limits import (
    CITY_MAX,
    CPU_SCORE_TYPES,
    CREDIT_MAX_CENTS,
    DATACENTER_MAX,
    DISK_CONFIGS_MAX,
    DISK_INTERFACE_MAX,
    DISK_TYPES,
    INVITABLE_ROLES,
    MODEL_MAX,
    POOL_DESCRIPTION_MAX,
    POOL_NAME_MAX,
    PRICES_MAX,
    RAM_TYPES,
    REGION_MAX,
    SERVER_CATEGORIES,
    SERVER_NAME_MAX,
    USERNAME_MAX,
    USERNAME_PATTERN,
)
from core.money import InvalidAmount, format_cents, parse_dollars
from services import inventory
from services.errors import BadRequest, Conflict, Forbidden, NotFound, ServiceError
from views.web.forms import REQUIRED, _browser_pattern, _strip, add_service_errors

ROLE_LABELS = {"owner": "Owner", "admin": "Admin", "user": "User"}


def _role_choices(roles) -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in roles]


def _username_field(label: str = "Username") -> StringField:
    return StringField(
        label,
        filters=[_strip],
        render_kw={"required": True, "maxlength": USERNAME_MAX, "pattern": _browser_pattern(USERNAME_PATTERN),
                   "autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


def _description_field() -> TextAreaField:
    return TextAreaField(
        "Description",
        filters=[_strip],
        render_kw={"maxlength": POOL_DESCRIPTION_MAX, "rows": 3},
        description=f"Up to {POOL_DESCRIPTION_MAX} characters.",
    )


# --- Pools ---------------------------------------------------------------------------------------

class PoolForm(FlaskForm):
    name = StringField(
        "Pool name",
        filters=[_strip],
        render_kw={"required": True, "maxlength": POOL_NAME_MAX, "placeholder": "e.g. Production",
                   "autocomplete": "off"},
    )
    description = _description_field()


class DescriptionForm(FlaskForm):
    description = _description_field()


class InviteForm(FlaskForm):
    username = _username_field()
    role = SelectField("Role")

    def __init__(self, roles=INVITABLE_ROLES, **kwargs):
        super().__init__(**kwargs)
        self.restrict(roles)

    def restrict(self, roles) -> None:
        """Offer only ``roles`` (those the inviter may give), the least powerful first (the default)."""
        self.role.choices = _role_choices(reversed(roles))


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=_role_choices(INVITABLE_ROLES))


class TransferForm(FlaskForm):
    """The member the owner offers the pool to; the service says who may be chosen."""

    user_id = SelectField("New owner", validate_choice=False)

    def offer_to(self, members) -> "TransferForm":
        self.user_id.choices = [(user.id, f"{user.alias or user.username} ({user.username})") for user in members]
        return self


def add_pool_errors(form: PoolForm, error: ServiceError) -> None:
    """A name that is taken is the name's problem; a bad field is its own."""
    if isinstance(error, Conflict):
        form.name.errors = [*form.name.errors, error.message]
    else:
        add_service_errors(form, error)


def add_invite_errors(form: InviteForm, error: ServiceError) -> None:
    """An unknown or unwelcome invitee is the username's problem, a role the inviter may not give the
    role's; a bad field is its own; any other refusal is the form's."""
    if isinstance(error, NotFound | Conflict):
        form.username.errors = [*form.username.errors, error.message]
    elif isinstance(error, Forbidden):
        form.role.errors = [*form.role.errors, error.message]
    elif isinstance(error, BadRequest):
        add_service_errors(form, error)
    else:
        form.form_errors = [*form.form_errors, error.message]


# --- Wallet credit -------------------------------------------------------------------------------

class CreditForm(FlaskForm):
    username = _username_field()
    amount = StringField(
        "Amount in dollars",
        filters=[_strip],
        validators=[DataRequired(REQUIRED)],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "e.g. 100 or 49.99"},
        description=f"Greater than zero, at most {format_cents(CREDIT_MAX_CENTS)}, with up to 2 decimals.",
    )

    def validate_amount(self, field) -> None:
        try:
            self.cents = parse_dollars(field.data)
        except InvalidAmount:
            raise ValidationError(
                "Must be an amount of dollars with at most 2 decimals, such as 250 or 99.50") from None

    def add_credit_errors(self, error: ServiceError) -> None:
        if isinstance(error, NotFound):
            self.username.errors = [*self.username.errors, error.message]
        else:
            add_service_errors(self, error)


# --- Servers -------------------------------------------------------------------------------------

DISK_ROWS = 4
PRICE_ROWS = 6


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=f"Must be at most {limit} characters")


def _text(label: str, limit: int, **render) -> StringField:
    return StringField(label, filters=[_strip], validators=[DataRequired(REQUIRED), _at_most(limit)],
                       render_kw={"maxlength": limit, **render})


def _number(label: str, optional: bool = False, **render) -> IntegerField:
    validators = [Optional()] if optional else [InputRequired(REQUIRED)]
    return IntegerField(label, validators=validators, render_kw={"inputmode": "numeric", **render})


def _choice(label: str, values) -> SelectField:
    return SelectField(label, choices=[SelectChoice(value, value) for value in values])


class DiskForm(Form):
    count = _number("Disks", optional=True, min=1)
    capacity_gb = _number("Capacity (GB each)", optional=True, min=1)
    type = SelectField("Type", default="",
                       choices=[SelectChoice("", "—")] + [SelectChoice(value, value) for value in DISK_TYPES])
    interface = StringField("Interface", filters=[_strip],
                            render_kw={"maxlength": DISK_INTERFACE_MAX, "placeholder": "e.g. PCIe 4.0"})

    def is_blank(self) -> bool:
        return self.count.data is None and self.capacity_gb.data is None and not self.type.data \
            and not self.interface.data


class PriceForm(Form):
    days = StringField("Days", filters=[_strip], render_kw={"inputmode": "numeric", "maxlength": 4})
    price = StringField("Price (USD)", filters=[_strip],
                        render_kw={"inputmode": "decimal", "placeholder": "e.g. 70.00", "maxlength": 20})

    def is_blank(self) -> bool:
        return not self.days.data and not self.price.data


class ServerForm(FlaskForm):
    name = _text("Name", SERVER_NAME_MAX, placeholder="e.g. node-us-nyc-1", autocomplete="off")
    country = _text("Country code", 2, placeholder="US", autocapitalize="characters")
    region = _text("Region", REGION_MAX, placeholder="e.g. us-east")
    city = _text("City", CITY_MAX)
    datacenter = _text("Datacenter", DATACENTER_MAX)
    model = _text("Machine model", MODEL_MAX, placeholder="e.g. Dell PowerEdge R750")
    is_vm = BooleanField("Virtual machine")
    category = _choice("Category", SERVER_CATEGORIES)
    featured = BooleanField("Featured in the marketplace")
    popularity_rank = _number("Popularity rank", min=1)
    setup_time_minutes = _number("Setup time (minutes)", min=0)

    cpu_model = _text("CPU model", MODEL_MAX, placeholder="e.g. AMD EPYC 7763")
    cpu_cores = _number("Cores", min=1)
    cpu_threads = _number("Threads", min=1)
    cpu_score = _number("Benchmark score", min=0)
    cpu_score_type = _choice("Score type", CPU_SCORE_TYPES)

    ram_gb = _number("RAM (GB)", min=1)
    ram_type = _choice("RAM type", RAM_TYPES)
    ram_speed_mhz = _number("RAM speed (MHz)", min=0)

    disks = FieldList(FormField(DiskForm), min_entries=DISK_ROWS, max_entries=DISK_CONFIGS_MAX)

    bandwidth_mbps = _number("Bandwidth (Mbps)", min=1)
    traffic_unlimited = BooleanField("Unlimited traffic")
    traffic_tb = StringField("Traffic (TB a month)", filters=[_strip],
                             render_kw={"inputmode": "decimal"}, description="Leave empty for unlimited traffic.")
    ipv4_count = _number("IPv4 addresses", min=0)
    ipv6_enabled = BooleanField("IPv6")

    prices = FieldList(FormField(PriceForm), min_entries=PRICE_ROWS, max_entries=PRICES_MAX)

    # Form field -> the import format's field, for the record and for its errors.
    PATHS = {
        "name": "name", "country": "country", "region": "region", "city": "city",
        "datacenter": "datacenter", "model": "model", "is_vm": "is_vm", "category": "category",
        "featured": "featured", "popularity_rank": "popularity_rank", "setup_time_minutes": "setup_time_minutes",
        "cpu_model": "specs.cpu.model", "cpu_cores": "specs.cpu.cores", "cpu_threads": "specs.cpu.threads",
        "cpu_score": "specs.cpu.score", "cpu_score_type": "specs.cpu.score_type",
        "ram_gb": "specs.ram.capacity_gb", "ram_type": "specs.ram.type", "ram_speed_mhz": "specs.ram.speed_mhz",
        "bandwidth_mbps": "specs.network.bandwidth_mbps", "traffic_unlimited": "specs.network.traffic_unlimited",
        "traffic_tb": "specs.network.traffic_tb", "ipv4_count": "specs.additional.ipv4_count",
        "ipv6_enabled": "specs.additional.ipv6_enabled",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Problems of the disk and price lists as a whole ("must have at least one price").
        self.disk_errors: list[str] = []
        self.price_errors: list[str] = []

    @classmethod
    def from_record(cls, record: dict) -> "ServerForm":
        """A form filled in from a server in the import format (``services.admin.server_record``)."""
        data = {}
        for name, path in cls.PATHS.items():
            value = record
            for key in path.split("."):
                value = value[key]
            data[name] = value
        if data["traffic_tb"] is not None:
            data["traffic_tb"] = str(data["traffic_tb"])
        data["disks"] = [{key: disk[key] for key in ("count", "capacity_gb", "type", "interface")}
                         for disk in record["specs"]["disks"]["config"]]
        data["prices"] = [{"days": days, "price": price} for days, price in record["pricing"]["prices"].items()]
        return cls(formdata=None, data=data)

    def validate(self, extra_validators=None) -> bool:
        """Valid once the rows make an import record too (``record``), which the inventory then judges."""
        self.record = self.to_record() if super().validate(extra_validators) else None
        return self.record is not None

    def to_record(self) -> dict | None:
        """The import record these fields describe, or None (with errors beside the fields) if a row
        cannot become part of one. Everything else about the record is checked by the inventory."""
        record: dict = {}
        for name, path in self.PATHS.items():
            *parents, last = path.split(".")
            target = record
            for key in parents:
                target = target.setdefault(key, {})
            target[last] = self[name].data
        network = record["specs"]["network"]
        network["traffic_tb"] = self._traffic()
        disks = [row.form for row in self.disks if not row.form.is_blank()]
        record["specs"]["disks"] = {"config": [
            {"count": disk.count.data, "capacity_gb": disk.capacity_gb.data,
             "type": disk.type.data or None, "interface": disk.interface.data} for disk in disks
        ]}
        self._disk_rows = disks
        prices: dict[str, str] = {}
        for row in self.prices:
            price = row.form
            if price.is_blank():
                continue
            if price.days.data in prices:
                price.days.errors = [*price.days.errors, f"Repeats the duration {price.days.data}"]
                continue
            prices[price.days.data] = price.price.data
        record["pricing"] = {"prices": prices}
        if any(row.form.days.errors for row in self.prices) or self.traffic_tb.errors:
            return None
        return record

    def _traffic(self) -> float | None:
        raw = self.traffic_tb.data
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except ArithmeticError:
            value = None
        if value is None or not value.is_finite():
            self.traffic_tb.errors = [*self.traffic_tb.errors, "Must be a number"]
            return None
        return float(value)

    def add_record_errors(self, error: ServiceError) -> None:
        """Put the inventory's complaints (``specs.cpu.cores``, ``pricing.prices.7``...) beside their fields."""
        by_path = {path: name for name, path in self.PATHS.items()}
        disk_rows = getattr(self, "_disk_rows", [])
        for detail in error.details or [{"field": "", "message": error.message}]:
            path, message = detail.get("field") or "", detail["message"]
            shown = message[0].upper() + message[1:]
            field = self._field_for(path, message, by_path, disk_rows)
            if isinstance(field, list):
                field.append(shown)
            elif field is not None:
                field.errors = [*field.errors, shown]
            else:
                self.form_errors = [*self.form_errors, f"{path}: {message}" if path else message]

    def _field_for(self, path: str, message: str, by_path: dict, disk_rows: list):
        if path in by_path:
            return self[by_path[path]]
        parts = path.split(".")
        if path.startswith("specs.disks.config.") and len(parts) == 5 and parts[3].isdigit():
            index = int(parts[3])
            if index < len(disk_rows) and parts[4] in disk_rows[index]._fields:
                return disk_rows[index][parts[4]]
        if path.startswith("specs.disks"):
            return self.disk_errors
        if path.startswith("pricing.prices.") and len(parts) == 3:
            for row in self.prices:
                if row.form.days.data == parts[2]:
                    is_days = message == inventory.DAYS_RULE or message.startswith("repeats")
                    return row.form.days if is_days else row.form.price
        if path.startswith("pricing"):
            return self.price_errors
        return None
