"""The same report as R Markdown + flextable, for the comparison with R.

For each document of the package the bench writes an ``.Rmd``:

* the narrative: the Markdown our build hands pandoc (``DocumentSource.assemble``: sections
  through Jinja, so R gets the very sentences and figures we print);
* every table as data: a table placed from a table view (``tabell("drift_namnd")``) is written
  as TSV from our computed view with the raw numbers (the share for a percent column, the
  row's own decimals and style), and an R chunk formats it with flextable (``set_formatter``:
  Swedish format, non-breaking space between thousands, decimal comma, the minus sign U+2212,
  the table's zero and missing text), bold total and subtotal rows, italic varav rows,
  indented levels, header groups, caption, notes and source;
* the other generated tables (goal tables, intern kontroll, the legend of symbols) are already
  text: written as TSV of their cell texts (symbols in front) and laid out by the same
  flextable helper (header rows with spans, bold rows, merged full-width rows, symbol colours);
* charts and the risk matrix: the PNG our build embeds in its DOCX, included as an image
  (our warm build reads it from the chart cache; R draws nothing either);
* the memo head and the signatures: their HTML turned into Markdown once by pandoc.

One ``Rscript`` command renders every document to ``word_document`` and ``html_document``
(self-contained, no Bootstrap theme, no highlighting, no MathJax), with a table of contents and
numbered sections where our document numbers them, through the same pandoc binary
(``RSTUDIO_PANDOC``).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import tree
from workloads import Assembled, AssembledDocument, Side, pandoc_binary

R_PACKAGES = ("rmarkdown", "flextable", "officer")
PLACEHOLDER = re.compile(r"\n*::: \{#(kr-[0-9a-f]+-\d+) \.kr-block\}\n:::\n*")
REFERENCE = re.compile(r"\[([^\]]+)\]\{\.kr-ref-[0-9a-f]+\}")
ROW_COLUMNS = ("kind", "level", "bold", "italic", "digits", "unit", "merge")
BOLD_KINDS = ("total", "subtotal", "group")

HELPER = r"""
suppressPackageStartupMessages({
  library(flextable)
  library(officer)
})

kr_round <- function(x, digits) sign(x) * floor(abs(x) * 10^digits + 0.5) / 10^digits

# A column formatter: Swedish number format from the raw values of the table view.
kr_number <- function(digits, percent, zero, missing, row_digits, row_unit) {
  function(x) {
    out <- ifelse(is.na(x), missing, x)
    num <- suppressWarnings(as.numeric(x))
    for (k in which(!is.na(num))) {
      d <- if (is.na(row_digits[k])) digits else row_digits[k]
      v <- if (percent) num[k] * 100 else num[k]
      text <- formatC(kr_round(v, d), format = "f", digits = d,
                      big.mark = "\u00a0", decimal.mark = ",")
      text <- sub("^-", "\u2212", text)
      if (grepl("^\u2212?[0,]*$", text)) text <- sub("^\u2212", "", text)
      if (percent) {
        text <- paste0(text, "\u00a0%")
      } else if (grepl("^[0,]*$", text)) {
        text <- zero
      }
      if (!is.na(row_unit[k]) && row_unit[k] != "") text <- paste0(text, "\u00a0", row_unit[k])
      out[k] <- text
    }
    out
  }
}

