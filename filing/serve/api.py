"""The JSON API: the same actions as the pages, in design.md's JSON shapes (``{"ok", "findings": [...]}``), with
OpenAPI at ``/openapi.json`` and ``/docs``. ``?format=log`` turns findings into a coded log. Input the library refuses
answers 422 with the CLI's exit-2 JSON (every problem with its file, line, column and field path)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from filing.assets import AssetClass
from filing.serve import actions
from filing.serve.present import coded_log
from filing.serve.service import Rejected, Server

api = APIRouter(prefix="/api")
FormatQuery = Annotated[Literal["json", "log"], Query(alias="format",
                                                      description="json: design.md's shape; log: a coded log")]


class NewDeal(BaseModel):
    name: str = Field(description="folder name of the deal in the workspace", examples=["my-deal"])
    asset_class: AssetClass = Field(description="one of the registered asset classes (filing.assets)")


class FieldEdit(BaseModel):
    fields: dict[str, str] = Field(description="field path → new value as typed; an empty value clears the field",
                                   examples=[{"token.tranches[1].coupon_rate": "0.08"}])


class JobRequest(BaseModel):
    kind: Literal["contract", "draft", "final"] = Field(description="the chain suite, or a draft or final packet")
    sign: bool = Field(False, description="sign the manifest with the key file named when the server started")


def _server(request: Request) -> Server:
    return request.app.state.server


def _shaped(result: dict[str, Any], fmt: str, source: str) -> dict[str, Any]:
    return coded_log(result["findings"], source) if fmt == "log" else result


@api.get("/schema", tags=["deals"])
def schema() -> dict[str, Any]:
    """The JSON Schema of the deal file (``filing schema``)."""
    return actions.schema()


@api.get("/deals", tags=["deals"])
def deals(request: Request) -> dict[str, Any]:
    return {"ok": True, "findings": [], "deals": _server(request).workspace.deals()}


@api.post("/deals", tags=["deals"], status_code=201)
def create(request: Request, body: NewDeal) -> dict[str, Any]:
    """``filing init``: a new deal folder with a commented deal.yaml and a tape template."""
    return {"ok": True, "findings": [], "deal": _server(request).create_deal(body.name, body.asset_class)}


@api.get("/deals/{name}", tags=["deals"])
def check(request: Request, name: str, fmt: FormatQuery = "json") -> dict[str, Any]:
    """``filing check --format json`` with the pool report; 422 when the deal or its tape cannot be read."""
    view = _server(request).deal(name)
    if view["errors"]:
        raise Rejected(view["errors"])
    return _shaped(view["check"], fmt, f"{name}/deal.yaml")


@api.patch("/deals/{name}", tags=["deals"])
def edit(request: Request, name: str, body: FieldEdit, fmt: FormatQuery = "json") -> dict[str, Any]:
    """Change fields of deal.yaml (comments kept); nothing is written when the edited deal does not load."""
    changed = _server(request).save_fields(name, body.fields)
    return check(request, name, fmt) | {"changed": changed}


@api.post("/deals/{name}/preview", tags=["deals"])
def preview(request: Request, name: str, body: FieldEdit) -> dict[str, Any]:
    """The check of the deal with these field values, written nowhere: findings while the user types (input errors
    come back in the same shape, with ``ok`` false)."""
    return _server(request).preview(name, body.fields)


@api.post("/deals/{name}/tape", tags=["deals"])
def tape(request: Request, name: str, file: Annotated[UploadFile, File(description="CSV (UTF-8 or GB18030), "
                                                                                   "XLSX or Parquet")],
         fmt: FormatQuery = "json") -> dict[str, Any]:
    """Replace the deal's tape and return the check with the pool report; a tape the pool stage cannot read is
    refused with its file and line, and the deal's tape stays as it was."""
    result = _server(request).upload_tape(name, file.filename or "tape", file.file)
    return _shaped(result, fmt, f"{name}/deal.yaml")


@api.post("/deals/{name}/jobs", tags=["jobs"], status_code=202)
def start(request: Request, name: str, body: JobRequest) -> dict[str, Any]:
    """Start the chain suite or a build off the request path; poll ``/api/jobs/{id}`` for progress and result."""
    return _server(request).start(name, body.kind, sign=body.sign)


@api.get("/deals/{name}/packets", tags=["jobs"])
def packets(request: Request, name: str) -> dict[str, Any]:
    return {"ok": True, "findings": [], "packets": _server(request).packets(name)}


@api.post("/deals/{name}/packets/{kind}/review", tags=["reviews"], status_code=201)
def review_built(request: Request, name: str, kind: Literal["draft", "final"]) -> dict[str, Any]:
    """Review the deal's latest draft or final packet (its zip) as a reviewer receives it."""
    server = _server(request)
    return server.review(server.review_built(name, kind))


@api.get("/jobs/{job_id}", tags=["jobs"])
def job(request: Request, job_id: str) -> dict[str, Any]:
    """Status (queued, running, done, failed, interrupted), the step in progress, and the result when done."""
    return _server(request).jobs.get(job_id)


@api.get("/reviews", tags=["reviews"])
def reviews(request: Request) -> dict[str, Any]:
    return {"ok": True, "findings": [], "reviews": _server(request).workspace.reviews()}


@api.post("/reviews", tags=["reviews"], status_code=201)
def add_review(request: Request, file: Annotated[UploadFile, File(description="a packet zip")],
               signer: Annotated[str, Form(description="the address expected to have signed")] = "",
               fmt: FormatQuery = "json") -> JSONResponse:
    """``filing review``: integrity, signature, re-validation; a zip the safe opener refuses answers 422 and
    nothing is kept."""
    server = _server(request)
    review_id = server.add_review(file.filename or "packet.zip", file.file, signer or None)
    return JSONResponse(review(request, review_id, fmt), status_code=201)


@api.get("/reviews/{review_id}", tags=["reviews"])
def review(request: Request, review_id: str, fmt: FormatQuery = "json") -> dict[str, Any]:
    result = _server(request).review(review_id)
    return coded_log(result["findings"], result["upload"]) | {"id": review_id} if fmt == "log" else result


@api.get("/reviews/{review_id}/diff/{previous}", tags=["reviews"])
def diff(request: Request, review_id: str, previous: str) -> dict[str, Any]:
    """``filing diff``: what changed from the ``previous`` review's packet to this one's."""
    return _server(request).diff(review_id, previous)
