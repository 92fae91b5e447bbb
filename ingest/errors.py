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
    reason = "not a PDF, DOCX, HTML or text file"


class EmptyFile(IngestError):
    reason = "the file is empty"


class FileTooLarge(IngestError):
    reason = "the file is larger than the upload limit"


class CorruptFile(IngestError):
    reason = "the file is damaged and cannot be read"


class EncryptedPdf(IngestError):
    reason = "the PDF is encrypted; save an unprotected copy and ingest that"


class NoTextLayer(IngestError):
    reason = "the PDF has no text layer (a scan?); run OCR first"


class NoClauses(IngestError):
    reason = "no numbered clauses found (一、 / （一） / 1．)"
