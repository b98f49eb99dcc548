"""The declaration of a table view (``tabeller.yaml``) and of a chart (``diagram.yaml``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ..project.config import TEMPLATE, Model, described

Unit = Literal["kr", "tkr", "mnkr", "mdkr"]
ColumnFormat = Literal["tal", "procent", "text", "blandad"]


class ColumnSpec(Model):
    """One printed column: a sheet column, or an expression over sheet columns."""

    model_config = described(
        "En kolumn i en tabellvy: en kolumn ur bladet (kolumn) eller ett uttryck (beräkna)."
    )

    column: str | int | None = Field(
        None,
        alias="kolumn",
        description="Bladets kolumn, med rubriken på rad 1.",
        examples=["Utfall {{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    compute: str | None = Field(
        None,
        alias="beräkna",
        description=(
            "Uttryck över bladets kolumner, eller namnet på en formel under "
            "beräkningar i report.yaml."
        ),
        examples=["Budget - Utfall"],
    )
    title: str | None = Field(
        None,
        alias="rubrik",
        description="Kolumnrubriken i tabellen. Standard: bladets rubrik.",
        examples=["Budget {{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    decimals: Annotated[int, Field(ge=0, le=6)] | Literal["källan"] | None = Field(
        None,
        alias="decimaler",
        description=(
            "Antal decimaler i kolumnen, eller källan: varje tal med så många decimaler som "
            "det har i arbetsboken (4 % bredvid 10,3 %; högst 6; ett beräknat tal får "
            "kolumnens standard). En rads Decimaler i bladet går före. Standard: tabellens "
            "(1 för procent)."
        ),
        examples=[1, "källan"],
    )
    format: ColumnFormat | None = Field(
        None,
        alias="format",
        description="tal, procent, text, eller blandad (tal och text i samma kolumn).",
        examples=["procent"],
    )
    unit: str | None = Field(
        None, alias="enhet", description="Enhet efter talen i kolumnen.", examples=["%"]
    )
    attribute: str | None = Field(
        None,
        alias="namn",
        description="Kolumnens namn i texten, t.ex. {{ drift.total.i_ar }}.",
        examples=["i_ar"],
        pattern=r"^[^\W\d]\w*$",
    )
    width: float | None = Field(
        None,
        alias="bredd",
        description="Kolumnens bredd i procent av sidbredden.",
        examples=[15],
        gt=0,
        lt=100,
    )
    check_column: str | None = Field(
        None,
        alias="kontroll",
        description=(
            "Bladets kolumn med tryckta värden som den beräknade kolumnen kontrolleras mot."
        ),
        examples=["Avvikelse"],
    )
    # A status column: the cells hold codes of this scale (skalor: in report.yaml) and print
    # as symbol and text.
    scale: str | None = Field(
        None,
        alias="skala",
        description=(
            "Skalan (under skalor: i report.yaml) som kolumnens koder visas "
            "med, som symbol och text."
        ),
        examples=["bedömning"],
    )

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
    model_config = described("En grupprubrik över flera kolumner.")
    text: str = Field(
        alias="text",
        description="Grupprubrikens text.",
        examples=["{{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    columns: int = Field(
        alias="kolumner",
        description=("Antal kolumner som rubriken spänner över, räknat från första värdekolumnen."),
        examples=[3],
        ge=1,
    )


class TableSpec(Model):
    """A printed table as a view of one sheet."""

    model_config = described(
        "En tabell i rapporten: en vy av ett blad i en arbetsbok under "
        'data/. Placeras i texten med {{ tabell("namn") }}.'
    )

    sheet: str = Field(
        alias="blad",
        description="Arbetsboken under data/ och bladets namn.",
        examples=["ekonomi.xlsx/Drift nämnd"],
    )
    caption: str | None = Field(
        None,
        alias="rubrik",
        description=(
            'Bildtexten efter "Tabell N. ". Utan rubrik får tabellen ingen '
            "bildtext, och check varnar."
        ),
        examples=["Driftredovisning {{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    anchor: str | None = Field(
        None,
        alias="id",
        description='Id för hänvisning med {{ ref("id") }}. Standard: tbl-<namn>.',
        examples=["tbl-drift"],
        pattern=r"^[A-Za-z][\w-]*$",
    )
    label_title: str = Field(
        "",
        alias="etikett",
        description="Rubriken över första kolumnen (radtexterna).",
        examples=["Verksamhet"],
    )
    label_column: str | None = Field(
        None,
        alias="radkolumn",
        description=(
            "Bladets kolumn med radtexterna. Standard: Rad, annars bladets första kolumn."
        ),
        examples=["Enhet"],
    )
    group_columns: list[str] = Field(
        default_factory=list,
        alias="gruppera",
        description=(
            "Bladets kolumner som skrivs först, före radtexterna, där rader i följd med samma "
            "värde får en gemensam cell (som en sammanslagen cell i Excel). Flera kolumner: "
            "varje grupperas inom kolumnen före den."
        ),
        examples=[["Nyckeltal"]],
    )
    label_width: float | None = Field(
        None,
        alias="etikett_bredd",
        description=("Första kolumnens bredd i procent av sidbredden. Standard: beräknad."),
        examples=[40],
        gt=0,
        lt=100,
    )
    parent_column: str = Field(
        "Förälder",
        alias="föräldrakolumn",
        description=(
            "Kolumnen som säger vilken summarad i samma blad en rad räknas in "
            "i. Skriv ingen när kolumnen Förälder betyder något annat, t.ex. "
            "ett mål."
        ),
        examples=["ingen"],
    )
    caption_hidden: bool = Field(
        False,
        alias="dold_rubrik",
        description="Bildtexten hörs bara i skärmläsare och numreras inte.",
        examples=[True],
    )
    select: dict[str, Any] | None = Field(
        None,
        alias="välj",
        description=("Ta bara med rader vars kolumn har ett visst värde, eller ett av flera."),
        examples=[{"Förälder": "lokaler"}],
    )

    unit: Unit | None = Field(
        None,
        alias="enhet",
        description=("Enheten som visas (kr, tkr, mnkr, mdkr); talen räknas om från källenhet."),
        examples=["mnkr"],
    )
    source_unit: Unit | None = Field(
        None,
        alias="källenhet",
        description="Enheten i bladet. Standard: samma som enhet.",
        examples=["tkr"],
    )
    unit_in: Literal["rubrik", "bildtext", "ingen"] = Field(
        "bildtext",
        alias="enhet_i",
        description=(
            'Var enheten skrivs: i bildtexten ("belopp i tkr"), i '
            "kolumnrubrikerna, eller inte alls."
        ),
        examples=["rubrik"],
    )
    decimals: int = Field(
        0,
        alias="decimaler",
        description="Antal decimaler för tabellens tal.",
        examples=[1],
        ge=0,
        le=6,
    )
    columns: list[ColumnSpec] = Field(
        alias="kolumner",
        description=("Tabellens kolumner i ordning: en kolumn ur bladet eller en beräknad."),
        min_length=1,
    )
    rows: list[str | int] | None = Field(
        None,
        alias="rader",
        description="Raderna som visas (Id eller radtext), i ordning. Standard: alla.",
        examples=[["ks", "summa"]],
    )
    header_groups: list[HeaderGroup] = Field(
        default_factory=list,
        alias="rubrikgrupper",
        description=(
            "En rubrikrad ovanför kolumnrubrikerna, där varje grupp spänner över flera kolumner."
        ),
    )
    zero: str = Field("0", alias="noll", description="Hur noll skrivs.", examples=["–"])
    missing: str = Field("", alias="saknas", description="Hur en tom cell skrivs.", examples=["–"])
    tolerance: float | None = Field(
        None,
        alias="tolerans",
        description=(
            "Tillåten skillnad mellan angivna summor och avvikelser i bladet och "
            "beräkningen, i bladets enhet, i stället för avrundningsregeln (en halv "
            "enhet per summerad rad)."
        ),
        examples=[0],
        ge=0,
    )
    notes: list[str] = Field(
        default_factory=list,
        alias="fotnoter",
        description="Fotnoter under tabellen.",
        examples=[["Avser {{ år }}."]],
        json_schema_extra=TEMPLATE,
    )
    source: str | None = Field(
        None,
        alias="källa",
        description='Källan under tabellen ("Källa: …").',
        examples=["Ekonomisystemet"],
        json_schema_extra=TEMPLATE,
    )
    landscape: bool = Field(
        False,
        alias="liggande",
        description="Tabellen står på en liggande sida (DOCX).",
        examples=[True],
    )
    equal_totals: list[str] = Field(
        default_factory=list,
        alias="summera_lika",
        description=(
            "Rader i andra tabeller som ska vara lika med denna tabells summarad: samma "
            "belopp ska skrivas ut likadant."
        ),
        examples=[["drift_verksamhet.Summa"]],
    )
    hide_empty_rows: bool = Field(
        False,
        alias="dölj_tomma_rader",
        description="Visa inte rader där alla värden är tomma.",
        examples=[True],
    )


ChartSide = Annotated[float, Field(ge=2, le=30)]


class ChartSpec(Model):
    """A chart drawn from a table view with matplotlib."""

    model_config = described(
        'Ett diagram ritat ur en tabellvy. Placeras i texten med {{ diagram("namn") }}.'
    )

    table: str = Field(
        alias="tabell", description="Tabellvyn som ger siffrorna.", examples=["drift"]
    )
    kind: Literal["stapel", "liggande_stapel", "linje", "staplad"] = Field(
        alias="typ",
        description="stapel, liggande_stapel, linje eller staplad.",
        examples=["stapel"],
    )
    caption: str = Field(
        alias="rubrik",
        description='Bildtexten efter "Figur N. ".',
        examples=["Avvikelse per verksamhet {{ år }}"],
        json_schema_extra=TEMPLATE,
    )
    alt: str = Field(
        alias="alt",
        description=(
            "Alternativtext: en mening om vad diagrammet visar, för den som "
            "inte ser bilden (minst 10 tecken)."
        ),
        examples=["Stapeldiagram där IT har den största negativa avvikelsen."],
        json_schema_extra=TEMPLATE,
        min_length=10,
    )
    anchor: str | None = Field(
        None,
        alias="id",
        description='Id för hänvisning med {{ ref("id") }}. Standard: fig-<namn>.',
        examples=["fig-drift"],
        pattern=r"^[A-Za-z][\w-]*$",
    )
    series: list[str | int] = Field(
        alias="serier",
        description="Kolumner (med serier_i: rader: rader) som blir diagrammets serier.",
        examples=[["budget", "utfall"]],
        min_length=1,
    )
    categories: list[str | int] | None = Field(
        None,
        alias="kategorier",
        description="Rader (eller kolumner) längs axeln. Standard: alla.",
        examples=[["Stab", "IT"]],
    )
    series_in: Literal["kolumner", "rader"] = Field(
        "kolumner",
        alias="serier_i",
        description="kolumner: varje kolumn är en serie; rader: varje rad är en serie.",
        examples=["rader"],
    )
    y_label: str | None = Field(
        None,
        alias="axeltext",
        description="Text vid värdeaxeln.",
        examples=["tkr"],
        json_schema_extra=TEMPLATE,
    )
    source: str | None = Field(
        None,
        alias="källa",
        description="Källan under diagrammet.",
        examples=["Ekonomisystemet"],
        json_schema_extra=TEMPLATE,
    )
    size: tuple[ChartSide, ChartSide] = Field(
        (16.0, 8.0),
        alias="storlek_cm",
        description="Bredd och höjd i centimeter, vardera 2–30 (ett diagram ryms på en A4).",
        examples=[[16, 8]],
    )


def parse_specs(raw: Any, model: type[Model]) -> dict[str, Any]:
    """Validate a mapping of name → spec (errors carry the name as the field path)."""
    return {str(name): model.model_validate(value) for name, value in (raw or {}).items()}
