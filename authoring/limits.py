"""Every size, count and time limit kehoach puts on what it reads, in one place, each with why.

A real plan is tens of kilobytes; these limits sit far above any real document and far below what would
take a civil servant's machine minutes or gigabytes. Crossing one is bad input: exit 1 with a message.
"""

from __future__ import annotations

# --- YAML files (plans, directives, registry) -------------------------------------------------------------

# The largest real plan is ~60 KB and a synthetic 500-item plan ~300 KB; 4 MB leaves room and reads in < 1 s.
MAX_PLAN_BYTES = 4 * 1024 * 1024
# Plans repeat nothing by aliases; a few hundred allow hand-made reuse, far fewer than an alias bomb needs.
MAX_ALIASES = 500
# A text to import (a decision, a plan copied from a web page): the longest real one is ~100 KB.
MAX_TEXT_BYTES = 4 * 1024 * 1024
# Nodes an alias may add when expanded, summed over all aliases: stops "billion laughs" in YAML (9 × 9 levels).
MAX_ALIAS_EXPANSION = 20_000
# Nodes (values, keys' values, list items) in one file after expanding aliases: a 500-item plan has ~15 000.
MAX_NODES = 300_000
# Nesting of lists and groups: a block is two levels, real plans nest blocks five or six deep (~16 levels);
# deeper input would only exhaust the recursion of the checks and the renderer.
MAX_DEPTH = 64

# --- text fields ---------------------------------------------------------------------------------------

# A document type, symbol, province or name fits on one printed line; 200 characters is already three lines.
MAX_SHORT_FIELD = 200
# A title (trích yếu) may run long (Nghệ An 2025 has ~420 characters), but not a page.
MAX_TITLE = 2_000
# An id of a directive in `implements` becomes a file name; file systems allow 255 bytes.
MAX_REF = 200
# Dates: years a Vietnamese administrative document can carry (cited laws go back decades, not centuries).
MIN_YEAR = 1900
MAX_YEAR = 2199

# --- DOCX files (import, lint-docx, pdf) ---------------------------------------------------------------

# A real plan's DOCX is ~60 KB; one with scanned images can reach megabytes.
MAX_DOCX_BYTES = 50 * 1024 * 1024
# Members of the zip: a DOCX has a few dozen parts; tens of thousands means a crafted archive.
MAX_DOCX_MEMBERS = 2_000
# One XML part inflated (word/document.xml of a 100-page plan is ~2 MB); lxml builds a tree of it in memory.
MAX_XML_PART_BYTES = 50 * 1024 * 1024
# Every part inflated, images included.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
# Inflated / compressed size of one part: XML compresses ~10×, a zip bomb ~1000×.
MAX_COMPRESSION_RATIO = 200
# Ratio is only meaningful for parts big enough to hurt; small parts of repeated markup may compress better.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
# kehoach/plan.json inside our own DOCX: the model of a plan is ~100 KB.
MAX_EMBEDDED_PLAN_BYTES = 4 * 1024 * 1024

# --- PDF files (import) ----------------------------------------------------------------------------------

# A signed plan with annexes is a few MB; a scan of 30 pages at 300 dpi ~20 MB.
MAX_PDF_BYTES = 50 * 1024 * 1024
# Pages read from a PDF's text layer: real plans have 5-40 pages with their annexes.
MAX_PDF_PAGES = 200
# Words on one page: a dense A4 page has ~800; a crafted page with millions would only burn memory.
MAX_PDF_PAGE_WORDS = 20_000
# Annotations drawn per page (an e-office PDF has 2-6 signature fields a page); a crafted page with thousands would
# each be interpreted.
MAX_PDF_ANNOTATIONS = 50
# Pages of a scan read by OCR (~5-10 s each on one core): the header, the body and the closing of a plan.
MAX_OCR_PAGES = 30
# Tesseract on one page; a page that takes longer is not a page of text.
OCR_PAGE_TIMEOUT_S = 60
# Resolution the scan is rasterised at for OCR: Tesseract reads 12-13 pt type best at 300 dpi.
OCR_DPI = 300

# --- edXML packages (import) ------------------------------------------------------------------------------

# An envelope carries its PDF in base64 (4/3 of its size); lxml, without huge_tree, refuses a text node over 10 MB,
# so an attached PDF of up to ~7 MB, which a signed plan is.
MAX_EDXML_BYTES = 12 * 1024 * 1024
# Attachments looked at for the document (a plan, its annexes, a cover letter).
MAX_EDXML_ATTACHMENTS = 20
# One header field (Subject, OrganName): a trích yếu is a few hundred characters.
MAX_EDXML_FIELD_CHARS = 2000

# --- RFC 3161 time-stamp server (sign --tsa) ---------------------------------------------------------

# The whole exchange with the server: connect, send, answer (KEHOACH_TSA_TIMEOUT overrides, for tests).
TSA_TIMEOUT_S = 15.0
# A time-stamp reply is a few KB (token, TSA certificate chain).
MAX_TSA_REPLY_BYTES = 1024 * 1024

# --- LibreOffice ---------------------------------------------------------------------------------------

# A conversion takes ~1 s a file once started; start-up ~5 s on a cold profile.
SOFFICE_START_S = 60
SOFFICE_PER_FILE_S = 60
# After LibreOffice is asked to stop (SIGTERM), how long before its whole process group is killed.
SOFFICE_GRACE_S = 3

# --- Signed PDFs (kehoach verify, the signing step) -------------------------------------------------------

# A signed PDF handed to `kehoach verify` or uploaded at the signing step: at most this large, this many signatures
# (a plan carries two or three; each one costs a full validation).
MAX_SIGNED_PDF_BYTES = 50 * 1024 * 1024
MAX_SIGNATURES = 10

# A unit's results table (XLSX or CSV): a commune's form has tens of rows; a province's export a few thousand.
MAX_RESULTS_TABLE_BYTES = 10 * 1024 * 1024
MAX_RESULTS_ROWS = 5_000
