"""Who may do what: the one table of capabilities. Each capability names the roles that hold
it, the organisation scope that then applies, and the refusal a reader gets without it.

Views declare a capability (`blueprints.guard.requires`), domain functions ask `can` or
`require`, templates ask `can(...)` or receive `may_…` flags, and the navigation is filtered
by it: no role tuple anywhere else. The scope column is what `recond.scopes` enforces in its
queries once the role passes; it is written here so the whole rule reads on one line.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from recond.errors import NotPermitted
from recond.models.user import Role

A, C, L, T, S, D = (Role.ADMIN, Role.COORDINATOR, Role.COLLECTOR, Role.TECHNICIAN,
                    Role.STRUCTURE, Role.DONOR)
EVERYONE = frozenset(Role)


@dataclass(frozen=True)
class Capability:
    roles: frozenset[Role]
    scope: str  # whose objects, once the role passes (enforced by recond.scopes)
    refusal: object = None  # what a domain refusal says; None: "Your role may not do this."


def _cap(roles, scope: str, refusal=None) -> Capability:
    return Capability(frozenset(roles), scope, refusal)


# The lifecycle's actions (recond.lifecycle.actions): "act.<action>".
_ACTIONS: dict[str, Capability] = {
    "act.receive": _cap((T,), "the workshop's devices"),
    "act.wipe": _cap((T,), "the workshop's devices"),
    "act.install_os": _cap((T,), "the workshop's devices"),
    "act.grade": _cap((T,), "the workshop's devices"),
    "act.allocate": _cap((C,), "all devices"),
    "act.cancel_allocation": _cap((C,), "all devices"),
    "act.deliver": _cap((S,), "devices allocated to the structure, on a shipped note"),
    "act.release": _cap((S,), "devices allocated to the structure"),
    "act.return": _cap((T,), "the workshop's devices"),
    "act.recycle": _cap((T,), "the workshop's devices"),
    "act.dismantle": _cap((T,), "the workshop's devices"),
    # A partner's manifest brings its output back ready (recond.lifecycle.partner_returns).
    "act.return_from_partner": _cap((C,), "devices supplied under a convention, or new ones"),
}

TABLE: dict[str, Capability] = {
    # identity: one's own account, and the people and organisations one keeps
    "account.own": _cap(EVERYONE, "one's own account, tokens and two-factor sign-in"),
    "organisations.keep": _cap((A, C), "every kind for admins; workshops, collection partners "
                               "and structures for the coordination"),
    "people.keep": _cap((A, C, S, T), "admins everyone; the coordination structures' and "
                        "collection partners' staff; a manager their own colleagues"),
    "security.admin": _cap((A,), "every account: the security log, every token, sign-out"),
    # Webhooks (recond.webhooks.register says why administrators only).
    "webhooks.manage": _cap((A,), "every organisation's webhooks, each sent its own scope",
                            _l("Only administrators keep webhooks.")),
    # Whose people one keeps (recond.identity.users picks the organisations from these).
    "people.keep_everyone": _cap((A,), "every organisation's people"),
    "people.keep_partners": _cap((C,), "structures' and collection partners' staff"),
    "people.keep_own_staff": _cap((S, T), "a manager: the colleagues of their own organisation"),
    **_ACTIONS,
    # The scope shortcut (User.sees_everything): every organisation's objects.
    "scopes.everything": _cap((A, C), "every organisation"),
    # Everyone signed in.
    "signed_in": _cap(EVERYONE, "own account and own jobs"),
    "devices.read": _cap(EVERYONE, "devices in scope (scopes.device_scope)"),
    # The pages and API that perform actions admit whoever performs at least one.
    "devices.act": _cap(frozenset().union(*(c.roles for c in _ACTIONS.values())),
                        "devices in scope; each action then asks its own act.<name>"),
    # History rows about an allocation (structure, price, beneficiary): not for the donor's
    # or the collection partner's eyes; the terms themselves need scopes.sees_allocation_terms.
    "allocation.history": _cap((A, C, T, S), "devices in scope"),
    # Home pages: each side's to-do list (recond.overview).
    "overview.structure": _cap((S,), "the structure's handovers, arriving notes and requests"),
    "overview.workshop": _cap((T,), "the workshop's devices, media and receptions"),
    "overview.coordination": _cap((C,), "every request, approved line and ready device"),
    "overview.collection": _cap((L,), "the collection partner's deposits"),
    "overview.donations": _cap((D,), "the donor's deposits and their certificates"),
    "overview.organisations": _cap((A,), "all organisations and devices"),
    # Reports (recond.reports): the dashboard (a workshop its own devices' figures), the
    # structures' figures and the programme's indicators with their exports; open data is public.
    "reports.dashboard": _cap((A, C, T), "all devices; a workshop its own devices"),
    "reports.programme": _cap((A, C), "every structure's requests, allocations, training and "
                              "payments, as aggregates"),
    # Collection.
    "deposits.read": _cap((A, C, L, T, D), "deposits in scope (scopes.deposit_scope)"),
    "deposits.manage": _cap((C, L), "the collection partner's own deposits; coordinators all",
                            _l("Only collection partners and coordinators log deposits.")),
    "deposits.valuation": _cap((C, L, D), "deposits in scope",
                               _l("Your role may not record a valuation.")),
    # Donation receipts (Cerfa n° 16216): issued in the name of the deposit's collection
    # partner, the beneficiary of the gift, by the coordination or an administrator.
    "donation_receipts.read": _cap((A, C, L, D), "receipts of deposits in scope: the donor "
                                   "its own, the collection partner those in its name",
                                   _l("Your role may not read donation receipts.")),
    "donation_receipts.issue": _cap((A, C), "every deposit whose reception is closed",
                                    _l("Only the coordination and administrators issue "
                                       "donation receipts.")),
    # Routing a deposit to a workshop (recond.collection.routing): the collection partner
    # chooses or takes the proposal when pledging; the coordination changes it before reception.
    "deposits.route": _cap((A, C), "every deposit whose reception has not started",
                           _l("Only the coordination sends a deposit to another workshop.")),
    "deposits.receive": _cap((T,), "the workshop's deposits",
                             _l("Only the workshop's technicians receive deposits.")),
    "devices.register": _cap((C, L, T), "deposits in scope, while their reception is open",
                             _l("Your role may not register devices.")),
    # The donor impact report (recond.collection.impact): the company its own, the
    # coordination any donor's; the emission factors it uses are the administrators'.
    "impact.read": _cap((A, C, D), "the donor company its own report; the coordination all",
                        _l("Only the donor company and the coordination read its impact "
                           "report.")),
    "impact.factors": _cap((A,), "the one table of emission factors",
                           _l("Only administrators edit the emission factors.")),
    "donors.manage": _cap((A, C, L), "donors the collection partner manages; the coordination all",
                          _l("Only collection partners, coordinators and administrators manage "
                             "donor companies.")),
    # Workshop.
    "labels.print": _cap((C, L, T), "devices and deposits in scope",
                         _l("Your role may not print labels.")),
    "wipe_logs": _cap((T,), "the workshop's logs and devices",
                      _l("Only workshop technicians upload wipe logs.")),
    "sanitisation.record": _cap((T,), "the workshop's devices",
                                _l("Only workshop technicians record sanitisation.")),
    "media.read": _cap((A, C, T), "devices in scope",
                       _l("Your role may not read storage media.")),
    "media.keep": _cap((T,), "the workshop's devices",
                       _l("Only workshop technicians manage storage media.")),
    "hardware.capture": _cap((T,), "the workshop's devices",
                             _l("Only workshop technicians upload hardware captures.")),
    "hardware.read": _cap((A, C, T), "devices in scope",
                          _l("Your role may not read hardware captures.")),
    "devices.test": _cap((T,), "the workshop's devices",
                         _l("Only the workshop's technicians test devices.")),
    "certificates.issue": _cap((C, T), "devices and deposits in scope",
                               _l("Only the workshop's technicians and the coordination issue "
                                  "certificates of sanitisation.")),
    "certificates.read": _cap((A, C, L, T, D), "devices in scope",
                              _l("Your role may not read certificates.")),
    "recycling.read": _cap((A, C, T), "the workshop's lots; the coordination all",
                           _l("Your role may not read recycling lots.")),
    "recycling.hand_over": _cap((T,), "the workshop's lots",
                                _l("Only the workshop's technicians hand recycling lots over.")),
    # Transfers between workshops (recond.workshop.transfers).
    "transfers.read": _cap((A, C, T), "notes from or (once shipped) to the workshop; the "
                           "coordination all", _l("Your role may not read transfer notes.")),
    "transfers.prepare": _cap((T,), "notes from the workshop, its own devices",
                              _l("Only the sending workshop's technicians prepare a transfer.")),
    "transfers.receive": _cap((T,), "shipped notes addressed to the workshop",
                              _l("Only the receiving workshop's technicians receive a transfer.")),
    "os_catalogue.edit": _cap((A,), "the whole catalogue",
                              _l("Only administrators edit the catalogue of operating systems.")),
    # Distribution.
    "requests.read": _cap((A, C, S), "the structure's own requests; the coordination all"),
    "requests.create": _cap((S,), "the structure's own requests",
                            _l("Only structures request equipment.")),
    "requests.decide": _cap((C,), "all requests", _l("Only coordinators decide on requests.")),
    "requests.cancel": _cap((C, S), "the structure's own requests; coordinators all",
                            _l("Only the structure or a coordinator cancels a request.")),
    "allocation.desk": _cap((C,), "all ready devices and approved lines"),
    "allocation.fairness": _cap((A, C), "all allocations"),
    "pricing.publish": _cap((A, C), "the one price grid",
                            _l("Only coordinators and administrators set the price grid.")),
    "structures.keep": _cap((A, C), "the whole directory",
                            _l("Only coordinators and administrators keep the directory of "
                               "structures.")),
    # The help a device's public page offers whoever holds it (support line, guides, places).
    "public_help.edit": _cap((A, C), "the one set of help links of the public device pages",
                             _l("Only coordinators and administrators set the help of the "
                                "public device pages.")),
    "structures.read": _cap((A, C, S), "the whole directory; a structure its own page"),
    "structures.edit_own": _cap((S,), "the structure's own contact details",
                                _l("You may not edit this structure.")),
    "training.topics": _cap((A, C), "the one list of topics",
                            _l("Only coordinators and administrators edit the list of topics.")),
    "training.record": _cap((S,), "the structure's own sessions",
                            _l("Only structures record training sessions.")),
    "beneficiaries.keep": _cap((S,), "the structure's own beneficiaries",
                               _l("Only structures keep beneficiaries.")),
    "payments.record": _cap((S,), "allocations to the structure",
                            _l("Only structures record payments.")),
    "handover.read": _cap((A, C, S), "allocations to the structure; the coordination all"),
    "deliveries.read": _cap((A, C, S, T), "the workshop's notes; shipped notes to the structure"),
    "deliveries.prepare": _cap((T,), "the workshop's notes",
                               _l("Only the workshop prepares delivery notes.")),
    "deliveries.receive": _cap((S,), "shipped notes addressed to the structure"),
    # Partner conventions (recond.collection.conventions): "X devices in, Y reconditioned out".
    "conventions.read": _cap((A, C, T), "every convention for the coordination; a partner "
                             "workshop its own (scopes.convention_scope)",
                             _l("Your role may not read conventions.")),
    "conventions.manage": _cap((C,), "every convention",
                               _l("Only coordinators keep partner conventions.")),
    # The pickups calendar (recond.collection.pickups): pledged deposits' pickups.
    "pickups.read": _cap((A, C, L), "the collection partner's own pickups; the coordination all",
                         _l("Your role may not read the pickups calendar.")),
    "pickups.plan": _cap((C, L), "the collection partner's own pledged deposits; coordinators all",
                         _l("Only collection partners and coordinators plan pickups.")),
}


def roles(capability: str) -> frozenset[Role]:
    return TABLE[capability].roles


def can(actor, capability: str) -> bool:
    """May this actor's role use the capability? (Scope is asked separately, in the query.)"""
    return actor is not None and actor.role in TABLE[capability].roles


def require(actor, capability: str, message=None) -> None:
    """Refuse (403) unless the actor's role holds the capability, saying who may."""
    if not can(actor, capability):
        raise NotPermitted(message or TABLE[capability].refusal or _l("Your role may not do this."))
