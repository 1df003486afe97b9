from .navigation import barre, liens_de_navigation


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "barre": []}
    liens = liens_de_navigation(user)
    return {"navigation": liens, "barre": barre(liens)}
