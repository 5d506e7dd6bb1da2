"""The collection journey: donor companies (`donors`), their deposits from pledge to reception
(`deposits`, `reception`), registering devices one at a time (`registration`) or from a
manifest file (`manifests`), the deposit receipt (`deposit_receipt_pdf`), and the donation
receipts issued for the gifts (`donation_receipts`, `receipt_content`, `donation_receipt_pdf`).
Devices enter the lifecycle here, through `lifecycle.register`."""
