from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import permissions, selectors
from .models import Dispositif
from .notice import notice_information
from .pdf import rendre_pdf, reponse_pdf
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


def _notice(request, slug):
    try:
        return notice_information(selectors.dispositif_pour(request.user, slug))
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None


def notice(request, slug):
    """La notice d'information du ménage, à lire ou à imprimer (aucune donnée nominative)."""
    return render(request, "core/notice_information.html", {"notice": _notice(request, slug)})


def notice_pdf(request, slug):
    notice = _notice(request, slug)
    contenu = rendre_pdf("pdf/notice_information.html", {"notice": notice})
    return reponse_pdf(contenu, f"notice-information-{notice.dispositif.slug}.pdf")


@login_not_required
@require_GET
@never_cache
def sante(request):
    """Sonde de supervision : répond 200 si la base répond. Ne dit rien d'autre."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
