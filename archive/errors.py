"""One exception hierarchy for arsip; the CLI prints these as one clear line and exits non-zero."""


class ArsipError(Exception):
    """Base of every error arsip reports to its user."""

    exit_code = 2


class WarcError(ArsipError):
    """A WARC file is damaged or does not follow the rules arsip checks."""


class ExtractionError(ArsipError):
    """A page could not be turned into an article."""


class CrawlError(ArsipError):
    """A crawl could not start or did not finish."""

    exit_code = 1


class StorageError(ArsipError):
    """A file could not be written (a full disk, a file size limit, a folder that cannot hold it)."""

    exit_code = 1
