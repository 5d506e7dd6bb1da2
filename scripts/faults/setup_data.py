"""The fault run's data, made through Recond's own functions: a workshop and its technician, a
collection partner, a donor's deposit with N registered devices; tokens. Prints them as JSON.

    RECOND_DATABASE_URL=… python scripts/faults/setup_data.py 7000
"""
import json
import sys

from flask_migrate import upgrade

from recond import create_app, lifecycle
from recond.collection import deposits, donors
from recond.extensions import db
from recond.identity import accounts
from recond.models import Device

count = int(sys.argv[1])
app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
with app.app_context():
    upgrade()
    workshop = accounts.create_organisation("Atelier des pannes", "workshop")
    collecting = accounts.create_organisation("Collecte des pannes", "collector")
    password = "Fault run password 42!"
    collector = accounts.create_user("collecte@faults.test", role="collector", organisation=collecting,
                                     password=password)
    tech = accounts.create_user("atelier@faults.test", role="technician", organisation=workshop,
                                password=password)
    donor = donors.create_donor(collector, name="Donateur", siret="84123456700011")
    lot = deposits.create_deposit(collector, donor=donor, workshop=workshop)
    lifecycle.register_many(collector, lot, [
        {"category": "laptop", "brand": "Dell", "model": "Latitude 5490", "serial": f"FR{i:07d}",
         "asset_tag": None, "specs": {"ram_gb": 8}, "media": []} for i in range(count)])
    tokens = {"tech": accounts.create_token(tech), "collector": accounts.create_token(collector)}
    db.session.commit()
    ids = list(db.session.scalars(db.select(Device.public_id).where(Device.deposit_id == lot.id)
                                  .order_by(Device.id)))
    print(json.dumps({**tokens, "deposit": lot.number, "devices": ids}))
