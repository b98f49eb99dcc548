"""A view's columns from its declaration: sheet columns, computed columns, status columns."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import KommunrapportError, Location
from .expressions import parse_expression
from .status_scales import Scale, find_scale
from .view_model import ViewColumn, ViewSource
from .workbook import attribute_name, normalize


class ColumnBuilder:
    """Turns ``kolumner:`` into :class:`ViewColumn`: names checked against the sheet, formulas
    parsed (a name from ``beräkningar:`` stands for its formula), formats and units chosen."""

    def __init__(
        self,
        source: ViewSource,
        formulas: Mapping[str, str] | None = None,
        scales: Mapping[str, Scale] | None = None,
    ):
        self.source = source
        self.formulas = {normalize(k): v for k, v in (formulas or {}).items()}
        self.scales = scales or {}  # skalor: in report.yaml, for status columns (skala:)

    def columns(self) -> list[ViewColumn]:
        spec, sheet, location = self.source.spec, self.source.sheet, self.source.location
        display_unit = self.source.display_unit
        out: list[ViewColumn] = []
        for index, col in enumerate(spec.columns):
            where = Location(location.file, location.line, f"{location.field}.kolumner[{index}]")
            if col.compute is not None:
                # a name from the package's `beräkningar:` stands for its formula, so the sign
                # convention of e.g. avvikelse is chosen once per package
                formula = self.formulas.get(normalize(col.compute), col.compute)
                expression = parse_expression(formula, where)
                for name in expression.columns:
                    sheet.column_key(name, where)
                title = col.title or col.compute
                key = normalize(col.attribute or title)
                fmt = col.format or ("procent" if expression.is_percent else "tal")
                decimals = _decimals(col.decimals, fmt, spec.decimals)
                unit: str | None = "andel" if fmt == "procent" else display_unit
                attribute = col.attribute or attribute_name(title)
                out.append(
                    ViewColumn(col, key, attribute, title, True, expression, fmt, decimals, unit)
                )
                out[-1].source_decimals = col.decimals == "källan"
            else:
                key = sheet.column_key(self.source.render(str(col.column), where), where)
                header = sheet.headers[sheet.keys.index(key)]
                if col.scale is not None:  # a status column: codes shown as symbol and text
                    out.append(
                        ViewColumn(
                            col,
                            key,
                            col.attribute or attribute_name(header),
                            col.title or header,
                            False,
                            None,
                            "status",
                            0,
                            None,
                            self._scale(col.scale, where),
                        )
                    )
                    continue
                fmt = col.format or "tal"
                decimals = _decimals(col.decimals, fmt, spec.decimals)
                unit = "andel" if fmt == "procent" else (col.unit or display_unit)
                attribute = col.attribute or attribute_name(header)
                out.append(
                    ViewColumn(
                        col, key, attribute, col.title or header, False, None, fmt, decimals, unit
                    )
                )
                out[-1].source_decimals = col.decimals == "källan"
        return out

    def _scale(self, name: str, where: Location) -> Scale:
        scale = find_scale(dict(self.scales), name)
        if scale is None:
            known = ", ".join(self.scales) or "inga (lägg till skalor: i report.yaml)"
            raise KommunrapportError(
                f"skalan {name!r} finns inte",
                Location(where.file, where.line, f"{where.field}.skala"),
                f"Skalor i report.yaml: {known}.",
            )
        return scale


def _decimals(declared: int | str | None, fmt: str, table_decimals: int) -> int:
    """A column's decimals; with ``källan`` (or none declared), the table's (1 for percent)."""
    if isinstance(declared, int):
        return declared
    return 1 if fmt == "procent" else table_decimals
