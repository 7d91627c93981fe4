"""The service directory: numbers per country, maintained as data by operators."""

from actions.directory.loader import (
    SERVICE_KINDS,
    CountryDirectory,
    Directory,
    DirectoryError,
    ServiceEntry,
    load_directory,
)

__all__ = [
    "SERVICE_KINDS",
    "CountryDirectory",
    "Directory",
    "DirectoryError",
    "ServiceEntry",
    "load_directory",
]
