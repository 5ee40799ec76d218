from django.utils.functional import SimpleLazyObject

from .access import Reach, reach_for


def nav(request):
    """The person's reach for the navigation, computed only if a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_reach": Reach()}
    return {"nav_reach": SimpleLazyObject(lambda: reach_for(user))}
