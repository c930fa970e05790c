"""The site's account pages: thin views that validate a form, call one service and render.

Login, logout, password change and password reset are Django's own views (see urls.py) with
the shop's templates.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.exceptions import AddressNotFound
from accounts.forms import (
    AddressForm,
    LoginForm,
    PasswordResetRequestForm,
    ProfileForm,
    RegisterForm,
)
from accounts.throttling import auth_attempt_allowed
from nexus.errors import DomainError
from nexus.throttling import attempt_allowed, throttled_response
from nexus.throttling import throttled_message as _throttled_message

FORM_FIELD_FOR = {"password": "password1"}


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        allowed, wait = auth_attempt_allowed(request)
        if not allowed:
            # The password is not even checked: that is what the throttle protects.
            context = self.get_context_data(
                form=self.get_form_class()(request), throttled_message=_throttled_message(wait)
            )
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for a reset link. Throttled (the "password_reset" scope); whether the e-mail belongs
    to an account or not, the request takes the same path and gets the same answer: the form
    only queues the lookup and the e-mail (`accounts.tasks.password_reset_email_send`)."""

    form_class = PasswordResetRequestForm

    def post(self, request, *args, **kwargs):
        allowed, wait = attempt_allowed(request, "password_reset")
        if not allowed:
            return throttled_response(request, wait)
        return super().post(request, *args, **kwargs)


def register_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        allowed, wait = auth_attempt_allowed(request)
        if not allowed:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_register(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except DomainError as error:
                form.add_error(FORM_FIELD_FOR.get(error.field, error.field), error.message)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome! Your account is ready.")
                return redirect(_safe_next(request, "accounts:profile"))
        if status == 200 and form.errors:
            status = 400
    response = render(
        request,
        "accounts/register.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = str(wait)
    return response


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=user, **form.cleaned_data)
        messages.success(request, "Your name was saved.")
        return redirect("accounts:profile")
    default_address = selectors.address_default_for_user(user=user)
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "default_address": default_address},
        status=400 if form.errors else 200,
    )


def _own_address(request: HttpRequest, address_id: int):
    try:
        return selectors.address_get(user=request.user, address_id=address_id)
    except AddressNotFound as error:
        raise Http404(error.message) from error


@login_required
def address_list_view(request: HttpRequest) -> HttpResponse:
    addresses = selectors.addresses_for_user(user=request.user)
    return render(request, "accounts/address_list.html", {"addresses": addresses})


@login_required
def address_create_view(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.address_create(user=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Address saved.")
            return redirect(_safe_next(request, "accounts:addresses"))
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": None, "next": request.GET.get("next", "")},
        status=400 if form.errors else 200,
    )


@login_required
def address_edit_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    initial = {
        field: getattr(address, field) for field in services.ADDRESS_FIELDS + ("is_default",)
    }
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # An unticked box keeps the default where it is; another address takes it over.
        data["is_default"] = data["is_default"] or None
        try:
            services.address_update(address=address, **data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, "Address updated.")
            return redirect("accounts:addresses")
    return render(
        request,
        "accounts/address_form.html",
        {"form": form, "address": address},
        status=400 if form.errors else 200,
    )


@login_required
def address_delete_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    if request.method == "POST":
        services.address_delete(address=address)
        messages.success(request, "Address deleted.")
        return redirect("accounts:addresses")
    return render(request, "accounts/address_confirm_delete.html", {"address": address})


@login_required
@require_POST
def address_default_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = _own_address(request, address_id)
    services.address_set_default(address=address)
    messages.success(request, "Default address changed.")
    return redirect("accounts:addresses")
