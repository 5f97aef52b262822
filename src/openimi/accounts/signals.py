"""Receivers: every login notes its session; logouts and lockouts go to the security log.

Connected in ``AccountsConfig.ready``. ``user_logged_in`` fires for every ``login()`` (also
the test client's ``force_login``), so the absolute session lifetime and the session list
hold for every way in.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out

from openimi.accounts.models import SecurityEvent, User


def on_user_logged_in(sender, request, user, **kwargs):
    from openimi.accounts.services import user_session_record

    if request is not None and hasattr(request, "session"):
        user_session_record(request=request, user=user)


def on_user_logged_out(sender, request, user, **kwargs):
    from openimi.accounts.middleware import logged_out_on_purpose
    from openimi.accounts.security_log import security_event_record
    from openimi.accounts.services import user_session_forget

    if request is None or not hasattr(request, "session"):
        return
    logged_out_on_purpose(request)
    user_session_forget(request=request)
    if user is not None:
        security_event_record(event=SecurityEvent.Code.LOGOUT, request=request, user=user)


def on_user_locked_out(sender, request, username, **kwargs):
    """django-axes: the limit was just reached, or a locked name tried again. A known account
    just locked (for one address) is under attack: its user and administrators are told."""
    from openimi.accounts.security_log import security_event_record

    just_locked = getattr(request, "axes_failures_since_start", None) is not None
    user = User.objects.filter(username=username).first() if username else None
    security_event_record(
        event=SecurityEvent.Code.ACCOUNT_LOCKED
        if just_locked
        else SecurityEvent.Code.LOGIN_REFUSED_LOCKED,
        request=request,
        user=user,
        username=username or "",
        # Locked for the address that failed only (accounts/login_limits.py).
        detail="for this address" if just_locked else "",
    )
    if just_locked and user is not None:
        from openimi.accounts.login_limits import account_under_attack_notify

        account_under_attack_notify(user=user)


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(on_user_logged_in, dispatch_uid="openimi.accounts.logged_in")
    user_logged_out.connect(on_user_logged_out, dispatch_uid="openimi.accounts.logged_out")
    user_locked_out.connect(on_user_locked_out, dispatch_uid="openimi.accounts.locked_out")
