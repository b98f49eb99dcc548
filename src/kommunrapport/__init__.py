"""kommunrapport: Markdown and workbooks in, committee-ready DOCX, HTML and PDF out."""
