app_name = "vendor"
urlpatterns: list = []
