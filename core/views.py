from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import permissions, selectors
from .models import Dispositif
from .permissions import Action


def dispositifs(request):
    return render(
        request,
        "core/dispositifs.html",
        {"mes_dispositifs": selectors.mes_dispositifs(request.user)},
    )


def dispositif(request, slug):
    try:
        dispositif = selectors.dispositif_pour(request.user, slug)
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None
    return render(
        request,
        "core/dispositif.html",
        {
            "dispositif": dispositif,
            "budget": selectors.budget_du_dispositif(request.user, dispositif),
            "equipe": selectors.equipe_du_dispositif(request.user, dispositif),
            "peut_consulter_journal": permissions.peut(
                request.user, Action.CONSULTER_JOURNAL, dispositif
            ),
        },
    )


@login_not_required
@require_GET
@never_cache
def sante(request):
    """Sonde de supervision : répond 200 si la base répond. Ne dit rien d'autre."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
