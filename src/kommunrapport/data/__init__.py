"""Figures: workbooks, ledgers, table views, status scales and their checks."""

from ..project.openpyxl_import import import_openpyxl_without_numpy

import_openpyxl_without_numpy()
