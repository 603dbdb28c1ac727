"""Validation of uploaded files: citizens' photos and handling units' reply attachments.

Everything a stranger uploads is hostile until proven otherwise. The rules:

* The type is judged by the bytes, never by the file name or the declared content type:
  a photo must start with the JPEG, PNG or WebP signature *and* decode completely with
  Pillow (``verify()`` and then a full ``load()``), so a PDF, HTML page, SVG or GIF renamed
  ``photo.jpg`` is refused, and so is a truncated or corrupt image.
* Sizes are checked before the file is read, and at most ``limit + 1`` bytes are read, so a
  huge upload costs no memory.
* Decompression bombs are refused by pixel count (``MINQING_PHOTO_MAX_PIXELS``) before
  anything is decoded. Baseline JPEGs are decoded at a reduced DCT scale (``draft``), so
  their header may declare up to twice the limit: that lets through the 50 and 64
  megapixel shots of current phones while the memory used stays under the limit.
  Progressive JPEGs need a full-size coefficient buffer whatever the scale, so their
  header must fit the limit itself.
* Photos are re-encoded: EXIF orientation is applied, the long side is reduced to
  ``MINQING_PHOTO_MAX_SIDE`` and the result is written to a fresh image without any
  metadata: no EXIF (and so no GPS position of the citizen's home), no XMP, no comment, no
  ICC profile (colours are first converted to sRGB so wide-gamut phone photos keep their
  look). JPEG stays JPEG, PNG stays PNG, WebP stays WebP.
* Animated PNG/WebP (and multi-picture JPEG/MPO) are accepted and reduced to their first
  frame: a citizen sending a "live" picture of a pothole should not be turned away, and a
  single still frame is all the case file needs.
* PDFs (reply attachments only) are kept byte for byte after a structural check (``%PDF-``
  header, ``startxref`` and ``%%EOF`` at the end). They are not parsed further: production
  has no PDF library and a naive scan for scripts would miss compressed object streams.
  Serve stored files with ``Content-Disposition: attachment`` and ``nosniff``.
* Stored files get a random name (:meth:`CleanImage.storage_name`); the user's file name
  never reaches the storage path. Attachments keep a sanitised display name for showing.
* Every refusal is a :class:`~django.core.exceptions.ValidationError` with a Chinese
  message naming the file; nothing else escapes for bad input, so a view or the API answers
  400/422, never 500.

Settings read (with defaults): ``MINQING_PHOTO_MAX_BYTES`` (10 MiB),
``MINQING_PHOTO_MAX_COUNT`` (6), ``MINQING_PHOTO_MAX_PIXELS`` (40,000,000),
``MINQING_PHOTO_MAX_SIDE`` (2560; 0 keeps the size) and ``MINQING_ATTACHMENT_MAX_BYTES``
(20 MiB).

Truncated files are caught because Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` stays
``False`` (its default); nothing in minqing may switch it on.

Do not put a ``forms.ImageField`` in front of these functions: it decodes the file with
Pillow before any of the checks here. Use ``forms.FileField`` and call ``clean_photo``.

Modules: ``images`` (photos: decoding and re-encoding), ``attachments`` (PDFs and reply
files), ``results`` (:class:`CleanImage`, :class:`CleanFile`) and ``_common`` (limits,
messages, safe names, bounded reading). Import from the package, not the modules.
"""

from minqing.opinions.uploads._common import safe_display_name
from minqing.opinions.uploads.attachments import clean_attachment, clean_attachments
from minqing.opinions.uploads.images import clean_photo, clean_photos
from minqing.opinions.uploads.images import logger as logger
from minqing.opinions.uploads.results import CleanFile, CleanImage
from minqing.opinions.uploads.storage import save_clean

__all__ = [
    "CleanFile",
    "CleanImage",
    "clean_attachment",
    "clean_attachments",
    "clean_photo",
    "clean_photos",
    "safe_display_name",
    "save_clean",
]
