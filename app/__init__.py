"""Use cases: the ribbon jobs, the ``xlcell`` command, writing the template, evaluating workbooks.

The top layer. It may import :mod:`workbooks` (lay out sheets and reports), :mod:`udfs` (coerce ranges, the
functions) and :mod:`xlcell` (the models); nothing below imports it (``tests/test_architecture.py``).
"""
