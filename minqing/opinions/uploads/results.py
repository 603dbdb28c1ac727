"""The results of a successful check: what the caller stores."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from minqing.opinions.uploads._common import FileExtension, ImageExtension


def _random_name(extension: str) -> str:
    # 128 random bits: stored photos of citizens must not be guessable from each other.
    return f"{secrets.token_hex(16)}.{extension}"


@dataclass(frozen=True, slots=True)
class CleanImage:
    """A verified, re-encoded image without metadata, ready to store."""

    content: bytes = field(repr=False)
    extension: ImageExtension
    content_type: str
    width: int
    height: int
    size: int
    sha256: str
    _storage_name: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_storage_name", _random_name(self.extension))

    def storage_name(self) -> str:
        """The random name to store the file under (``<32 hex>.<ext>``), fixed per result."""
        return self._storage_name

    def content_file(self) -> ContentFile:
        """The bytes as a ContentFile named :meth:`storage_name`."""
        return ContentFile(self.content, name=self._storage_name)

    as_content_file = content_file


@dataclass(frozen=True, slots=True)
class CleanFile:
    """A verified reply attachment: a PDF kept as uploaded, or a re-encoded image.

    ``display_name`` is the user's file name made safe for showing (basename, no control
    characters, at most 100 characters, ending in the real type's extension); it is for
    labels and download names only, never for the storage path.
    """

    content: bytes = field(repr=False)
    extension: FileExtension
    content_type: str
    size: int
    sha256: str
    display_name: str
    width: int | None = None
    height: int | None = None
    _storage_name: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_storage_name", _random_name(self.extension))

    @property
    def is_image(self) -> bool:
        return self.extension != "pdf"

    def storage_name(self) -> str:
        """The random name to store the file under (``<32 hex>.<ext>``), fixed per result."""
        return self._storage_name

    def content_file(self) -> ContentFile:
        """The bytes as a ContentFile named :meth:`storage_name`."""
        return ContentFile(self.content, name=self._storage_name)

    as_content_file = content_file
