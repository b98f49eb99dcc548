"""The declaration of a table view (``tabeller.yaml``) and of a chart (``diagram.yaml``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from ..project.config import Model

Unit = Literal["kr", "tkr", "mnkr", "mdkr"]
ColumnFormat = Literal["tal", "procent", "text", "blandad"]


class ColumnSpec(Model):
    """One printed column: a sheet column, or an expression over sheet columns."""

    column: str | int | None = Field(None, alias="kolumn")
    compute: str | None = Field(None, alias="beräkna")
    title: str | None = Field(None, alias="rubrik")
    decimals: int | None = Field(None, alias="decimaler", ge=0, le=6)
    format: ColumnFormat | None = Field(None, alias="format")
    unit: str | None = Field(None, alias="enhet")
    attribute: str | None = Field(None, alias="namn", pattern=r"^[^\W\d]\w*$")
    width: float | None = Field(None, alias="bredd", gt=0, lt=100)
    check_column: str | None = Field(None, alias="kontroll")
    # A status column: the cells hold codes of this scale (skalor: in report.yaml) and print
    # as symbol and text.
    scale: str | None = Field(None, alias="skala")

    @model_validator(mode="after")
    def _one_source(self) -> ColumnSpec:
        if (self.column is None) == (self.compute is None):
            raise ValueError("en kolumn behöver antingen 'kolumn' eller 'beräkna'")
        if self.scale is not None and self.compute is not None:
            raise ValueError(
                "en kolumn med 'skala' visar koderna i bladets kolumn; den kan inte ha 'beräkna'"
            )
        if self.scale is not None and self.format is not None:
            raise ValueError(
                "en kolumn med 'skala' visas med skalans symbol och text; ta bort 'format'"
            )
        return self


class HeaderGroup(Model):
    text: str = Field(alias="text")
    columns: int = Field(alias="kolumner", ge=1)


class TableSpec(Model):
    """A printed table as a view of one sheet."""

    sheet: str = Field(alias="blad")
    caption: str | None = Field(None, alias="rubrik")
    anchor: str | None = Field(None, alias="id", pattern=r"^[A-Za-z][\w-]*$")
    label_title: str = Field("", alias="etikett")
    label_column: str | None = Field(None, alias="radkolumn")
    label_width: float | None = Field(None, alias="etikett_bredd", gt=0, lt=100)
    parent_column: str = Field("Förälder", alias="föräldrakolumn")
    caption_hidden: bool = Field(False, alias="dold_rubrik")
    select: dict[str, Any] | None = Field(None, alias="välj")

    unit: Unit | None = Field(None, alias="enhet")
    source_unit: Unit | None = Field(None, alias="källenhet")
    unit_in: Literal["rubrik", "bildtext", "ingen"] = Field("bildtext", alias="enhet_i")
    decimals: int = Field(0, alias="decimaler", ge=0, le=6)
    columns: list[ColumnSpec] = Field(alias="kolumner", min_length=1)
    rows: list[str | int] | None = Field(None, alias="rader")
    header_groups: list[HeaderGroup] = Field(default_factory=list, alias="rubrikgrupper")
    zero: str = Field("0", alias="noll")
    missing: str = Field("", alias="saknas")
    tolerance: float | None = Field(None, alias="tolerans", ge=0)
    notes: list[str] = Field(default_factory=list, alias="fotnoter")
    source: str | None = Field(None, alias="källa")
    landscape: bool = Field(False, alias="liggande")
    equal_totals: list[str] = Field(default_factory=list, alias="summera_lika")
    hide_empty_rows: bool = Field(False, alias="dölj_tomma_rader")


class ChartSpec(Model):
    """A chart drawn from a table view with matplotlib."""

    table: str = Field(alias="tabell")
    kind: Literal["stapel", "liggande_stapel", "linje", "staplad"] = Field(alias="typ")
    caption: str = Field(alias="rubrik")
    alt: str = Field(alias="alt", min_length=10)
    anchor: str | None = Field(None, alias="id", pattern=r"^[A-Za-z][\w-]*$")
    series: list[str | int] = Field(alias="serier", min_length=1)
    categories: list[str | int] | None = Field(None, alias="kategorier")
    series_in: Literal["kolumner", "rader"] = Field("kolumner", alias="serier_i")
    y_label: str | None = Field(None, alias="axeltext")
    source: str | None = Field(None, alias="källa")
    size: tuple[float, float] = Field((16.0, 8.0), alias="storlek_cm")


def parse_specs(raw: Any, model: type[Model]) -> dict[str, Any]:
    """Validate a mapping of name → spec (errors carry the name as the field path)."""
    return {str(name): model.model_validate(value) for name, value in (raw or {}).items()}
