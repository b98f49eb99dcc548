"""Commands around the build: check, diff, xlsx as text, section text."""

from ..project.openpyxl_import import import_openpyxl_without_numpy

import_openpyxl_without_numpy()
