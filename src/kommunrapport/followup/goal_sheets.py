"""The goal workbook's known sheets, their levels and its conventions."""

from __future__ import annotations

# Known goal sheets and their level (1 = top). Sheets on the same level are parallel.
GOAL_SHEETS: dict[str, int] = {
    "fokusområden": 1, "målområden": 1, "perspektiv": 1, "strategiska områden": 1,
    "processområden": 2, "verksamhetsområden": 2,
    "mål": 3, "kf-mål": 3, "långsiktiga mål": 3, "årsmål": 3, "processmål": 3,
    "nämndsmål": 4, "förvaltningsmål": 4,
    "indikatorer": 5, "aktiviteter": 5, "åtaganden": 5, "uppdrag": 5,
}  # fmt: skip
ASSESSMENT_COLUMN = "bedömning"
DEFAULT_GOAL_WORKBOOK = "mal.xlsx"
# How an indicator row with Enhet % stores its numbers: a share (0,205 is 20,5 %, what a cell
# formatted as percent in Excel holds) or a percent number (20,5 is 20,5 %).
PERCENT_CONVENTIONS = ("andel", "procenttal")
