"""The wording of form n° 16216 (2041-MEC-SD), "Reçu des dons et versements effectués par les
entreprises au titre de l'article 238 bis du code général des impôts": its title, the statuses
a beneficiary may hold, the forms and natures of a gift, the certification.

A receipt prints these in French whatever the reader's language: it is a French tax document.
The valuation of a gift in kind is the donor company's, on the basis it says (BOFiP
BOI-BIC-RICI-20-30-10-20; art. 238 bis, 1 CGI: the cost price since 2017).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TITLE = ("Reçu des dons et versements effectués par les entreprises au titre de l'article "
         "238 bis du code général des impôts")
FORM = "Cerfa n° 16216 — formulaire n° 2041-MEC-SD"
CERTIFICATION = ("L'organisme bénéficiaire certifie sur l'honneur que les dons et versements "
                 "qu'il reçoit ouvrent droit à la réduction d'impôt prévue à l'article 238 bis "
                 "du code général des impôts.")
GIFT_FORM = "Déclaration de don manuel"  # goods handed over, no deed
GIFT_NATURE = "Don en nature"
PAYMENT_METHOD = "Sans objet (don en nature)"  # the box asks it for gifts of money only
VALUATION_NOTE = ("La valorisation des biens donnés est celle que l'entreprise donatrice a "
                  "déterminée et déclarée, sous sa seule responsabilité ; l'organisme "
                  "bénéficiaire ne l'a pas estimée.")

# The statuses ("qualité de l'organisme bénéficiaire") the form lists for article 238 bis;
# the receipt prints the one that applies. `detail` says what the status needs beside it.
STATUSES: dict[str, str] = {
    "interet_general": "Œuvre ou organisme d'intérêt général",
    "utilite_publique": "Association ou fondation reconnue d'utilité publique",
    "fondation_universitaire": "Fondation universitaire ou fondation partenariale (articles "
                               "L. 719-12 et L. 719-13 du code de l'éducation)",
    "fondation_entreprise": "Fondation d'entreprise",
    "fonds_dotation": "Fonds de dotation",
    "musee_de_france": "Musée de France",
    "enseignement": "Établissement d'enseignement supérieur ou d'enseignement artistique public "
                    "ou privé, d'intérêt général, à but non lucratif",
    "recherche": "Établissement de recherche public ou privé, d'intérêt général, à but non "
                 "lucratif",
    "spectacle_vivant": "Organisme public ou privé dont la gestion est désintéressée et qui a "
                        "pour activité principale la présentation au public d'œuvres "
                        "dramatiques, lyriques, musicales, chorégraphiques, cinématographiques, "
                        "audiovisuelles et de cirque ou l'organisation d'expositions d'art "
                        "contemporain",
    "creation_entreprises": "Organisme ayant pour objet exclusif de participer financièrement "
                            "à la création d'entreprises",
    "cultuel_alsace_moselle": "Association cultuelle ou de bienfaisance et établissement public "
                              "des cultes reconnus d'Alsace-Moselle",
    "fondation_patrimoine": "Fondation du patrimoine, ou fondation ou association qui affecte "
                            "irrévocablement les dons à la Fondation du patrimoine",
    "union_europeenne": "Organisme établi dans un État membre de l'Union européenne ou de "
                        "l'Espace économique européen",
    "autre": "Autre organisme",
}
# Statuses whose line is incomplete without a precision typed beside it.
DETAIL_REQUIRED: dict[str, object] = {
    "utilite_publique": _l("the decree of recognition: its date and that of its publication in "
                           "the Journal officiel"),
    "autre": _l("what kind of organism, and the text that makes gifts to it qualify"),
}
DETAIL_PREFIX = {"utilite_publique": "par décret en date du "}

# On what basis the donor company valued its gift in kind.
VALUATION_BASES: dict[str, str] = {
    "cost_price": "coût de revient",
    "stock_value": "valeur en stock",
}
VALUATION_BASIS_LABELS = {"cost_price": _l("cost price"), "stock_value": _l("stock value")}


def status_line(code: str, detail: str | None) -> str:
    """The status as the receipt prints it: "Association … reconnue d'utilité publique par
    décret en date du 2 mars 1998 publié au JO du 8 mars 1998"."""
    line = STATUSES[code]
    if detail:
        line += (" " + DETAIL_PREFIX[code] if code in DETAIL_PREFIX else " : ") + detail
    return line


def siren(siret: str | None) -> str | None:
    """A SIRET's first nine digits are the company's SIREN, the number the form asks."""
    return siret[:9] if siret and len(siret) == 14 else None
