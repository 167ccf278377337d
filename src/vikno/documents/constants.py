from enum import StrEnum


class VerificationStatus(StrEnum):
    VALID = "valid"  # signed by a trusted key, unchanged since, issued by the portal and not revoked
    REVOKED = "revoked"  # as valid, but the issuing organisation has revoked it
    INVALID = "invalid"  # see InvalidReason
    UNKNOWN = "unknown"  # validly signed by a trusted key, but not a document this portal issued
    NOT_SIGNED = "not_signed"  # a PDF without a signature
    NOT_PDF = "not_pdf"  # not a PDF at all


class InvalidReason(StrEnum):
    CHANGED = "changed"  # the content changed after signing, or something was added to the file since
    BROKEN = "broken"  # the signature itself does not check out
    UNTRUSTED = "untrusted"  # signed with a key that no trusted authority vouches for
    DAMAGED = "damaged"  # a PDF that cannot be read


# Where a valid PDF starts (the PDF standard allows the header anywhere in the first 1024 bytes).
PDF_HEADER = b"%PDF-"
PDF_HEADER_WITHIN = 1024