kr_table <- function(path, labels, caption = NULL, groups = list(), formats = list(),
                     numeric = integer(0), notes = character(0), colors = NULL) {
  d <- read.delim(path, colClasses = "character", na.strings = "NA", quote = "",
                  check.names = FALSE, encoding = "UTF-8", comment.char = "")
  cols <- setdiff(names(d), c(ROW_COLUMNS))
  ft <- flextable(d, col_keys = cols)
  ft <- set_header_labels(ft, values = setNames(as.list(labels), cols))
  for (g in rev(groups)) ft <- add_header_row(ft, values = g$values, colwidths = g$widths)
  for (col in names(formats)) {
    f <- formats[[col]]
    fun <- kr_number(f$digits, f$percent, f$zero, f$missing, as.integer(d$digits), d$unit)
    ft <- set_formatter(ft, values = setNames(list(fun), col))
  }
  bold_rows <- which(d$bold == "1")
  if (length(bold_rows)) ft <- bold(ft, i = bold_rows, part = "body")
  italic_rows <- which(d$italic == "1")
  if (length(italic_rows)) ft <- italic(ft, i = italic_rows, part = "body")
  for (level in setdiff(unique(d$level), c("0", ""))) {
    ft <- padding(ft, i = which(d$level == level), j = 1,
                  padding.left = 4 + 10 * as.integer(level), part = "body")
  }
  if (length(numeric)) ft <- align(ft, j = numeric, align = "right", part = "all")
  for (i in which(d$merge != "")) {
    span <- as.integer(strsplit(d$merge[i], ":")[[1]])
    ft <- merge_at(ft, i = i, j = span[1]:(span[1] + span[2] - 1), part = "body")
  }
  if (!is.null(colors)) {
    for (k in seq_along(colors$i)) {
      ft <- color(ft, i = colors$i[k], j = colors$j[k], color = colors$color[k], part = "body")
    }
  }
  if (length(notes)) ft <- add_footer_lines(ft, notes)
  if (!is.null(caption)) ft <- set_caption(ft, caption)
  # Word and the browser fit the columns to the page: R measures no text (cheaper for R
  # than autofit(), which also lets wide text tables run off the page)
  set_table_properties(ft, layout = "autofit", width = 1)
}
"""


def missing_r() -> str | None:
    """Why the R comparison cannot run here, or None when it can."""
    if shutil.which("Rscript") is None:
        return (
            "Rscript saknas (Debian: apt-get install r-base-core r-cran-rmarkdown "
            "r-cran-flextable r-cran-officer)"
        )
    check = "; ".join(f"library({name})" for name in R_PACKAGES)
    result = subprocess.run(
        ["Rscript", "-e", f"suppressPackageStartupMessages({{{check}}})"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return "R-paketen saknas: " + ", ".join(R_PACKAGES) + " (Debian: r-cran-…)"
    return None


def r_version() -> str:
    script = (
        'cat(R.version.string, "; flextable ", format(packageVersion("flextable")), '
        '"; rmarkdown ", format(packageVersion("rmarkdown")), sep = "")'
    )
    result = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=False)
    return result.stdout.strip() or "okänd"


def r_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def r_vector(values: list[Any]) -> str:
    return "c(" + ", ".join(r_string(str(v)) for v in values) + ")"


def tsv_cell(value: Any) -> str:
    if value is None:
        return "NA"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "NA"
    return re.sub(r"[\t\r\n]+", " ", str(value))


def write_tsv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    lines = ["\t".join(header), *("\t".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


class RmdWriter:
    """Writes one document's .Rmd and the TSV files of its tables."""

    def __init__(self, assembled: Assembled, folder: Path):
        self.shared = assembled.shared
        self.folder = folder
        self.labels = self.shared.labels

    def document(self, doc: AssembledDocument) -> str:
        self.doc = doc
        self.tables = self.figures = 0
        body = PLACEHOLDER.sub(lambda m: "\n\n" + self.block(m.group(1)) + "\n\n", doc.markdown)
        body = REFERENCE.sub(lambda m: m.group(1), body)
        numbered = "true" if doc.numbering_depth > 0 else "false"
        extensions = "+east_asian_line_breaks-tex_math_dollars-raw_tex-auto_identifiers"
        toc_title = self.labels["innehallsforteckning"]
        header = f"""---
title: {r_string(doc.title)}
lang: sv-SE
toc-title: {r_string(toc_title)}
output:
  word_document:
    toc: true
    number_sections: {numbered}
    md_extensions: "{extensions}"
  html_document:
    toc: true
    number_sections: {numbered}
    theme: null
    highlight: null
    mathjax: null
    self_contained: true
    md_extensions: "{extensions}"
---

```{{r setup, include=FALSE}}
knitr::opts_chunk$set(echo = FALSE)
source("kr_table.R")
```
"""
        return header + body

    def block(self, key: str) -> str:
        block = self.doc.registry.blocks[key]
        name = type(block).__name__
        if key in self.doc.view_of_block:
            return self.view_table(key, block, self.doc.view_of_block[key])
        if name in ("ChartBlock", "RiskMatrixBlock"):
            return self.chart(key, block)
        if name == "Legend":
            table = block.table()
            return self.text_table(key, table) if table is not None else ""
        if hasattr(block, "header_rows"):
            return self.text_table(key, block)
        return self.as_markdown(block)

    def caption(self, table: Any) -> str | None:
        if not table.caption or table.caption_hidden or table.caption_kind is None:
            return None
        self.tables += 1
        return f"{self.labels['tabell']} {self.tables}. {table.caption}"

    def headers(self, table: Any) -> tuple[list[str], list[str]]:
        """(column labels, R list of header groups above them)."""
        labels = [cell.text for cell in table.header_rows[-1]]
        groups = []
        for row in table.header_rows[:-1]:
            values = r_vector([cell.text for cell in row])
            widths = "c(" + ", ".join(str(cell.colspan) for cell in row) + ")"
            groups.append(f"list(values = {values}, widths = {widths})")
        return labels, groups

    def chunk(self, key: str, table: Any, rows: list[list[str]], formats: dict[str, str]) -> str:
        path = self.folder / "tabeller" / f"{self.doc.id}-{key.rsplit('-', 1)[1]}.tsv"
        path.parent.mkdir(exist_ok=True)
        count = len(table.columns)
        names = [f"k{index + 1}" for index in range(count)]
        write_tsv(path, [*ROW_COLUMNS, *names], rows)
        labels, groups = self.headers(table)
        labels += [""] * (count - len(labels))
        numeric = [str(i + 1) for i, column in enumerate(table.columns) if column.numeric]
        notes = [f"{n + 1}) {note}" for n, note in enumerate(table.notes)]
        if getattr(table, "source", None):
            notes.append(f"{self.labels['kalla']}: {table.source}")
        arguments = [r_string(path.relative_to(self.folder).as_posix()), r_vector(labels[:count])]
        caption = self.caption(table)
        if caption:
            arguments.append(f"caption = {r_string(caption)}")
        if groups:
            arguments.append(f"groups = list({', '.join(groups)})")
        if formats:
            items = ", ".join(f"{name} = {spec}" for name, spec in formats.items())
            arguments.append(f"formats = list({items})")
        if numeric:
            arguments.append(f"numeric = c({', '.join(numeric)})")
        if notes:
            arguments.append(f"notes = {r_vector(notes)}")
        colors = self.colors(table)
        if colors:
            arguments.append(colors)
        return "```{r}\nkr_table(" + ",\n  ".join(arguments) + ")\n```"

    def colors(self, table: Any) -> str | None:
        found = []
        for i, row in enumerate(table.rows):
            position = 0
            for cell in row.cells:
                if cell.symbol and cell.symbol_color:
                    found.append((i + 1, position + 1, cell.symbol_color))
                position += cell.colspan
        if not found:
            return None
        rows, columns, values = zip(*found, strict=True)
        return (
            f"colors = list(i = c({', '.join(map(str, rows))}), "
            f"j = c({', '.join(map(str, columns))}), color = {r_vector(list(values))})"
        )

    @staticmethod
    def row_facts(
        kind: str, level: int, bold: bool, italic: bool, digits: Any, unit: Any
    ) -> list[str]:
        return [kind, str(level), "1" if bold else "0", "1" if italic else "0",
                "NA" if digits is None else str(digits), unit or ""]  # fmt: skip

    def view_table(self, key: str, table: Any, view_name: str) -> str:
        """A table view as data: raw values, formatted by flextable in R."""
        from kommunrapport.data.ledger import NON_VALUE_KINDS
        from kommunrapport.document.table_view import ROW_KIND

        view = self.shared.data.views[view_name]
        spec = view.spec
        rows = []
        for view_row, printed in zip(view.rows, table.rows, strict=True):
            ledger_row = view_row.row
            kind = ROW_KIND[ledger_row.kind]
            bold = ledger_row.style == "fet" or (
                kind in ("total", "subtotal") and ledger_row.style is None
            )
            italic = ledger_row.style == "kursiv" or (kind == "varav" and ledger_row.style is None)
            facts = self.row_facts(
                kind, ledger_row.level, bold, italic, ledger_row.decimals, ledger_row.unit
            )
            label = printed.cells[0].text
            if kind == "comment":
                rows.append([*facts, f"1:{len(table.columns)}", label, *[""] * len(view.columns)])
                continue
            values = [
                ""
                if ledger_row.kind in NON_VALUE_KINDS
                else tsv_cell(view_row.values.get(column.key))
                for column in view.columns
            ]
            rows.append([*facts, "", label, *values])
        formats = {}
        for index, column in enumerate(view.columns):
            if column.format in ("tal", "procent", "blandad"):
                formats[f"k{index + 2}"] = (
                    f"list(digits = {column.decimals}, "
                    f"percent = {'TRUE' if column.format == 'procent' else 'FALSE'}, "
                    f"zero = {r_string(spec.zero)}, missing = {r_string(spec.missing)})"
                )
        return self.chunk(key, table, rows, formats)

    def text_table(self, key: str, table: Any) -> str:
        """A table whose cells are already text (goals, intern kontroll, the legend)."""
        count = len(table.columns)
        rows = []
        for row in table.rows:
            cells: list[str] = []
            merge = ""
            for cell in row.cells:
                if cell.colspan > 1 and not merge:
                    merge = f"{len(cells) + 1}:{cell.colspan}"
                text = f"{cell.symbol} {cell.text}" if cell.symbol else cell.text
                cells.append(tsv_cell(text))
                cells += [""] * (cell.colspan - 1)
            cells += [""] * (count - len(cells))
            bold = row.kind in BOLD_KINDS or any(c.bold for c in row.cells)
            italic = row.kind == "varav" or any(c.italic for c in row.cells)
            indent = row.cells[0].indent if row.cells else 0
            rows.append(
                [*self.row_facts(row.kind, indent, bold, italic, None, None), merge, *cells]
            )
        return self.chunk(key, table, rows, {})

    def chart(self, key: str, block: Any) -> str:
        """The PNG our DOCX embeds, with the same numbered caption."""
        folder = self.folder / "diagram"
        folder.mkdir(exist_ok=True)
        path = folder / f"{self.doc.id}-{key.rsplit('-', 1)[1]}.png"
        path.write_bytes(block.png())
        self.figures += 1
        caption = f"{self.labels['figur']} {self.figures}. {block.caption}"
        width = f"{block.size_cm[0]:.1f}cm"
        text = f"![{caption}]({path.relative_to(self.folder).as_posix()}){{width={width}}}"
        if block.source:
            text += f"\n\n{self.labels['kalla']}: {block.source}"
        return text

    def as_markdown(self, block: Any) -> str:
        """A block that is neither table nor chart (memo head, signatures): its HTML as
        Markdown, converted once here."""
        from kommunrapport.document.blocks import RenderContext

        ctx = RenderContext("html", self.labels, self.shared.number_style, 9000)
        html = "".join(node["c"][1] for node in block.render(ctx) if node.get("t") == "RawBlock")
        result = subprocess.run(
            [pandoc_binary(), "-f", "html", "-t", "markdown-raw_html-native_divs-native_spans"],
            input=html.encode("utf-8"),
            capture_output=True,
            check=True,
        )
        return result.stdout.decode("utf-8")


