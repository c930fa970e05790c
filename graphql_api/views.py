"""The /graphql/ endpoint: strawberry's Django view with the DRF API's JWT authentication.

`Authorization: Bearer <access token>` (simplejwt, the tokens of /api/v1/auth/token/ and of the
tokenObtain mutation) authenticates the request; without it the request is anonymous. Session
cookies are ignored, so the endpoint needs no CSRF token: a page on another site cannot act
with a shopper's browser session. A bad or expired token is a 401, as on the DRF API.
GraphiQL is served (from the project's static files, no CDN) while introspection is on.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import AuthenticationFailed
from strawberry.django.views import GraphQLView

from accounts.tokens import SessionJWTAuthentication
from graphql_api.drf import authentication_error


def _token_error(error: AuthenticationFailed) -> dict:
    detail = error.detail if isinstance(error.detail, dict) else {"detail": error.detail}
    specific = detail.get("messages") or []
    message = specific[0].get("message") if specific and isinstance(specific[0], dict) else None
    return {
        "code": str(detail.get("code", "authentication_failed")),
        "message": str(message or detail["detail"]),
    }


@method_decorator(csrf_exempt, name="dispatch")
class NexusGraphQLView(GraphQLView):
    def dispatch(self, request, *args, **kwargs):
        try:
            authenticated = SessionJWTAuthentication().authenticate(request)
        except AuthenticationFailed as error:
            problem = authentication_error(error)
            return JsonResponse(
                {"errors": [{"message": problem.message, "extensions": {"code": problem.code}}]},
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        request.user = authenticated[0] if authenticated else AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    def render_graphql_ide(self, request):
        if not settings.GRAPHQL_INTROSPECTION:
            raise Http404("GraphiQL is off (GRAPHQL_INTROSPECTION is false).")
        return super().render_graphql_ide(request)
