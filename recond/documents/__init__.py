"""Printable documents (PDF): the deposit receipt and the donation receipt; each module builds
one from domain objects and returns its bytes."""