def write_project(assembled: Assembled, folder: Path) -> list[str]:
    """Every document as .Rmd with its tables and images, and the R script rendering them;
    returns the document ids."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kr_table.R").write_text(
        HELPER.replace("ROW_COLUMNS", ", ".join(f'"{c}"' for c in ROW_COLUMNS)), encoding="utf-8"
    )
    writer = RmdWriter(assembled, folder)
    ids = []
    for doc in assembled.documents:
        (folder / f"{doc.id}.Rmd").write_text(writer.document(doc), encoding="utf-8")
        ids.append(doc.id)
    script = (
        "suppressPackageStartupMessages(library(rmarkdown))\n"
        f"for (doc in {r_vector(ids)}) {{\n"
        '  render(paste0(doc, ".Rmd"), output_format = "all", quiet = TRUE)\n'
        "}\n"
    )
    (folder / "render.R").write_text(script, encoding="utf-8")
    return ids


def r_markdown(assembled: Assembled, folder: Path, memory: bool = False) -> Side:
    """``Rscript render.R`` in the project folder: every document to DOCX and HTML."""
    write_project(assembled, folder)
    env = dict(os.environ)
    env["RSTUDIO_PANDOC"] = str(Path(pandoc_binary()).parent)  # the same pandoc as ours
    env.setdefault("LANG", "C.UTF-8")
    if env["LANG"] in ("C", "POSIX"):
        env["LANG"] = "C.UTF-8"
    command = ["Rscript", "render.R"]
    return lambda: tree.run(command, env, cwd=folder, memory=memory)
