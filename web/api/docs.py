"""A human-readable page for the API, made from its OpenAPI document on the server (no scripts, no CDN)."""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.responses import HTMLResponse

from web.api.problems import KINDS

INTRO = (
    "The internship office's registrations, postings and changes feed for the student portal and other "
    "university systems. Send `Authorization: Bearer <token>` (an admin issues tokens on the API clients "
    "page). Errors are RFC 9457 `application/problem+json`. Each client may make 20 requests a second, "
    "40 at once."
)
STYLE = (
    "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
    "code,pre{background:#f4f4f4;padding:.1rem .3rem}pre{padding:.6rem;overflow:auto}"
    "h3{margin-top:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}"
)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _parameters(operation: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>{_e(p['name'])}</code></td><td>{_e(p['in'])}</td>"
        f"<td>{'yes' if p.get('required') else ''}</td><td>{_e(p.get('description', ''))}</td></tr>"
        for p in operation.get("parameters", [])
    )
    return (
        f"<table><tr><th>parameter</th><th>in</th><th>required</th><th></th></tr>{rows}</table>"
        if rows
        else ""
    )


def _operation(method: str, path: str, operation: dict[str, Any], schemas: dict[str, Any]) -> str:
    parts = [f"<h3><code>{_e(method.upper())} /api{_e(path)}</code></h3>",
             f"<p><b>{_e(operation.get('summary', ''))}</b>. {_e(operation.get('description', ''))}</p>",
             _parameters(operation)]  # fmt: skip
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    name = str(body.get("$ref", "")).rsplit("/", 1)[-1]
    if name in schemas:
        example = schemas[name].get("examples", [None])[0]
        parts.append(f"<p>Body: <code>{_e(name)}</code></p>")
        if example:
            parts.append(f"<pre>{_e(json.dumps(example, ensure_ascii=False, indent=2))}</pre>")
    statuses = ", ".join(sorted(operation.get("responses", {})))
    parts.append(f"<p>Responses: {_e(statuses)}</p>")
    return "".join(parts)


def page(document: dict[str, Any]) -> HTMLResponse:
    """The docs page: every operation with its parameters and responses, then every problem type."""
    schemas = document.get("components", {}).get("schemas", {})
    operations = "".join(
        _operation(method, path, op, schemas)
        for path, methods in document.get("paths", {}).items()
        for method, op in methods.items()
    )
    problems = "".join(
        f'<tr id="problem-{_e(k.slug)}"><td><code>{_e(k.type)}</code></td>'
        f"<td>{k.status}</td><td>{_e(k.title)}</td></tr>"
        for k in KINDS.values()
    )
    body = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(document['info']['title'])}</title>"
        f"<style>{STYLE}</style></head><body><h1>{_e(document['info']['title'])} "
        f"{_e(document['info']['version'])}</h1><p>{_e(INTRO)}</p>"
        "<p>Machine-readable: <a href='/api/v1/openapi.json'>/api/v1/openapi.json</a> (OpenAPI 3.1).</p>"
        f"<h2>Operations</h2>{operations}<h2>Problem types</h2>"
        f"<table><tr><th>type</th><th>status</th><th>title</th></tr>{problems}</table></body></html>"
    )
    return HTMLResponse(body)
