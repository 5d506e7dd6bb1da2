"""The workshop journey: sanitisation of every storage medium (`sanitisation`, `storage_media`,
wipe logs read by `wipelogs` and kept as evidence by `wipe_evidence`), its certificates
(`certificates`, `certificate_pdf`), the OS catalogue (`os_catalogue`), failed functional tests
(`test_reports`) and WEEE recycling lots (`recycling`). `sanitisation`, `recycling` and
`os_catalogue` are rules the lifecycle's guards read; the others perform actions through it."""
