"""What the account page's security sections show (``views.web.account_security`` has their routes)."""
from flask_login import current_user

from core.user_agents import label as browser_label
from services import security_history, sessions
from services.paging import Page
from views.web.account_forms import PasswordChangeForm
from views.web.pager import pager

HISTORY_PAGE_SIZE = 20

def security_context(password_form: PasswordChangeForm | None = None, history_page: Page | None = None) -> dict:
    """What the security sections show: the sessions, the password form and a page of the history."""
    page = history_page or Page(limit=HISTORY_PAGE_SIZE)
    events, total = security_history.history(current_user, page)
    return {
        "login_sessions": sessions.list_sessions(current_user),
        "this_session_id": sessions.current_session_id(current_user),
        "browser_label": browser_label,
        "password_form": password_form or PasswordChangeForm(formdata=None),
        "history": events,
        "history_paging": pager(page, total, len(events), "web.account_history"),
        "describe_event": security_history.describe,
        "event_outcome": security_history.outcome,
    }
