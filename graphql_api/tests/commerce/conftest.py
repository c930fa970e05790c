"""The commerce tests' shop (two vendors, mug, shirt, lamp), shoppers and the real checkout."""

import pytest

from commerce.payments.tests.conftest import _eager_celery  # noqa: F401
from commerce.tests.conftest import (  # noqa: F401
    address_data,
    commerce_shop_rows,
    other_shopper,
    place_order,
    shop,
    shopper,
)


@pytest.fixture(autouse=True)
def dummy_payments(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.PAYMENT_PROVIDER = "dummy"
