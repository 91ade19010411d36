"""The form administrators report a rented server's setup with; the rules are ``services.provisioning``'s
(``services.inputs``): the form only turns the typed text into the report's fields."""
import re

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from core.limits import HOSTNAME_MAX, PROVISIONING_MESSAGE_MAX, PROVISIONING_NOTES_MAX, PROVISIONING_REPORTED
from services.errors import ServiceError

STATUS_LABELS = {"pending": "Pending", "provisioning": "Being set up", "ready": "Ready", "failed": "Failed"}
_SEPARATORS = re.compile(r"[\s,]+")


def _addresses(text: str | None) -> list[str]:
    return [entry for entry in _SEPARATORS.split(text or "") if entry]


class ProvisioningForm(FlaskForm):
    status = SelectField("Status", choices=[SelectChoice(status, STATUS_LABELS[status])
                                            for status in PROVISIONING_REPORTED],
                         description="Failed refunds everything the rental was charged, ends it and releases the "
                                     "server.")
    message = TextAreaField("Message for the renter", render_kw={"maxlength": PROVISIONING_MESSAGE_MAX, "rows": 2})
    ipv4 = TextAreaField("IPv4 addresses", render_kw={"rows": 2, "spellcheck": "false"},
                         description="One a line (or separated by commas).")
    ipv6 = TextAreaField("IPv6 addresses", render_kw={"rows": 2, "spellcheck": "false"},
                         description="One a line (or separated by commas).")
    hostname = StringField("Host name", render_kw={"maxlength": HOSTNAME_MAX, "spellcheck": "false",
                                                    "autocomplete": "off"})
    notes = TextAreaField("Access notes", render_kw={"maxlength": PROVISIONING_NOTES_MAX, "rows": 3},
                          description="How to log in: the user, the port, where the key is.")

    @classmethod
    def of(cls, rental) -> "ProvisioningForm":
        """The form filled with the rental's setup as it stands."""
        access = rental.provisioning_access or {}
        status = rental.provisioning_status if rental.provisioning_status in PROVISIONING_REPORTED else "provisioning"
        return cls(formdata=None, status=status, message=rental.provisioning_message or "",
                   ipv4="\n".join(access.get("ipv4", ())), ipv6="\n".join(access.get("ipv6", ())),
                   hostname=access.get("hostname") or "", notes=access.get("notes") or "")

    @property
    def access(self) -> dict | None:
        """The access details typed, or None when every field is empty."""
        access = {"ipv4": _addresses(self.ipv4.data), "ipv6": _addresses(self.ipv6.data),
                  "hostname": (self.hostname.data or "").strip() or None, "notes": self.notes.data or None}
        return access if any(access.values()) else None

    @staticmethod
    def add_report_errors(form: "ProvisioningForm", error: ServiceError) -> None:
        """A complaint about ``access.ipv4.2`` goes beside the IPv4 field, and so on."""
        for detail in error.details or [{"field": None, "message": error.message}]:
            name = (detail.get("field") or "").removeprefix("access.").split(".")[0]
            field = form._fields.get(name)
            if field is None:
                form.form_errors = [*form.form_errors, error.message]
                continue
            message = detail["message"]
            field.errors = [*field.errors, message[0].upper() + message[1:]]
