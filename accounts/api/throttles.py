from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class SettingsScopedRateThrottle(ScopedRateThrottle):
    """ScopedRateThrottle that reads its rate from the current REST_FRAMEWORK setting.

    DRF's throttles copy DEFAULT_THROTTLE_RATES into a class attribute when imported, so a
    changed setting (per environment, or in a test) would otherwise be ignored.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
