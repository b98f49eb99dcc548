"""The commands the bench compares, set up in a scratch folder.

Every side is a whole command, started the way a user starts it: ``kommunrapport build``
from the environment's script, plain ``pandoc`` through ``sh``, ``Rscript``. Setting a side up
(copying a package, emptying a cache folder) happens before its clock starts.
"""

from __future__ import annotations

import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tree

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "kalmar-ks-arsrapport-2022"
DOCX_HTML = ("docx", "html")
ALL_FORMATS = ("docx", "html", "pdf")


def kommunrapport_command() -> list[str]:
    """The installed ``kommunrapport`` script of this Python's environment."""
    script = Path(sys.executable).parent / "kommunrapport"
    if script.is_file():
        return [str(script)]
    found = shutil.which("kommunrapport")
    if found is None:
        raise SystemExit("kommunrapport är inte installerat: pip install -e '.[bench]'")
    return [found]


def pandoc_binary() -> str:
    """The pandoc our build runs (``pypandoc-binary``'s)."""
    from kommunrapport.writers.pandoc import pandoc_path

    return pandoc_path()


def toolkit_pdf_engine() -> str:
    """``typst`` once the toolkit's PDF writer uses typst, else "weasyprint"."""
    spec = importlib.util.find_spec("kommunrapport.writers.pdf")
    source = Path(spec.origin).read_text(encoding="utf-8") if spec and spec.origin else ""
    return "typst" if "typst" in source else "weasyprint"


@dataclass
class Scratch:
    """A scratch report repository with Kalmar in it, and folders for caches and outputs."""

    folder: Path
    package_id: str = PACKAGE
    counter: int = 0

    @property
    def repo(self) -> Path:
        return self.folder / "repo"

    @property
    def package(self) -> Path:
        return self.repo / "content" / self.package_id

    @property
    def warm_cache(self) -> Path:
        return self.folder / "cache-warm"

    def fresh(self, name: str) -> Path:
        """A new, empty folder (for a first build's cache or output)."""
        self.counter += 1
        path = self.folder / f"{name}-{self.counter}"
        path.mkdir(parents=True)
        return path

    @classmethod
    def create(cls, folder: Path) -> Scratch:
        scratch = cls(folder)
        shutil.copytree(ROOT / "content" / PACKAGE, scratch.package)
        scratch.warm_cache.mkdir()
        return scratch

    def copies(self, count: int) -> Path:
        """A repository holding ``count`` copies of the package (for ``-j``)."""
        repo = self.folder / f"repo-{count}-paket"
        if not repo.exists():
            for n in range(count):
                shutil.copytree(self.package, repo / "content" / f"{PACKAGE}-{n + 1}")
        return repo


def environment(cache: Path | str) -> dict[str, str]:
    """The user's environment with the toolkit's cache folder set (``"0"``: no cache)."""
    env = dict(os.environ)
    env["KOMMUNRAPPORT_CACHE"] = str(cache)
    env.pop("SOURCE_DATE_EPOCH", None)
    # A user's Python caches compiled modules; this machine's environment turns that off,
    # which would charge every command for compiling the toolkit's own modules again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def build_command(
    repo: Path,
    output: Path,
    formats: tuple[str, ...],
    packages: list[str] | None = None,
    jobs: int | None = None,
    force: bool = True,
) -> list[str]:
    command = [*kommunrapport_command(), "build", *(packages or [])]
    command += ["--root", str(repo), "--format", ",".join(formats), "--output", str(output), "-q"]
    if force:
        command.append("--force")
    if jobs is not None:
        command += ["-j", str(jobs)]
    return command


Side = Callable[[], tree.Run]


EDITED_SECTION = "arsrapport/03-digitalisering.md"  # in the report, which has a TOC


def our_build(
    scratch: Scratch,
    formats: tuple[str, ...],
    first: bool = False,
    memory: bool = False,
    edited: bool = False,
    forget: tuple[str, ...] = (),
) -> Side:
    """``kommunrapport build <Kalmar> --format … --force``; warm: the cache of earlier builds
    is there (charts, compiled templates, workbooks, pandoc's readings and writings, PDFs, page
    numbers), but for the kinds named in ``forget``, which are removed before each run; first:
    an empty cache folder and an empty output folder; edited: warm, after a new sentence in
    one section of the report (a sentence no build has seen: that document is read by pandoc
    and laid out by LibreOffice again), which is put back after the run."""
    warm_output = scratch.folder / f"ut-{'-'.join(formats)}"
    section = scratch.package / EDITED_SECTION

    def side() -> tree.Run:
        cache = scratch.fresh("cache") if first else scratch.warm_cache
        for kind in forget:
            shutil.rmtree(cache / kind, ignore_errors=True)
        output = scratch.fresh("ut") if first else warm_output
        command = build_command(scratch.repo, output, formats, [scratch.package_id])
        original = section.read_bytes()
        if edited:
            scratch.counter += 1
            sentence = f"\n\nMätningen ändrade texten {scratch.counter} gånger ({os.getpid()}).\n"
            section.write_bytes(original + sentence.encode("utf-8"))
        try:
            return tree.run(command, environment(cache), memory=memory)
        finally:
            section.write_bytes(original)
            if first:
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(output, ignore_errors=True)

    return side


