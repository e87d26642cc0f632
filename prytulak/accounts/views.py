"""Two-factor authentication (TOTP with django-otp) and the lockout page (django-axes)."""

from __future__ import annotations

from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator app"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError(
                _("That code is not right or has expired. Enter the current code."),
                code="invalid",
            )
        return token


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "staff-home"


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or enter its code (each login)."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if device is None:
        device, _created = TOTPDevice.objects.get_or_create(
            user=user,
            confirmed=False,
            defaults={"name": DEVICE_NAME},
        )
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next_url(request))
    context: dict[str, Any] = {"form": form, "setting_up": setting_up, "next": _next_url(request)}
    if setting_up:
        context["qr"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - our own SVG
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "accounts/two_factor.html", context)


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes: too many failed logins for this username from this address, or from this
    address on any usernames (prytulak.accounts.lockout)."""
    return render(request, "accounts/locked_out.html", status=429)
