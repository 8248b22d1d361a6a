from .models import Notification


def inbox(*, user):
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user)


def unread_count(*, user) -> int:
    return inbox(user=user).filter(read_at__isnull=True).count()
