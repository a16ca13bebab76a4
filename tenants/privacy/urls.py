from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.my_records, name="my_records"),
    path("consents/<int:pk>/withdraw/", views.my_consent_withdraw, name="consent_withdraw"),
]
