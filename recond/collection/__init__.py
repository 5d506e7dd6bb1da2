"""The collection journey: donor companies (`donors`), their deposits from pledge to reception
(`deposits`, `reception`), registering devices one at a time (`registration`) or from a
manifest file (`manifests`), and the deposit's papers (`deposit_receipt_pdf`,
`donation_receipt_pdf`). Devices enter the lifecycle here, through `lifecycle.register`."""
