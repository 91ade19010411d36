"""The tokens page's form: a name and an expiry as before, and what the token may do and from where.

It only converts what was ticked and typed; ``services.scoped_tokens`` checks it."""
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from services.permissions import LEAVES, TEMPLATES, within_rights
from services.errors import ServiceError
from views.web.forms import TokenForm, add_service_errors

CUSTOM = "custom"


class ScopedTokenForm(TokenForm):
    template = SelectField(
        "Permissions", default="full_access",
        choices=[SelectChoice(name, f"{name.replace('_', ' ').capitalize()}: {description}")
                 for name, (description, _) in TEMPLATES.items()]
        + [SelectChoice(CUSTOM, "Custom: the ones ticked below")],
    )
    permissions = SelectMultipleField(
        "Custom permissions", choices=[], validate_choice=False,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    ip_whitelist = StringField(
        "Allowed addresses", description="IP addresses or CIDR ranges, separated by commas or spaces; "
                                         "empty or * for anywhere",
        render_kw={"placeholder": "e.g. 203.0.113.0/24, 2001:db8::1", "autocomplete": "off"},
    )

    def offer(self, is_admin: bool) -> "ScopedTokenForm":
        """Tick boxes for the permissions this person may give (the admin ones to administrators only)."""
        self.permissions.choices = [SelectChoice(path, f"{path} — {LEAVES[path]}")
                                    for path in LEAVES if path in within_rights(LEAVES, is_admin)]
        return self

    @property
    def permission_template(self) -> str | None:
        return None if self.template.data == CUSTOM else self.template.data

    @property
    def permission_tree(self) -> dict | None:
        if self.template.data != CUSTOM:
            return None
        tree: dict = {}
        for path in self.permissions.data or []:
            *branches, leaf = path.split(".")
            node = tree
            for branch in branches:
                node = node.setdefault(branch, {})
            node[leaf] = True
        return tree

    @property
    def addresses(self) -> list[str] | str | None:
        entries = (self.ip_whitelist.data or "").replace(",", " ").split()
        return entries or None


def add_token_errors(form: ScopedTokenForm, error: ServiceError) -> None:
    """The service names the token's name ``alias``, as the API does; on this form it is ``name``."""
    if error.details:
        error.details = [{**detail, "field": "name"} if detail.get("field") == "alias" else detail
                         for detail in error.details]
    add_service_errors(form, error)
