from django.contrib.auth import views as auth_views
from django.urls import path

from . import forms

urlpatterns = [
    path(
        "entrar/",
        auth_views.LoginView.as_view(
            authentication_form=forms.EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("sair/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "senha/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path("senha/ok/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "senha/esqueci/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "senha/esqueci/enviado/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "senha/definir/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "senha/definida/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
