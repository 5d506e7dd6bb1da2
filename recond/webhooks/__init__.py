"""Webhooks for partners' own tools: the events a change records in its own transaction (the
outbox, `events`), their signed delivery by the worker with retries (`delivery`), the
addresses a delivery may go to (`addresses`), and the administrator's register (`register`).
docs/webhooks.md is the receiver's side."""
