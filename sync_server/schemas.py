"""Request and response models of the HTTP API (validation and the OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

HARD_MAX_BATCH = 1000
"""Static upper bound for validation; the configured (published) limit is enforced too."""

B64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*={0,2}$", max_length=200_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class CertificateModel(Strict):
    """A root-signed site certificate (see ``protocol.SiteCertificate``)."""

    v: int = 2
    net: Annotated[str, StringConstraints(max_length=64)]
    site: Annotated[str, StringConstraints(max_length=32)]
    office: Annotated[str, StringConstraints(max_length=16)]
    sign_pub: Annotated[str, StringConstraints(max_length=64)]
    kex_pub: Annotated[str, StringConstraints(max_length=64)]
    serial: Annotated[str, StringConstraints(max_length=32)]
    issued: Annotated[str, StringConstraints(max_length=32)]
    sig: Annotated[str, StringConstraints(max_length=128)]


class EnrollRequest(Strict):
    certificate: CertificateModel


class EnrollResponse(BaseModel):
    site: str
    result: Literal["enrolled", "unchanged", "replaced"]
    epoch: str
    server_time: int


class PushRequest(Strict):
    """Envelopes in their binary form, base64url (``protocol.Envelope.to_b64``)."""

    envelopes: list[B64] = Field(min_length=1, max_length=HARD_MAX_BATCH)


class PushResult(BaseModel):
    rid: str
    ctr: int
    status: Literal["stored", "duplicate", "superseded", "erased", "expired"]
    seq: int | None


class PushResponse(BaseModel):
    results: list[PushResult]
    acked: list[int] = Field(description="every counter of the batch: all were acknowledged")
    site_high: int = Field(description="highest counter of this site the server has accepted")
    server_time: int = Field(description="milliseconds since the Unix epoch")
    epoch: str


class PulledEnvelope(BaseModel):
    seq: int
    env: str


class PullResponse(BaseModel):
    envelopes: list[PulledEnvelope]
    next: int = Field(description="cursor for the next page (store it after applying this one)")
    done: bool
    site_high: int
    server_time: int
    epoch: str
    revocations: int = Field(0, description="version of the revocation list this server "
                                            "holds (0: none); sites fetch it when it differs")


class Limits(BaseModel):
    max_request_bytes: int
    max_batch: int
    max_envelope_bytes: int
    max_pull_limit: int
    clock_window_s: int


class ConfigResponse(BaseModel):
    version: int
    net: str | None
    epoch: str
    server_time: int
    limits: Limits
    legacy: str | None = None
    """``finished`` once the upgrade to office scopes is confirmed everywhere: machines then
    delete the other offices' records they still hold (``pending`` before)."""


class KeyringEntryModel(Strict):
    """A root-signed data-key generation (see ``protocol.KeyringEntry``)."""

    v: int = 2
    net: Annotated[str, StringConstraints(max_length=64)]
    scope: Annotated[str, StringConstraints(max_length=16)]
    gen: int = Field(ge=1, le=2**31 - 1)
    issued: Annotated[str, StringConstraints(max_length=32)]
    alg: Annotated[str, StringConstraints(max_length=64)]
    wrapped: dict[Annotated[str, StringConstraints(max_length=32)],
                  Annotated[str, StringConstraints(max_length=512)]] = Field(max_length=1000)
    sig: Annotated[str, StringConstraints(max_length=128)]
    key_id: Annotated[str, StringConstraints(max_length=32)] = ""


class KeyringPostResponse(BaseModel):
    gen: int
    result: Literal["stored", "unchanged", "replaced"]


class KeyringResponse(BaseModel):
    entries: list[KeyringEntryModel]


class RetiredModel(BaseModel):
    """A revoked or replaced certificate: its envelopes with ``seq <= retired_seq`` stand."""

    certificate: CertificateModel
    retired_seq: int


class SitesResponse(BaseModel):
    certificates: list[CertificateModel]
    retired: list[RetiredModel] = Field(
        default_factory=list,
        description="revoked or replaced certificates; what they wrote before stays readable")


class RevocationModel(Strict):
    """One revoked certificate (see ``protocol_revocation.Revocation``)."""

    writer: Annotated[str, StringConstraints(max_length=32)]
    sign_pub: Annotated[str, StringConstraints(max_length=64)]
    upto_ctr: int = Field(ge=0, le=2**63 - 1)
    reason: Annotated[str, StringConstraints(max_length=32)]


class RevocationListModel(Strict):
    """The root-signed revocation list (see ``protocol_revocation.RevocationList``)."""

    v: int = 2
    net: Annotated[str, StringConstraints(max_length=64)]
    version: int = Field(ge=1, le=2**31 - 1)
    issued_at: Annotated[str, StringConstraints(max_length=32)]
    entries: list[RevocationModel] = Field(max_length=10_000)
    sig: Annotated[str, StringConstraints(max_length=128)]


class RevocationsResponse(BaseModel):
    revocations: RevocationListModel | None = Field(
        description="the newest root-signed list this server was given, or null")


class RevocationsPostResponse(BaseModel):
    version: int
    result: Literal["stored", "unchanged"]
    locked_out: list[str] = Field(default_factory=list,
                                  description="enrolled machines this list locked out now")


class SiteStatus(BaseModel):
    code: str
    serial: str
    issued: str
    enrolled_at: int
    revoked_at: int | None
    last_push: int | None
    last_pull: int | None
    pushes: int
    pulls: int
    high_ctr: int
    envelopes: int


class StatusResponse(BaseModel):
    net: str | None
    epoch: str | None
    seq: int
    envelopes: int
    tombstones: int
    key_generations: list[str] = Field(
        description="scope:generation of every stored key generation")
    sites: list[SiteStatus]


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail
