"""The four territories (EPT) of the Hauts-de-Seine and the INSEE codes of their communes."""
from enum import StrEnum


class Territory(StrEnum):
    BOUCLE_NORD_DE_SEINE = "boucle_nord_de_seine"
    PARIS_OUEST_LA_DEFENSE = "paris_ouest_la_defense"
    GRAND_PARIS_SEINE_OUEST = "grand_paris_seine_ouest"
    VALLEE_SUD_GRAND_PARIS = "vallee_sud_grand_paris"


LABELS = {
    Territory.BOUCLE_NORD_DE_SEINE: "Boucle Nord de Seine",
    Territory.PARIS_OUEST_LA_DEFENSE: "Paris Ouest La Défense",
    Territory.GRAND_PARIS_SEINE_OUEST: "Grand Paris Seine Ouest",
    Territory.VALLEE_SUD_GRAND_PARIS: "Vallée Sud Grand Paris",
}

# commune INSEE code -> (name, territory)
COMMUNES: dict[str, tuple[str, Territory]] = {}
for _territory, _communes in {
    Territory.BOUCLE_NORD_DE_SEINE: {
        "92004": "Asnières-sur-Seine", "92009": "Bois-Colombes", "92024": "Clichy",
        "92025": "Colombes", "92036": "Gennevilliers", "92078": "Villeneuve-la-Garenne",
    },
    Territory.PARIS_OUEST_LA_DEFENSE: {
        "92026": "Courbevoie", "92033": "Garches", "92035": "La Garenne-Colombes",
        "92044": "Levallois-Perret", "92050": "Nanterre", "92051": "Neuilly-sur-Seine",
        "92062": "Puteaux", "92063": "Rueil-Malmaison", "92064": "Saint-Cloud",
        "92073": "Suresnes", "92076": "Vaucresson",
    },
    Territory.GRAND_PARIS_SEINE_OUEST: {
        "92012": "Boulogne-Billancourt", "92022": "Chaville", "92040": "Issy-les-Moulineaux",
        "92047": "Marnes-la-Coquette", "92048": "Meudon", "92072": "Sèvres",
        "92075": "Vanves", "92077": "Ville-d'Avray",
    },
    Territory.VALLEE_SUD_GRAND_PARIS: {
        "92002": "Antony", "92007": "Bagneux", "92014": "Bourg-la-Reine",
        "92019": "Châtenay-Malabry", "92020": "Châtillon", "92023": "Clamart",
        "92032": "Fontenay-aux-Roses", "92046": "Malakoff", "92049": "Montrouge",
        "92060": "Le Plessis-Robinson", "92071": "Sceaux",
    },
}.items():
    for _code, _name in _communes.items():
        COMMUNES[_code] = (_name, _territory)


def territory_of(insee_code: str | None) -> Territory | None:
    entry = COMMUNES.get(insee_code or "")
    return entry[1] if entry else None
