from .navigation import liens_de_navigation


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    return {"navigation": liens_de_navigation(user)}
