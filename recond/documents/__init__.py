"""The PDF building blocks (reportlab styles, tables, QR codes) every printable document uses;
the documents themselves live with their journey (collection, workshop, distribution)."""
