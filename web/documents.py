"""GET /files/documents/{id}: a document, always as an attachment, for a signed-in user allowed to see it.

The browser is told never to render it (Content-Disposition: attachment), never to guess its type
(nosniff) and, should it open it anyway, to run nothing in it (a sandboxing CSP). Unknown documents
and documents the user may not see answer the same 404.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from core import auth, documents
from core.bootstrap import app_context
from core.errors import NotFound, PermissionDenied
from web.cookies import COOKIE


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real (UTF-8) name per RFC 6266 / 5987."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename)
    return f"attachment; filename=\"{fallback or 'document'}\"; filename*=UTF-8''{quote(filename, safe='')}"


ATTACHMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


async def document_download(request: Request) -> Response:
    """401 without a live session; 404 for a document that is unknown or not the user's to see."""
    ctx = app_context()
    token = request.cookies.get(COOKIE)
    ip = request.client.host if request.client else None
    actor = await run_in_threadpool(lambda: auth.resume(ctx, token=token, ip=ip)) if token else None
    if actor is None:
        return Response(status_code=401)
    try:
        document_id = int(request.path_params["document_id"])
        download = await run_in_threadpool(
            lambda: documents.open_document(ctx, actor=actor, document_id=document_id)
        )
    except (ValueError, NotFound, PermissionDenied):
        return Response(status_code=404)
    headers = {
        **ATTACHMENT_HEADERS,
        "Content-Disposition": content_disposition(download.filename),
        "Content-Length": str(download.size),
    }
    return StreamingResponse(download.chunks, media_type=download.content_type, headers=headers)
