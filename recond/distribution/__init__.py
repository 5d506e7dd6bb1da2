"""The distribution journey: the structures directory (`structures`, `open_data`), their
equipment requests (`equipment_requests`), the social price grid (`pricing`), the allocation
desk (`allocations`), delivery notes (`deliveries`, `delivery_note_pdf`), beneficiaries,
training sessions and the gate they open (`beneficiaries`, `training`, `training_gate`), the
remaining charge (`payments`) and the handover (`handover`, `handover_receipt_pdf`).
`pricing`, `equipment_requests`, `training_gate` and `payments` are rules the lifecycle's guards
read; the others perform actions through it. Money is `recond.money`'s."""
