"""The versioned HTTP API. Handlers are thin: validate, authenticate, call the store."""

from __future__ import annotations

import json
import time
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from sync_server import pull_page
from sync_server.auth import Authenticated, RawBody, check_signed
from sync_server.errors import Forbidden, PayloadTooLarge, Unprocessable
from sync_server.protocol import (
    MAX_CTR,
    NETWORK_SCOPE,
    Envelope,
    KeyringEntry,
    ProtocolError,
    SiteCertificate,
    b64d,
    b64e,
    verify_certificate,
)
from sync_server.protocol_revocation import RevocationList
from sync_server.quota import Quota, latest_expiry
from sync_server.schemas import (
    ConfigResponse,
    EnrollRequest,
    EnrollResponse,
    ErrorResponse,
    KeyringEntryModel,
    KeyringPostResponse,
    KeyringResponse,
    Limits,
    PullResponse,
    PushRequest,
    PushResponse,
    RevocationListModel,
    RevocationsPostResponse,
    RevocationsResponse,
    SitesResponse,
    StatusResponse,
)
from sync_server.store import envelopes, registry
from sync_server.store.upgrade import legacy_state
from sync_server.verify import first_bad_signature

router = APIRouter(prefix="/v1")

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 409, 413, 422, 429, 507)}


def now_ms() -> int:
    """Server time on every answer, so sites can log and warn about clock skew."""
    return int(time.time() * 1000)


@router.get("/config", response_model=ConfigResponse, responses=ERRORS)
def get_config(request: Request) -> ConfigResponse:
    """Published limits, server time and epoch; no authentication needed."""
    cfg = request.app.state.config
    status = registry.status_head()
    return ConfigResponse(
        version=1, net=status["net"], epoch=status["epoch"], server_time=now_ms(),
        limits=Limits(max_request_bytes=cfg.max_request_bytes, max_batch=cfg.max_batch,
                      max_envelope_bytes=cfg.max_envelope_bytes,
                      max_pull_limit=cfg.max_pull_limit, clock_window_s=cfg.clock_window_s),
        legacy=legacy_state())


@router.post("/enroll", response_model=EnrollResponse, responses=ERRORS)
def enroll(payload: EnrollRequest, request: Request,
           body: RawBody) -> EnrollResponse:
    """Present a root-signed certificate, in a request signed by the certified key."""
    cert = SiteCertificate.from_dict(payload.certificate.model_dump())
    net, root = registry.trusted_root()
    verify_certificate(cert, root, net)
    check_signed(request, body, cert.sign_public_key(), cert.site)
    result = registry.enroll(cert)
    return EnrollResponse(site=cert.site, result=result, epoch=registry.epoch(),
                          server_time=now_ms())


@router.post("/push", response_model=PushResponse, responses=ERRORS)
def push(payload: PushRequest, request: Request,
         auth: Authenticated) -> PushResponse:
    """Store a batch of envelopes written and signed by the authenticated site."""
    cfg = request.app.state.config
    if len(payload.envelopes) > cfg.max_batch:
        raise PayloadTooLarge(f"at most {cfg.max_batch} envelopes per push", "batch_too_large")
    net, _ = registry.trusted_root()
    key = auth.sign_pub
    last_day = latest_expiry(cfg.retention_days, cfg.expiry_margin_days)
    batch: list[tuple[Envelope, bytes]] = []
    for index, text in enumerate(payload.envelopes):
        try:
            raw = b64d(text, field="envelope")
            if len(raw) > cfg.max_envelope_bytes:
                raise PayloadTooLarge(f"envelope {index} is larger than "
                                      f"{cfg.max_envelope_bytes} bytes", "envelope_too_large")
            env = Envelope.from_bytes(raw)
        except ProtocolError as exc:
            raise Unprocessable(f"envelope {index}: {exc.message}", exc.code) from exc
        if env.header.site != auth.site:
            raise Forbidden(f"envelope {index} names another writer site", "foreign_envelope")
        if env.header.net != net:
            raise Forbidden(f"envelope {index} belongs to another network", "wrong_network")
        if env.header.exp > last_day:
            raise Unprocessable(f"envelope {index} expires on {env.header.exp}, after the "
                                f"latest day this server keeps anything ({last_day})",
                                "expiry_too_late")
        if env.header.scope not in (auth.office, NETWORK_SCOPE):
            raise Forbidden(f"envelope {index} is sealed into scope {env.header.scope}; this "
                            f"machine may write only to {auth.office} and {NETWORK_SCOPE}",
                            "foreign_scope")
        batch.append((env, raw))
    bad = first_bad_signature([env for env, _ in batch], key, cfg.verify_processes)
    if bad is not None:
        raise Forbidden(f"envelope {bad}: envelope signature does not verify for its writer",
                        "bad_signature")
    outcome = envelopes.push(auth.site, batch,
                             Quota(cfg.max_site_envelopes, cfg.max_site_bytes))
    request.app.state.highwater.note(outcome.last_seq)
    return PushResponse(results=outcome.results,
                        acked=[int(r["ctr"]) for r in outcome.results],
                        site_high=outcome.site_high, server_time=now_ms(),
                        epoch=registry.epoch())


