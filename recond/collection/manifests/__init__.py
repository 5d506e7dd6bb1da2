"""Manifest import: a donor's asset spreadsheet (CSV or XLSX) turned into registered devices.

`reading` makes a table of text out of the bytes as French Excel, LibreOffice or pandas save
them; `columns` maps their headers; `rows` checks each row; `importer` keeps the file, previews
it and imports it, inline or as a background job for large files.
"""
