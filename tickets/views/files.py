"""Attachment downloads: only through the ticket's access check, never a public URL."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from .. import access as access_module

# Served inline only when the browser cannot run it as a page; anything else downloads.
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf", "video/mp4", "video/webm"}


@login_required
def attachment(request, pk, attachment_pk):
    ticket, _access = access_module.get_ticket_for_user(request.user, pk, "view")
    item = ticket.attachments.filter(pk=attachment_pk).first()
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = item.content_type in INLINE_TYPES and request.GET.get("download") != "1"
    response = FileResponse(
        handle, as_attachment=not inline, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
