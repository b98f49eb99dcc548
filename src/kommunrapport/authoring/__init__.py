"""New packages, roll-over to the next period, the live preview, the configuration reference."""

from ..project.openpyxl_import import import_openpyxl_without_numpy

import_openpyxl_without_numpy()