LIBREOFFICE_NAMES = ("soffice", "libreoffice")  # the names libreoffice_ahead.soffice looks for


def libreoffice() -> str | None:
    """The program the toolkit lays DOCX files out with, found as the toolkit finds it."""
    from kommunrapport.writers.libreoffice_ahead import soffice

    return soffice()


def path_without_libreoffice(scratch: Scratch) -> str:
    """``$PATH`` with every folder holding LibreOffice replaced by a copy of links to the rest
    of that folder: the toolkit finds no LibreOffice, and every other program as before."""
    folders = []
    for index, entry in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        folder = Path(entry)
        if not any((folder / name).exists() for name in LIBREOFFICE_NAMES):
            folders.append(entry)
            continue
        shadow = scratch.folder / f"path-utan-libreoffice-{index}"
        if not shadow.exists():
            shadow.mkdir()
            for item in folder.iterdir():
                if item.name not in LIBREOFFICE_NAMES:
                    (shadow / item.name).symlink_to(item)
        folders.append(str(shadow))
    return os.pathsep.join(folders)


def first_build_without_libreoffice(scratch: Scratch, formats: tuple[str, ...]) -> Side:
    """A first build (empty cache and output) on a machine without LibreOffice: the tables
    of contents get no page numbers in the build (Word fills them in)."""
    path = path_without_libreoffice(scratch)

    def side() -> tree.Run:
        cache, output = scratch.fresh("cache"), scratch.fresh("ut")
        env = {**environment(cache), "PATH": path}
        try:
            return tree.run(build_command(scratch.repo, output, formats, [scratch.package_id]), env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(output, ignore_errors=True)

    return side


def libreoffice_alone(scratch: Scratch, program: str) -> Side:
    """LibreOffice by itself doing what a first build asks of it: on a new profile, lay out
    every DOCX of Kalmar that has a table of contents (three of four) into PDF, one command,
    as the build's ``PageLayouts`` does. The least a first build with page numbers costs."""
    built = scratch.folder / "ut-libreoffice-underlag"
    if not built.exists():
        build = build_command(scratch.repo, built, DOCX_HTML, [scratch.package_id])
        tree.run(build, environment(scratch.fresh("cache")))
    sources = [
        str(path)
        for path in sorted((built / scratch.package_id).glob("*.docx"))
        if b"TOC \\" in _document_xml(path)
    ]

    def side() -> tree.Run:
        profile, output = scratch.fresh("lo-profil"), scratch.fresh("lo-ut")
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless"]
        command += ["--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir"]
        try:
            return tree.run([*command, str(output), *sources])
        finally:
            shutil.rmtree(profile, ignore_errors=True)
            shutil.rmtree(output, ignore_errors=True)

    return side


def _document_xml(docx: Path) -> bytes:
    with zipfile.ZipFile(docx) as archive:
        return archive.read("word/document.xml")


def warm_up_cache(scratch: Scratch) -> None:
    """Fill the warm cache folder (charts, compiled templates) with one build of each kind."""
    for formats in (ALL_FORMATS,):
        our_build(scratch, formats)()


def unchanged_rebuild(scratch: Scratch, memory: bool = False) -> Side:
    """The same build again without ``--force``: the sources are unchanged, nothing is built."""
    output = scratch.folder / "ut-ombygge"
    command = build_command(scratch.repo, output, ALL_FORMATS, [scratch.package_id], force=False)
    tree.run(command, environment(scratch.warm_cache))  # the build it finds unchanged

    def side() -> tree.Run:
        return tree.run(command, environment(scratch.warm_cache), memory=memory)

    return side


def python_start() -> Side:
    """The floor of any Python command: the interpreter starting and stopping."""
    return lambda: tree.run([sys.executable, "-c", "pass"])


def jobs_build(scratch: Scratch, count: int, formats: tuple[str, ...], jobs: int) -> Side:
    repo = scratch.copies(count)
    output = scratch.folder / f"ut-{count}-paket-{'-'.join(formats)}-j{jobs}"
    command = build_command(repo, output, formats, jobs=jobs)
    return lambda: tree.run(command, environment(scratch.warm_cache))


# -- the Markdown our build hands pandoc --------------------------------------------------------


@dataclass
class AssembledDocument:
    id: str
    title: str
    kind: str
    markdown: str
    registry: Any  # BlockRegistry
    numbering_depth: int
    view_of_block: dict[str, str] = field(default_factory=dict)  # placeholder id → view


@dataclass
class Assembled:
    documents: list[AssembledDocument]
    shared: Any  # PackageContext: the computed table views, labels, number style

    @property
    def words(self) -> int:
        return sum(len(d.markdown.split()) for d in self.documents)


def assemble(scratch: Scratch) -> Assembled:
    """Each document's Markdown exactly as our build hands it to pandoc
    (``DocumentSource.assemble``), with the blocks its placeholders stand for. Which table view
    each ``tabell()`` placed is recorded for the R Markdown comparison."""
    os.environ["KOMMUNRAPPORT_CACHE"] = str(scratch.warm_cache)
    from kommunrapport.build.document_builder import numbering_depth
    from kommunrapport.build.document_source import DocumentSource
    from kommunrapport.build.package_context import PackageContext
    from kommunrapport.project.package import load_package

    shared = PackageContext(load_package(scratch.package))
    data = shared.data
    placed: list[tuple[str, Any]] = []
    table_block = data.table_block

    def recording_table_block(name: str, *args: Any, **kwargs: Any) -> Any:
        block = table_block(name, *args, **kwargs)
        placed.append((name, block))
        return block

    data.table_block = recording_table_block  # type: ignore[method-assign]
    media = Path(tempfile.mkdtemp(prefix="kr-bench-media-", dir=scratch.folder))
    source = DocumentSource(shared, lambda: media)
    documents = []
    for index, doc in enumerate(shared.config.documents):
        placed.clear()
        registry, markdown = source.assemble(index, doc)
        by_block = {id(block): name for name, block in placed}
        views = {
            key: by_block[id(block)]
            for key, block in registry.blocks.items()
            if id(block) in by_block
        }
        title = shared.titles[doc.id][0]
        depth = numbering_depth(shared, doc)
        documents.append(
            AssembledDocument(doc.id, title, doc.kind, markdown, registry, depth, views)
        )
    return Assembled(documents, shared)


# -- plain pandoc ---------------------------------------------------------------------------------


def _shell(lines: list[list[str]]) -> list[str]:
    return ["sh", "-e", "-c", "\n".join(shlex.join(line) for line in lines)]


def _pandoc_lines(
    assembled: Assembled, folder: Path, targets: list[tuple[str, str, list[str]]]
) -> list[list[str]]:
    """One pandoc command per document and target (format, file suffix, options), reading
    the document's Markdown (written to ``folder`` here) with our build's Markdown dialect."""
    from kommunrapport.writers.pandoc import MARKDOWN_FORMAT

    pandoc = pandoc_binary()
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for doc in assembled.documents:
        source = folder / f"{doc.id}.md"
        source.write_text(doc.markdown, encoding="utf-8")
        common = [pandoc, "-f", MARKDOWN_FORMAT, "--toc", "--metadata", f"title={doc.title}"]
        for target, suffix, options in targets:
            output = str(folder / f"{doc.id}.{suffix}")
            lines.append([*common, "-t", target, *options, "-o", output, str(source)])
    return lines


def plain_pandoc(assembled: Assembled, folder: Path, memory: bool = False) -> Side:
    """Plain pandoc, one process after the other (as a user would script it), on the same
    Markdown: DOCX, and standalone HTML, both with a table of contents."""
    lines = _pandoc_lines(
        assembled, folder, [("docx", "docx", []), ("html5", "html", ["--standalone"])]
    )
    command = _shell(lines)
    return lambda: tree.run(command, memory=memory)


def typst_floor(assembled: Assembled, folder: Path) -> Side:
    """The least a typst PDF costs: pandoc ``-t typst`` on the same Markdown, then the
    ``typst`` package compiling every document in one Python process."""
    lines = _pandoc_lines(assembled, folder, [("typst", "typ", ["--standalone"])])
    sources = [str(folder / f"{doc.id}.typ") for doc in assembled.documents]
    compile_all = (
        "import sys, typst\n"
        "for path in sys.argv[1:]:\n"
        "    typst.compile(path, output=path[:-4] + '.pdf')\n"
    )
    lines.append([sys.executable, "-c", compile_all, *sources])
    command = _shell(lines)
    return lambda: tree.run(command)


def typst_available() -> bool:
    return importlib.util.find_spec("typst") is not None


def version_of(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "saknas"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.returncode == 0 else "saknas"
