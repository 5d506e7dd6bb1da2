"""Reports: the figures of the dashboards, the programme's indicators built from the same
functions, their exports (XLSX, CSV, a monthly PDF) and the open data. Read-only: nothing here
writes; every query is an aggregate in SQL, scoped to the reader (`recond.scopes`)."""
