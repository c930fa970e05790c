"""Site views of the vendors app: applying to become a vendor."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from nexus.errors import DomainError
from vendors.applications import application_submit
from vendors.forms import VendorApplicationForm
from vendors.models import VendorApplication


@login_required
def apply(request):
    """GET: the form, or the state of the user's latest application. POST: submit one."""
    latest = VendorApplication.objects.filter(applicant=request.user).first()
    if request.method == "POST":
        form = VendorApplicationForm(request.POST)
        if form.is_valid():
            try:
                application_submit(applicant=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("vendors:apply")
        status = 400
    else:
        form = VendorApplicationForm(initial={"contact_email": request.user.email})
        status = 200
    return render(
        request,
        "vendors/apply.html",
        {"form": form, "latest": latest, "memberships": request.user.vendor_memberships.all()},
        status=status,
    )
