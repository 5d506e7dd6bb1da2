"""Device labels: an ID label when a device is received (QR of its public URL, Code 128 of its
public ID), a product label after grading (ID, category, grade, OS, CPU, RAM, storage).

`content` says what a label carries; `media` the sheets and rolls; `geometry` where each
element goes on a label, computed once per medium and kind; `pdf`, `zpl` and `image` draw
that geometry. `printing` is the domain entry point (who may print what, batches).
"""
