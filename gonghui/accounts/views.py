from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gonghui.audit.models import AuditEvent
from gonghui.console.access import security_admin_required

from . import services
from .forms import RegisterForm, SignInForm
from .models import User


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_auditor:
            return reverse("console:audit")
        if user.is_security_admin:
            return reverse("security:locked")
        if user.is_cadre:
            return reverse("console:home")
        if user.is_admin_role and user.is_staff:
            return reverse("admin:index")
        return reverse("portal:home")


def _add_errors(form, exc: ValidationError):
    for field, msgs in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


@require_http_methods(["GET", "POST"])
def register(request):
    """Worker sign-up: mobile + one-time code + password, on one screen."""
    if request.method == "POST" and request.POST.get("action") == "send_code":
        # Only the mobile is checked here; a refusal (bad number, resent too soon) shows on that field.
        form = RegisterForm({"mobile": request.POST.get("mobile", "")})
        form.fields["code"].required = form.fields["password"].required = False
        if form.is_valid():
            try:
                services.otp_send(mobile=form.cleaned_data["mobile"])
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.info(request, _("A verification code has been sent to your mobile."))
        return render(request, "accounts/register.html", {"form": form, "code_sent": not form.errors})
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.worker_register(request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            login(request, user, backend="gonghui.accounts.backends.LockoutAwareBackend")
            next_url = request.GET.get("next", "")
            if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("portal:home")
    return render(request, "accounts/register.html", {"form": form})


@security_admin_required
def locked_accounts(request):
    """The security administrator's page: accounts locked after wrong passwords, and recent lockouts."""
    now = timezone.now()
    locked = User.objects.filter(locked_until__gt=now).order_by("-locked_until")
    recent = AuditEvent.objects.filter(action__in=["account.locked", "account.unlock"])[:50]
    return render(request, "accounts/locked.html", {"locked": locked, "recent": recent})


@security_admin_required
@require_POST
def unlock(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.account_unlock(actor=request.user, user=user, request=request)
        messages.success(request, _("The account %(name)s is unlocked.") % {"name": user.get_username()})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("security:locked")
