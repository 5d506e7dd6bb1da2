"""Device labels (ID label at reception, product label after grading): QR code of the device's
public URL, Code 128 of its public ID, rendered to PDF sheets and rolls, ZPL, SVG and PNG.
Filled by the workshop issue."""
