"""Uploads: size limit, type checked by content (not by the name), private storage."""

import io
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Attachment

# What a ticket may carry, judged from the file's first bytes.
ALLOWED = {
    "image/jpeg": Attachment.Kind.PHOTO,
    "image/png": Attachment.Kind.PHOTO,
    "image/webp": Attachment.Kind.PHOTO,
    "image/heic": Attachment.Kind.PHOTO,
    "image/heif": Attachment.Kind.PHOTO,
    "video/mp4": Attachment.Kind.VIDEO,
    "video/quicktime": Attachment.Kind.VIDEO,
    "video/webm": Attachment.Kind.VIDEO,
    "application/pdf": Attachment.Kind.DOCUMENT,
}


def sniff(upload) -> str:
    """The real content type of an upload, from its first bytes."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else ""


def validate_upload(upload) -> str:
    if upload.size > settings.MAX_UPLOAD_SIZE:
        raise ValidationError(
            _("%(name)s is too big (%(size)s); the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.MAX_UPLOAD_SIZE),
            }
        )
    content_type = sniff(upload)
    if content_type not in ALLOWED:
        raise ValidationError(
            _("%(name)s is not a photo, video or PDF we accept (JPEG, PNG, WebP, HEIC, MP4, MOV, WebM, PDF).")
            % {"name": upload.name}
        )
    return content_type


# Photos we can decode are re-encoded: whatever else the file carried (a script
# appended to a JPEG, the phone's GPS position in EXIF) does not survive.
REENCODE = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
MAX_SIDE = 2560


def reencode_image(upload, content_type):
    """A fresh image file from the upload's pixels, upright, at most MAX_SIDE wide/high."""
    from PIL import Image, ImageOps

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            if REENCODE[content_type] == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, REENCODE[content_type], quality=85, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("%(name)s could not be read as an image.") % {"name": upload.name}) from exc
    return ContentFile(buffer.getvalue())


def attachment_add(*, ticket, upload, by, comment=None, log=True) -> Attachment:
    from .services import log_event

    content_type = validate_upload(upload)
    name = PurePath(upload.name).name[:255] or "arquivo"
    if content_type in REENCODE:
        upload = reencode_image(upload, content_type)
    attachment = Attachment(
        client_id=ticket.client_id,
        ticket=ticket,
        comment=comment,
        uploaded_by=by,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        kind=ALLOWED[content_type],
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    if log:
        log_event(ticket=ticket, actor=by, kind="attachment", name=name)
    return attachment
