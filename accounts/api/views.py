"""The auth API at /api/v1/auth/: thin views that parse, call one service and render."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import selectors, services
from accounts.api.serializers import (
    AddressInputSerializer,
    AddressOutputSerializer,
    ProfileUpdateInputSerializer,
    RefreshTokenInputSerializer,
    RegisterInputSerializer,
    TokenObtainInputSerializer,
    TokenObtainRequestSerializer,
    TokenPairOutputSerializer,
    TokenRefreshInputSerializer,
    TokenRefreshRequestSerializer,
    UserOutputSerializer,
)
from accounts.api.throttles import SettingsScopedRateThrottle
from nexus.openapi import error_responses

TAGS = ["auth"]


class RegisterView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=TAGS,
        operation_id="auth_register",
        summary="Create a shopper account",
        description="A taken e-mail (in any letter case) or a weak password is a 400 naming the field.",
        request=RegisterInputSerializer,
        responses={201: UserOutputSerializer},
    )
    def post(self, request):
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(**serializer.validated_data)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenObtainView(TokenObtainPairView):
    serializer_class = TokenObtainInputSerializer
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        tags=TAGS,
        operation_id="auth_token_obtain",
        summary="Log in: exchange e-mail and password for an access and a refresh token",
        request=TokenObtainRequestSerializer,
        responses={200: TokenPairOutputSerializer, **error_responses(401)},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class TokenRefreshRotateView(TokenRefreshView):
    serializer_class = TokenRefreshInputSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="auth_token_refresh",
        summary="Exchange a refresh token for a new access and refresh token",
        description="The refresh token sent is blacklisted: using it again is a 401.",
        request=TokenRefreshRequestSerializer,
        responses={200: TokenPairOutputSerializer, **error_responses(401)},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    # Holding the refresh token is the credential: a client whose access token has
    # already expired can still log out.
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="auth_logout",
        summary="Log out: blacklist the refresh token",
        request=RefreshTokenInputSerializer,
        responses={
            204: OpenApiResponse(description="The refresh token can no longer be used."),
            **error_responses(401),
        },
    )
    def post(self, request):
        serializer = RefreshTokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.refresh_token_revoke(refresh_token=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_retrieve",
        summary="The logged-in user's profile",
        responses={200: UserOutputSerializer},
    )
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_me_update",
        summary="Change the logged-in user's name",
        request=ProfileUpdateInputSerializer,
        responses={200: UserOutputSerializer},
    )
    def patch(self, request):
        serializer = ProfileUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_profile_update(user=request.user, **serializer.validated_data)
        return Response(UserOutputSerializer(user).data)


class AddressListView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_list",
        summary="The logged-in user's saved addresses, default first",
        responses={200: AddressOutputSerializer(many=True)},
    )
    def get(self, request):
        addresses = selectors.addresses_for_user(user=request.user)
        return Response(AddressOutputSerializer(addresses, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_create",
        summary="Save an address",
        request=AddressInputSerializer,
        responses={201: AddressOutputSerializer},
    )
    def post(self, request):
        serializer = AddressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, **serializer.validated_data)
        return Response(AddressOutputSerializer(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_retrieve",
        summary="One saved address (another user's is a 404)",
        responses={200: AddressOutputSerializer},
    )
    def get(self, request, address_id: int):
        address = selectors.address_get(user=request.user, address_id=address_id)
        return Response(AddressOutputSerializer(address).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_update",
        summary="Change some fields of a saved address",
        request=AddressInputSerializer(partial=True),
        responses={200: AddressOutputSerializer},
    )
    def patch(self, request, address_id: int):
        address = selectors.address_get(user=request.user, address_id=address_id)
        serializer = AddressInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        address = services.address_update(address=address, **serializer.validated_data)
        return Response(AddressOutputSerializer(address).data)

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_destroy",
        summary="Delete a saved address (placed orders keep their copy)",
        responses={204: OpenApiResponse(description="Deleted.")},
    )
    def delete(self, request, address_id: int):
        address = selectors.address_get(user=request.user, address_id=address_id)
        services.address_delete(address=address)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AddressDefaultView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="auth_addresses_set_default",
        summary="Make a saved address the default",
        request=None,
        responses={200: AddressOutputSerializer},
    )
    def post(self, request, address_id: int):
        address = selectors.address_get(user=request.user, address_id=address_id)
        address = services.address_set_default(address=address)
        return Response(AddressOutputSerializer(address).data)
