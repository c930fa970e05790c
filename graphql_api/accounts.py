"""Accounts: register, JWT tokens (the same simplejwt tokens as /api/v1/auth/), the viewer's
profile and saved addresses — through `accounts.services` and `accounts.selectors`, with the
DRF API's input shapes and its "auth" throttle."""

from datetime import datetime

import strawberry
import strawberry_django
from strawberry import auto
from strawberry.types import Info

from accounts import selectors, services
from accounts.api.serializers import (
    AddressInputSerializer,
    RefreshTokenInputSerializer,
    RegisterInputSerializer,
    TokenObtainInputSerializer,
    TokenRefreshInputSerializer,
)
from accounts.models import Address as AddressModel
from accounts.models import User as UserModel
from graphql_api.context import authenticated_user, request_of, viewer
from graphql_api.drf import throttle, validated
from graphql_api.errors import UserError, mutation_errors


@strawberry_django.type(UserModel, name="User")
class User:
    id: auto
    email: auto
    first_name: auto
    last_name: auto
    date_joined: datetime


@strawberry_django.type(AddressModel, name="Address")
class Address:
    id: auto
    full_name: auto
    line1: auto
    line2: auto
    city: auto
    postal_code: auto
    country: auto
    phone: auto
    is_default: auto
    created_at: auto


@strawberry.type
class TokenPair:
    access: str = strawberry.field(description="Short-lived: Authorization: Bearer <access>.")
    refresh: str = strawberry.field(
        description="Each use returns a new one and blacklists the old one."
    )


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class TokenPayload:
    token: TokenPair | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressPayload:
    address: Address | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressDeletePayload:
    deleted_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class AddressInput:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    line2: str | None = None
    phone: str | None = None
    is_default: bool | None = strawberry.field(
        default=None, description="A user's first address is always the default."
    )


@strawberry.input(description="Only the fields given change.")
class AddressUpdateInput:
    full_name: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country: str | None = None
    phone: str | None = None
    is_default: bool | None = None


def _given(data) -> dict:
    return {name: value for name, value in strawberry.asdict(data).items() if value is not None}


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The logged-in user, or null for an anonymous request.")
    def me(self, info: Info) -> User | None:
        user = viewer(info)
        return user if user.is_authenticated else None

    @strawberry.field(description="The viewer's saved addresses, the default first.")
    def addresses(self, info: Info) -> list[Address]:
        return list(selectors.addresses_for_user(user=authenticated_user(info)))


@strawberry.type
class AccountsMutation:
    @strawberry.mutation(description="Create a shopper account.")
    @mutation_errors(UserPayload)
    def register(
        self, info: Info, email: str, password: str, first_name: str = "", last_name: str = ""
    ) -> UserPayload:
        throttle(info, "auth")
        data = validated(
            RegisterInputSerializer,
            {
                "email": email,
                "password": password,
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        return UserPayload(user=services.user_register(**data))

    @strawberry.mutation(
        description="Log in: an access and a refresh token for e-mail and password."
    )
    @mutation_errors(TokenPayload)
    def token_obtain(self, info: Info, email: str, password: str) -> TokenPayload:
        throttle(info, "auth")
        data = validated(
            TokenObtainInputSerializer,
            {"email": email, "password": password},
            context={"request": request_of(info)},
        )
        return TokenPayload(token=TokenPair(access=data["access"], refresh=data["refresh"]))

    @strawberry.mutation(description="A new token pair for a refresh token (which is blacklisted).")
    @mutation_errors(TokenPayload)
    def token_refresh(self, info: Info, refresh: str) -> TokenPayload:
        data = validated(TokenRefreshInputSerializer, {"refresh": refresh})
        return TokenPayload(token=TokenPair(access=data["access"], refresh=data["refresh"]))

    @strawberry.mutation(description="Log out: blacklist the refresh token.")
    @mutation_errors(LogoutPayload)
    def logout(self, info: Info, refresh: str) -> LogoutPayload:
        data = validated(RefreshTokenInputSerializer, {"refresh": refresh})
        services.refresh_token_revoke(refresh_token=data["refresh"])
        return LogoutPayload(ok=True)

    @strawberry.mutation(description="Save an address.")
    @mutation_errors(AddressPayload)
    def address_create(self, info: Info, input: AddressInput) -> AddressPayload:
        user = authenticated_user(info)
        data = validated(AddressInputSerializer, _given(input))
        return AddressPayload(address=services.address_create(user=user, **data))

    @strawberry.mutation(description="Change some fields of a saved address.")
    @mutation_errors(AddressPayload)
    def address_update(
        self, info: Info, id: strawberry.ID, input: AddressUpdateInput
    ) -> AddressPayload:
        address = selectors.address_get(user=authenticated_user(info), address_id=id)
        data = validated(AddressInputSerializer, _given(input), partial=True)
        return AddressPayload(address=services.address_update(address=address, **data))

    @strawberry.mutation(description="Make a saved address the default.")
    @mutation_errors(AddressPayload)
    def address_set_default(self, info: Info, id: strawberry.ID) -> AddressPayload:
        address = selectors.address_get(user=authenticated_user(info), address_id=id)
        return AddressPayload(address=services.address_set_default(address=address))

    @strawberry.mutation(description="Delete a saved address (placed orders keep their copy).")
    @mutation_errors(AddressDeletePayload)
    def address_delete(self, info: Info, id: strawberry.ID) -> AddressDeletePayload:
        address = selectors.address_get(user=authenticated_user(info), address_id=id)
        address_id = address.pk
        services.address_delete(address=address)
        return AddressDeletePayload(deleted_id=strawberry.ID(str(address_id)))
