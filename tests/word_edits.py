"""Edit a DOCX the way Word does: text in split runs, tracked changes, comments, new paragraphs
without the anchors of their neighbours (for the tests of import-docx)."""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
COMMENTS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CONTENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
DATE = "2024-03-01T10:00:00Z"


def q(name: str) -> str:
    return f"{{{W}}}{name}"


def _text(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(q("t")))


class WordDocument:
    def __init__(self, data: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.root = etree.fromstring(self.archive.read("word/document.xml"))
        self.body = self.root.find(q("body"))
        self.comments: list[etree._Element] = []
        self.next_id = 500

    # -- finding ----------------------------------------------------------------------------
    def paragraph(self, contains: str) -> etree._Element:
        found = [p for p in self.body.iter(q("p")) if contains in _text(p)]
        assert len(found) == 1, (contains, len(found))
        return found[0]

    def table(self, caption: str) -> etree._Element:
        previous = ""
        for child in self.body:
            if child.tag == q("p"):
                previous = _text(child)
            elif child.tag == q("tbl") and caption in previous:
                return child
        raise AssertionError(caption)

    # -- runs -------------------------------------------------------------------------------
    def _split(self, paragraph: etree._Element, old: str) -> tuple[None, list, None]:
        """Split runs so that the text ``old`` (which may span runs) is exactly some runs, as
        Word does when text is selected; return (None, those runs, None)."""
        runs = [r for r in paragraph.iter(q("r")) if r.find(q("t")) is not None]
        text = "".join(r.find(q("t")).text or "" for r in runs)
        assert text.count(old) == 1, (old, text)
        start = text.index(old)
        end = start + len(old)
        position = 0
        inside = []
        for run in runs:
            t = run.find(q("t"))
            value = t.text or ""
            first, last = position, position + len(value)
            position = last
            if last <= start or first >= end:
                continue
            cut_from, cut_to = max(start, first) - first, min(end, last) - first
            pieces = [value[:cut_from], value[cut_from:cut_to], value[cut_to:]]
            made = []
            for piece in pieces:
                clone = copy.deepcopy(run)
                clone.find(q("t")).text = piece
                clone.find(q("t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                made.append(clone)
            for clone in made:
                run.addprevious(clone)
            run.getparent().remove(run)
            for clone in (made[0], made[2]):
                if not clone.find(q("t")).text:
                    clone.getparent().remove(clone)
            inside.append(made[1])
        return None, inside, None

    def replace(self, contains: str, old: str, new: str) -> None:
        """A plain edit: the selected text is typed over."""
        _before, runs, _after = self._split(self.paragraph(contains), old)
        runs[0].find(q("t")).text = new
        for run in runs[1:]:
            run.getparent().remove(run)

    def tracked_replace(self, contains: str, old: str, new: str, author: str = "Granskare") -> None:
        """With Track Changes on: the old words in w:del, the new ones in w:ins."""
        _before, runs, _after = self._split(self.paragraph(contains), old)
        middle = runs[0]
        deleted = etree.Element(
            q("del"), {q("id"): self._id(), q("author"): author, q("date"): DATE}
        )
        for run in runs:
            gone = copy.deepcopy(run)
            gone.find(q("t")).tag = q("delText")
            deleted.append(gone)
        middle.addprevious(deleted)
        for run in runs[1:]:
            run.getparent().remove(run)
        if new:
            inserted = etree.Element(
                q("ins"), {q("id"): self._id(), q("author"): author, q("date"): DATE}
            )
            middle.addprevious(inserted)
            middle.find(q("t")).text = new
            inserted.append(middle)
        else:
            middle.getparent().remove(middle)

    def tracked_insert(
        self, contains: str, after: str, new: str, author: str = "Granskare"
    ) -> None:
        _before, runs, _after = self._split(self.paragraph(contains), after)
        middle = runs[-1]
        inserted = etree.Element(
            q("ins"), {q("id"): self._id(), q("author"): author, q("date"): DATE}
        )
        run = copy.deepcopy(middle)
        run.find(q("t")).text = new
        inserted.append(run)
        middle.addnext(inserted)

    def delete_paragraph(self, contains: str) -> None:
        paragraph = self.paragraph(contains)
        paragraph.getparent().remove(paragraph)

    def insert_paragraph_after(self, contains: str, text: str, style: str | None = None) -> None:
        """Enter at the end of a paragraph, then typing: the new paragraph has the same
        properties but none of the bookmarks."""
        paragraph = self.paragraph(contains)
        new = etree.Element(q("p"))
        ppr = paragraph.find(q("pPr"))
        if ppr is not None:
            new.append(copy.deepcopy(ppr))
        if style is not None:
            ppr = new.find(q("pPr"))
            if ppr is None:
                ppr = etree.SubElement(new, q("pPr"))
            for old in ppr.findall(q("pStyle")):
                ppr.remove(old)
            ppr.insert(0, etree.Element(q("pStyle"), {q("val"): style}))
        run = etree.SubElement(new, q("r"))
        t = etree.SubElement(run, q("t"))
        t.text = text
        paragraph.addnext(new)

    def set_cell(self, caption: str, row_label: str, column: int, text: str) -> str:
        table = self.table(caption)
        for row in table.iter(q("tr")):
            cells = row.findall(q("tc"))
            if cells and _text(cells[0]).strip() == row_label:
                cell = cells[column]
                ts = list(cell.iter(q("t")))
                old = "".join(t.text or "" for t in ts)
                ts[0].text = text
                for t in ts[1:]:
                    t.text = ""
                return old
        raise AssertionError(row_label)

    def comment(self, contains: str, on: str, text: str, author: str = "Ordförande") -> None:
        paragraph = self.paragraph(contains)
        _before, runs, _after = self._split(paragraph, on)
        number = str(len(self.comments))
        runs[0].addprevious(etree.Element(q("commentRangeStart"), {q("id"): number}))
        runs[-1].addnext(etree.Element(q("commentRangeEnd"), {q("id"): number}))
        reference = etree.Element(q("r"))
        etree.SubElement(reference, q("commentReference"), {q("id"): number})
        runs[-1].getnext().addnext(reference)
        comment = etree.Element(
            q("comment"),
            {q("id"): number, q("author"): author, q("date"): DATE, q("initials"): author[:2]},
        )
        p = etree.SubElement(comment, q("p"))
        r = etree.SubElement(p, q("r"))
        etree.SubElement(r, q("t")).text = text
        self.comments.append(comment)

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    # -- saving -----------------------------------------------------------------------------
    def save(self) -> bytes:
        out = io.BytesIO()
        names = self.archive.namelist()
        existing = "word/comments.xml" in names
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in names:
                data = self.archive.read(name)
                if existing and self.comments and name == "word/comments.xml":
                    root = etree.fromstring(data)
                    root.extend(self.comments)
                    data = etree.tostring(
                        root, xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                elif name == "word/document.xml":
                    data = etree.tostring(
                        self.root, xml_declaration=True, encoding="UTF-8", standalone=True
                    )
                elif name == "[Content_Types].xml" and self.comments and not existing:
                    types = etree.fromstring(data)
                    etree.SubElement(
                        types,
                        f"{{{CT}}}Override",
                        {"PartName": "/word/comments.xml", "ContentType": COMMENTS_CONTENT},
                    )
                    data = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
                elif name == "word/_rels/document.xml.rels" and self.comments and not existing:
                    rels = etree.fromstring(data)
                    etree.SubElement(
                        rels,
                        f"{{{PR}}}Relationship",
                        {"Id": "rIdKommentarer", "Type": COMMENTS_TYPE, "Target": "comments.xml"},
                    )
                    data = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
                target.writestr(name, data)
            if self.comments and not existing:
                root = etree.Element(q("comments"), nsmap={"w": W})
                root.extend(self.comments)
                target.writestr(
                    "word/comments.xml",
                    etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True),
                )
        return out.getvalue()
