"""One exception class per way a file can fail to ingest; each prints as one line naming the file."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot become a document. ``str(err)`` is ``"{path}: {reason}"``."""

    reason = "cannot be ingested"

    def __init__(self, path: str, reason: str | None = None) -> None:
        self.path = path
        if reason is not None:
            self.reason = reason
        super().__init__(f"{path}: {self.reason}")


class UnsupportedFormat(IngestError):
    reason = "not a PDF, OFD, Word (DOCX, DOC), WPS, RTF, HTML or text file"


class EmptyFile(IngestError):
    reason = "the file is empty"


class FileTooLarge(IngestError):
    reason = "the file is larger than the upload limit"


class CorruptFile(IngestError):
    reason = "the file is damaged and cannot be read"


class EncryptedPdf(IngestError):
    reason = "the PDF is encrypted; save an unprotected copy and ingest that"


class TooManyPages(IngestError):
    reason = "the document has more pages than the page limit"


class NoTextLayer(IngestError):
    reason = "the PDF has no text layer (a scan?); ingest it with --ocr auto to read it by OCR"


class OcrUnavailable(IngestError):
    reason = "the PDF is a scan and OCR is not available (install rapidocr and onnxruntime)"


class OcrFoundNoText(IngestError):
    reason = "the PDF is a scan and OCR found no text on any page"


INSTALL_LIBREOFFICE = (
    "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui) to read it, or save it as DOCX"
)


class ConverterMissing(IngestError):
    reason = f"a legacy Word/WPS document: {INSTALL_LIBREOFFICE}"


class ConversionFailed(IngestError):
    reason = "LibreOffice could not convert the document"


class NoClauses(IngestError):
    reason = "no numbered clauses found (一、 / （一） / 1．)"
