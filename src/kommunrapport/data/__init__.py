"""Figures: workbooks, ledgers, table views, status scales and their checks."""
