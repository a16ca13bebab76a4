"""/my/mediation/: a signed-in worker's legal questions and mediation cases."""

from django.urls import path

from . import views

app_name = "my_mediation"
urlpatterns = [
    path("", views.my_mediation, name="list"),
    path("ask/", views.ask, name="ask"),
    path("cases/<int:pk>/agreement/", views.my_agreement, name="agreement"),
]
