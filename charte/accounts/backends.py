from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from charte.accounts import trusted_devices
from charte.accounts.models import User
from charte.accounts.receivers import login_digest
from charte.audit import watch
from charte.core.net import client_address


class EmailOrUsernameBackend(ModelBackend):
    """Sign in with an email address, or with a username (pupils without an email address).

    Like Django's `AllowAllUsersModelBackend`, it answers a closed account whose password was
    right, and leaves the refusal to the form, which says why the account waits. Every other
    door (`get_user`, a session) refuses a closed account.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        login = username or kwargs.get("email") or kwargs.get("login")
        if not login or password is None:
            return None
        user = User.objects.by_login(login).first()
        ip = client_address(request) if request is not None else None
        device = trusted_devices.trusted_device(request, user)
        if watch.current_lock(account=user, login_digest=login_digest(login), ip=ip, device=device):
            raise PermissionDenied  # slowed down after repeated failures (charte.audit.watch)
        if user is None:
            # Spend the time a real check takes, so that timing does not tell which logins exist.
            User().set_password(password)
            return None
        if user.check_password(password):
            # A closed account is handed over too, only to its right password, so that the
            # sign-in form can say why it waits (`LoginForm.confirm_login_allowed`); it never
            # gets a session: `get_user` and the form refuse it.
            return user
        return None

    def get_user(self, user_id: int) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
