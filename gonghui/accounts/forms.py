from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Username or mobile; a locked account is told so (the lock is on the account, not the address)."""

    username = forms.CharField(label=_("Username or mobile number"), max_length=150)

    error_messages = {
        "invalid_login": _("The username or password is wrong. After 5 wrong tries the account is locked "
                           "for 30 minutes."),
        "inactive": _("This account is disabled."),
        "locked": _("This account is locked for 30 minutes after too many wrong passwords."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "lockout_user", None) is not None:
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise


class SendCodeForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)  # "+86 138 1234 5678" is fine


class RegisterForm(forms.Form):
    mobile = forms.CharField(label=_("Mobile number"), max_length=20)  # "+86 138 1234 5678" is fine
    code = forms.CharField(label=_("Verification code"), max_length=6)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput,
        help_text=_("At least 8 characters, mixing 3 of: lower case, capitals, digits, symbols."),
    )
