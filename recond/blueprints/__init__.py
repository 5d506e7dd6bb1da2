"""HTML and JSON views. Each view parses input, calls one domain function, and renders."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from recond.blueprints import (
        account, account_links, admin, allocation, api, api_account, api_collection,
        api_distribution, api_handover, api_media, api_receipts, api_recycling, api_reports,
        api_transfers, api_workshop, auth, beneficiaries, certificates, conventions, deliveries,
        deposits, devices, donation_receipts, donors, errors, handover, hardware_captures, home,
        impact, intake, labels, media, organisations, outages, parsing, people, pickups,
        presentation, probes, public_help, recycling, reports, request_log, requests,
        scan_station, security_admin, structures, training, transfers, webhooks, wipe_logs,
    )

    assert api_account.bp is api_collection.bp is api_workshop.bp is api_media.bp \
        is api_receipts.bp is api_recycling.bp is api_distribution.bp is api_handover.bp \
        is api_transfers.bp is api_reports.bp is api.bp  # routes of the one /api/v1 blueprint
    parsing.init_app(app)  # before the first rule: ids in URLs
    presentation.init_app(app)
    request_log.init_app(app)
    errors.init_app(app)
    outages.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(probes.bp)
    app.register_blueprint(devices.bp)
    app.register_blueprint(donors.bp)
    app.register_blueprint(impact.bp)
    app.register_blueprint(deposits.bp)
    app.register_blueprint(intake.bp)
    app.register_blueprint(wipe_logs.bp)
    app.register_blueprint(media.bp)
    app.register_blueprint(hardware_captures.bp)
    app.register_blueprint(labels.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(donation_receipts.bp)
    app.register_blueprint(scan_station.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(recycling.bp)
    app.register_blueprint(structures.bp)
    app.register_blueprint(requests.bp)
    app.register_blueprint(allocation.bp)
    app.register_blueprint(deliveries.bp)
    app.register_blueprint(transfers.bp)
    app.register_blueprint(beneficiaries.bp)
    app.register_blueprint(training.bp)
    app.register_blueprint(handover.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(people.bp)
    app.register_blueprint(account_links.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(security_admin.bp)
    app.register_blueprint(public_help.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(conventions.bp)
    app.register_blueprint(pickups.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(api.bp)
