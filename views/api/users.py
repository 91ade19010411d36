"""Your own account through the API: its settings, and the verification of its email address."""
from core.limits import EMAIL_VERIFY_HOURS, VERIFY_EMAILS_PER_HOUR
from services import account_settings, mail
from services.permissions import FULL_ACCESS
from services.errors import (
    CONFLICT,
    EMAIL_ALREADY_VERIFIED,
    EMAIL_NOT_CONFIGURED,
    EMAIL_TAKEN,
    RATE_LIMITED,
    UNAUTHENTICATED,
)
from views.api import api
from views.api import examples as ex
from views.api import serializers as out
from views.api.operations import operation
from views.api.response_schemas import EmailVerified, Me, VerificationSent
from views.api.schemas import UpdateMeBody, VerifyEmailBody
from views.api.support import api_user

ME_DESCRIPTION = ("`notification_preferences` lists every event people can be told of, each with whether it is "
                  "emailed and shown in the app (both on unless turned off). `email_enabled` is false when this "
                  "server sends no email: notifications are then in the app only.")


@api.get("/users/me")
@operation(permission="resources.read_account",
           tag="Account", summary="Your account and its settings", message="User retrieved successfully",
           data=Me, example=ex.ME, description=ME_DESCRIPTION)
def me():
    return out.me(api_user(), mail.is_configured())


@api.route("/users/me", methods=["PATCH", "PUT"])
@operation(
    permission=FULL_ACCESS,
    tag="Account", summary="Change your account's settings", message="User updated successfully", data=Me,
    body=UpdateMeBody, body_example=ex.UPDATE_ME_BODY, example=ex.ME, errors=(EMAIL_TAKEN,),
    error_examples=ex.UPDATE_ME_REFUSALS,
    description="Only the fields sent change, with PUT as with PATCH; nothing changes if any is refused. A new "
                "`email` is unverified (`email_verified` false) and is sent a link that verifies it; the same "
                "address in another case changes nothing; null removes it. `notification_preferences` is merged "
                "into the stored preferences: `{\"rental.expired\": {\"email\": false}}` stops that email and "
                "leaves everything else as it was. Unknown events or channels are a 400.",
)
def update_me(body: UpdateMeBody):
    return out.me(account_settings.update_settings(api_user(), body.changes()), mail.is_configured())


@api.post("/auth/verify-email")
@operation(
    permission=None,
    tag="Account", summary="Verify your email address", message="Email verified", data=EmailVerified,
    body=VerifyEmailBody, body_example=ex.VERIFY_EMAIL_BODY, example=ex.EMAIL_VERIFIED, public=True,
    errors=(UNAUTHENTICATED,), error_examples=ex.VERIFY_EMAIL_REFUSALS,
    description="The token of the link emailed to a new address; no bearer token is needed. A link works for "
                f"{EMAIL_VERIFY_HOURS} hours and only while the address is still the account's; a bad, expired or outdated one is "
                "refused as a bad credential is (401). Verifying twice is fine.",
)
def verify_email(body: VerifyEmailBody):
    user = account_settings.verify_email(body.token)
    return {"email": user.email, "email_verified": True}


@api.post("/auth/resend-verification")
@operation(
    permission=FULL_ACCESS,
    tag="Account", summary="Send the verification link again", message="Verification email sent",
    data=VerificationSent, example=ex.VERIFICATION_SENT, errors=(CONFLICT, EMAIL_NOT_CONFIGURED, EMAIL_ALREADY_VERIFIED, RATE_LIMITED),
    error_examples=ex.RESEND_REFUSALS,
    description="Emails a new link to your unverified address; 409 when you have no address, when it is "
                f"verified already, or when this server sends no email; 429 (with Retry-After) after "
                f"{VERIFY_EMAILS_PER_HOUR} links in an hour, counting those sent when the address was set.",
)
def resend_verification():
    user = account_settings.resend_verification(api_user())
    return {"email": user.email, "email_verified": False}
