"""Donor companies, their identity (legal form and address, as their receipts print them),
sites and contacts, as a collection partner manages them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from recond import capabilities, scopes
from recond.identity import accounts, organisations
from recond.errors import InvalidInput, NotFound
from recond.extensions import db
from recond.models import DonorContact, DonorSite, Organisation, OrganisationKind, User
from recond.territories import COMMUNES



def visible_donors(user: User):
    return select(Organisation).where(Organisation.kind == OrganisationKind.DONOR,
                                      scopes.donor_scope(user)).order_by(Organisation.name)


def get_donor(user: User, donor_id: int) -> Organisation:
    donor = db.session.scalar(visible_donors(user).where(Organisation.id == donor_id))
    if donor is None:
        raise NotFound(_l("No such donor company in what you may see."))
    return donor


def create_donor(actor: User, *, name: str, siret: str, insee_code: str | None = None,
                 address: str | None = None) -> Organisation:
    capabilities.require(actor, "donors.manage")
    if not siret or not siret.strip():
        raise InvalidInput(_l("A donor company is identified by its SIRET."), code="invalid_siret")
    if not name or not name.strip():
        raise InvalidInput(_l("A donor company has a name."))
    donor = accounts.create_organisation(name, OrganisationKind.DONOR, siret=siret,
                                         insee_code=insee_code or None, address=address)
    if not actor.sees_everything:  # a collection partner manages the donors it adds
        donor.managed_by_id = actor.organisation_id
    db.session.flush()
    return donor


def add_site(actor: User, donor: Organisation, *, label: str, address: str, postcode: str) -> DonorSite:
    _managed(actor, donor)
    postcode = postcode.strip()
    if not (label.strip() and address.strip()) or len(postcode) != 5 or not (postcode.isascii() and postcode.isdigit()):
        raise InvalidInput(_l("A site has a name, an address and a 5-digit postcode."))
    # The commune is known when the postcode is that of a single commune of the département.
    site = DonorSite(organisation_id=donor.id, label=label.strip(), address=address.strip(),
                     postcode=postcode, insee_code=_insee_from_postcode(postcode))
    db.session.add(site)
    db.session.flush()
    return site


def add_contact(actor: User, donor: Organisation, *, name: str, title: str = "", email: str = "",
                phone: str = "") -> DonorContact:
    _managed(actor, donor)
    if not name.strip():
        raise InvalidInput(_l("A contact has a name."))
    if email and "@" not in email:
        raise InvalidInput(_l("“%(email)s” is not an e-mail address.", email=email))
    contact = DonorContact(organisation_id=donor.id, name=name.strip(), title=title.strip(),
                           email=email.strip(), phone=phone.strip())
    db.session.add(contact)
    db.session.flush()
    return contact


def update_identity(actor: User, donor: Organisation, **values) -> Organisation:
    """The legal form and full address its donation receipts print."""
    _managed(actor, donor)
    organisations.set_postal_identity(donor, values)
    db.session.flush()
    return donor


def _managed(actor: User, donor: Organisation) -> None:
    capabilities.require(actor, "donors.manage")
    get_donor(actor, donor.id)


# Postcodes of the Hauts-de-Seine that belong to one commune only.
_POSTCODES = {
    "92160": "92002", "92600": "92004", "92220": "92007", "92270": "92009", "92100": "92012",
    "92340": "92014", "92290": "92019", "92320": "92020", "92370": "92022", "92140": "92023",
    "92110": "92024", "92700": "92025", "92400": "92026", "92260": "92032", "92380": "92033",
    "92250": "92035", "92230": "92036", "92130": "92040", "92300": "92044", "92240": "92046",
    "92430": "92047", "92190": "92048", "92120": "92049", "92000": "92050", "92200": "92051",
    "92350": "92060", "92800": "92062", "92500": "92063", "92210": "92064", "92330": "92071",
    "92310": "92072", "92150": "92073", "92170": "92075", "92420": "92076", "92410": "92077",
    "92390": "92078", "92360": "92048",
}


def _insee_from_postcode(postcode: str) -> str | None:
    code = _POSTCODES.get(postcode)
    return code if code in COMMUNES else None
