from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.TrainingIndexView.as_view(), name="index"),
    path("<int:pk>/", views.CourseView.as_view(), name="course"),
    path("enrolments/<int:pk>/cancel/", views.EnrolmentCancelView.as_view(), name="enrolment_cancel"),
    path("certificates/<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("verify/<str:token>/", views.CertificateVerifyView.as_view(), name="verify"),
]