PULL_RESPONSES = {**ERRORS, 200: {"content": {pull_page.MEDIA_TYPE: {
    "schema": {"type": "string", "format": "binary"}}},
    "description": "A page: JSON (PullResponse), or with format=binary the layout of "
                   "sync_server/pull_page.py"}}


@router.get("/pull", response_model=PullResponse, responses=PULL_RESPONSES)
def pull(request: Request, auth: Authenticated,
         after: Annotated[int, Query(ge=0, le=MAX_CTR)] = 0,
         limit: Annotated[int, Query(ge=1, le=100_000)] = 500,
         format: Annotated[Literal["json", "binary"], Query()] = "json") -> Response:
    """Envelopes after sequence ``after`` in order; ``limit`` is capped at the published max."""
    limit = min(limit, request.app.state.config.max_pull_limit)
    epoch = registry.epoch()
    page, done, high = envelopes.pull(auth.site, (auth.office, NETWORK_SCOPE), after, limit)
    revocations = registry.revocation_version()
    if format == "binary":
        meta = {"next": page[-1][0] if page else after, "done": done, "site_high": high,
                "server_time": now_ms(), "epoch": epoch, "revocations": revocations}
        return Response(pull_page.encode(page, meta), media_type=pull_page.MEDIA_TYPE)
    # Serialised by hand: validating and dumping a page of 1000 envelopes through the
    # response model cost more server time than reading them (the shape is PullResponse).
    items = ",".join(f'{{"seq":{s},"env":"{b64e(b)}"}}' for s, b in page)
    tail = json.dumps({"next": page[-1][0] if page else after, "done": done, "site_high": high,
                       "server_time": now_ms(), "epoch": epoch,
                       "revocations": revocations}, separators=(",", ":"))
    return Response('{"envelopes":[' + items + "]," + tail[1:], media_type="application/json")


@router.get("/sites", response_model=SitesResponse, responses=ERRORS)
def sites(_: Authenticated) -> SitesResponse:
    """Certificates of every certified, unrevoked site (to wrap a new key generation), and
    the retired ones with the sequence up to which their envelopes stay readable."""
    return SitesResponse(certificates=registry.active_certificates(),
                         retired=registry.retired_certificates())


@router.get("/keyring", response_model=KeyringResponse, responses=ERRORS)
def get_keyring(auth: Authenticated) -> KeyringResponse:
    """The root-signed data-key generations of the machine's office and of the network
    (sites verify the root signature themselves; other offices' are not served at all)."""
    return KeyringResponse(entries=registry.keyring((auth.office, NETWORK_SCOPE)))


@router.post("/keyring", response_model=KeyringPostResponse, responses=ERRORS)
def post_keyring(payload: KeyringEntryModel,
                 _: Authenticated) -> KeyringPostResponse:
    """Publish a generation; stored only if the network root signed it."""
    entry = KeyringEntry.from_dict(payload.model_dump())
    return KeyringPostResponse(gen=entry.gen, result=registry.put_keyring(entry))


@router.get("/revocations", response_model=RevocationsResponse, responses=ERRORS)
def get_revocations() -> RevocationsResponse:
    """The root-signed revocation list (public: writer ids, public keys, counters, reason
    codes). No authentication: a site checks the root's signature itself."""
    return RevocationsResponse(revocations=registry.revocation_list())


@router.post("/revocations", response_model=RevocationsPostResponse, responses=ERRORS)
def post_revocations(payload: RevocationListModel) -> RevocationsPostResponse:
    """Store a newer root-signed list and lock out the machines it names.

    No request signature is needed: the root's signature is the authority, and an old list
    replayed is refused by its version (409 ``stale_revocations``). So the admin can publish
    from the laptop, and any site can re-teach a server restored from an older backup.
    """
    rl = RevocationList.from_dict(payload.model_dump())
    result, locked = registry.put_revocations(rl)
    return RevocationsPostResponse(version=rl.version, result=result, locked_out=locked)


@router.get("/status", response_model=StatusResponse, responses=ERRORS)
def status(_: Authenticated) -> StatusResponse:
    """Sites, enrolment, last push/pull, counts: only what the server can see anyway."""
    return StatusResponse(**registry.status())
