"""Site forms. They validate shape; the account services apply the rules."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from accounts.countries import country_choices_with_prompt
from accounts.models import Address


class LoginForm(AuthenticationForm):
    """Django's login form with the e-mail address as the user name."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords do not match.")
        return cleaned


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)


class AddressForm(forms.Form):
    full_name = forms.CharField(
        max_length=Address.max_length_of("full_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    line1 = forms.CharField(label="Address line 1", max_length=Address.max_length_of("line1"))
    line2 = forms.CharField(
        label="Address line 2", max_length=Address.max_length_of("line2"), required=False
    )
    city = forms.CharField(max_length=Address.max_length_of("city"))
    postal_code = forms.CharField(max_length=Address.max_length_of("postal_code"))
    country = forms.ChoiceField(choices=country_choices_with_prompt)
    phone = forms.CharField(max_length=Address.max_length_of("phone"), required=False)
    is_default = forms.BooleanField(label="Use as my default address", required=False)


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form whose `save` only queues the work (`password_reset_request`): the
    request does the same thing whether or not the address has an account."""

    def save(self, *, request=None, use_https=False, domain_override=None, **unused):
        from accounts.services import password_reset_request

        password_reset_request(
            email=self.cleaned_data["email"],
            domain=domain_override or request.get_host(),
            use_https=use_https,
        )
