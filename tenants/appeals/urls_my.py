"""/my/cases/: a signed-in worker's own cases (of every kind), their timeline and files."""

from django.urls import path

from . import views

app_name = "my_cases"
urlpatterns = [
    path("", views.my_cases, name="list"),
    path("<int:pk>/", views.my_case, name="detail"),
    path("<int:pk>/files/<int:attachment_pk>/", views.my_case_attachment, name="attachment"),
]
