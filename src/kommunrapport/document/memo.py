"""The tjänsteskrivelse's own blocks: the memo head and the signature block."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape as html_escape

from ..errors import Location
from ..project.config import Person, ReportConfig
from ..text.swedish_format import format_date
from .blocks import RenderContext
from .ooxml import paragraph, text_run
from .pandoc_ast import Node, raw_block
from .typst_code import call


def layout_table(columns: list[list[str]], widths: list[int]) -> str:
    """A borderless layout table (no header row, no caption): one cell per column."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{"".join(col) or "<w:p/>"}</w:tc>'
        for col, w in zip(columns, widths, strict=True)
    )
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid><w:tr>{cells}</w:tr></w:tbl>"
        '<w:p><w:pPr><w:spacing w:after="120"/></w:pPr></w:p>'
    )


@dataclass
class MemoHead:
    """Sender, document type, date, diarienummer, handläggare and recipient."""

    config: ReportConfig
    recipient: str
    caption_kind: str | None = None
    anchor: str | None = None
    location: Location = field(default_factory=Location)

    def _fields(self, ctx: RenderContext) -> list[tuple[str, str]]:
        rows = (
            [(ctx.labels["datum"], format_date(self.config.report_date))]
            if self.config.report_date
            else []
        )
        if self.config.case_number:
            rows.append((ctx.labels["diarienummer"], self.config.case_number))
        return rows

    def _sender(self) -> list[str]:
        return [
            x for x in (self.config.municipality, self.config.administration, self.config.unit) if x
        ]

    def _officer(self, ctx: RenderContext) -> list[str]:
        officer = self.config.case_officer
        if officer is None:
            return []
        lines = [officer.name + (f", {officer.title}" if officer.title else "")]
        if officer.phone:
            lines.append(f"{ctx.labels['telefon']} {officer.phone}")
        if officer.email:
            lines.append(f"{ctx.labels['epost']} {officer.email}")
        return lines

    def render(self, ctx: RenderContext) -> list[Node]:
        if ctx.target == "typst":
            return [raw_block("typst", self._typst(ctx))]
        return [self._docx(ctx)] if ctx.target == "docx" else [self._html(ctx)]

    def _typst(self, ctx: RenderContext) -> str:
        return call(
            "kr-memohuvud",
            {
                "sender": self._sender(),
                "officer-label": ctx.labels["handlaggare"],
                "officer": self._officer(ctx),
                "doctype": ctx.labels["tjansteskrivelse"],
                "fields": [list(pair) for pair in self._fields(ctx)],
                "recipient": self.recipient,
            },
        )

    def _docx(self, ctx: RenderContext) -> Node:
        left = [
            paragraph(text_run(line), style="Memoavsandare" if i == 0 else "Memofaltvarde")
            for i, line in enumerate(self._sender())
        ]
        officer = self._officer(ctx)
        if officer:
            left.append(
                paragraph(
                    text_run(ctx.labels["handlaggare"]),
                    style="Memofalt",
                    extra_ppr='<w:spacing w:before="200"/>',
                )
            )
            left += [paragraph(text_run(line), style="Memofaltvarde") for line in officer]
        right = [
            paragraph(text_run(ctx.labels["tjansteskrivelse"].upper()), style="Memodokumenttyp")
        ]
        for label, value in self._fields(ctx):
            right.append(
                paragraph(text_run(label), style="Memofalt", extra_ppr='<w:spacing w:before="80"/>')
            )
            right.append(paragraph(text_run(value), style="Memofaltvarde"))
        right.append(
            paragraph(
                text_run(self.recipient),
                style="Memofaltvarde",
                extra_ppr='<w:spacing w:before="240"/>',
            )
        )
        width = ctx.text_width_twips
        return raw_block(
            "openxml", layout_table([left, right], [width * 6 // 10, width - width * 6 // 10])
        )

    def _html(self, ctx: RenderContext) -> Node:
        e = html_escape
        sender = self._sender()
        left = f'<p class="memo-sender">{e(sender[0])}</p>' + "".join(
            f"<p>{e(x)}</p>" for x in sender[1:]
        )
        officer = self._officer(ctx)
        if officer:
            left += (
                f"<dl><dt>{e(ctx.labels['handlaggare'])}</dt>"
                + "".join(f"<dd>{e(x)}</dd>" for x in officer)
                + "</dl>"
            )
        rows = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in self._fields(ctx))
        right = (
            f'<p class="memo-doctype">{e(ctx.labels["tjansteskrivelse"])}</p>'
            f'<dl>{rows}</dl><p class="memo-recipient">{e(self.recipient)}</p>'
        )
        return raw_block(
            "html", f'<div class="memo-head"><div>{left}</div><div>{right}</div></div>'
        )


@dataclass
class Signatures:
    """Names and titles of those who sign, side by side, under an optional heading."""

    people: list[Person]
    heading: str | None = None
    caption_kind: str | None = None
    anchor: str | None = None
    location: Location = field(default_factory=Location)

    def render(self, ctx: RenderContext) -> list[Node]:
        if not self.people:
            return []
        if ctx.target == "docx":
            return [self._docx(ctx)]
        if ctx.target == "typst":
            names = [{"name": p.name, "title": p.title} for p in self.people]
            data = {"heading": self.heading, "people": names}
            return [raw_block("typst", call("kr-underskrifter", data))]
        e = html_escape
        heading = f'<p class="signature-heading">{e(self.heading)}</p>' if self.heading else ""
        people = "".join(
            f'<div class="signature"><p class="name">{e(p.name)}</p>'
            + (f"<p>{e(p.title)}</p>" if p.title else "")
            + "</div>"
            for p in self.people
        )
        return [raw_block("html", f'{heading}<div class="signatures">{people}</div>')]

    def _docx(self, ctx: RenderContext) -> Node:
        columns = [
            [paragraph(text_run(p.name), style="Underskriftnamn")]
            + ([paragraph(text_run(p.title), style="Underskrifttitel")] if p.title else [])
            for p in self.people
        ]
        count = len(columns)
        widths = [ctx.text_width_twips // max(count, 2)] * count
        heading = (
            paragraph(text_run(self.heading, bold=True), extra_ppr='<w:spacing w:before="360"/>')
            if self.heading
            else ""
        )
        return raw_block("openxml", heading + layout_table(columns, widths))
