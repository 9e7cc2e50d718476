"""Who is acting and from where, for the current request or task (read by services and audit)."""

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    user: Any = None
    token_id: int | None = None
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""
    # Set while a bulk change runs (``clientbook.core.records.audit.operation``): its events share the id.
    operation_id: uuid.UUID | None = None
    operation_name: str = ""
    # How events without a user are signed: "system", or a command's / task's name.
    system_name: str = "system"


# Outside any request (commands, tasks, tests) the actor is the system; the default is immutable.
_current: ContextVar[RequestContext] = ContextVar(
    "clientbook_request_context",
    default=RequestContext(),  # noqa: B039
)


def current() -> RequestContext:
    return _current.get()


def set_context(context: RequestContext) -> Any:
    return _current.set(context)


def reset_context(token: Any) -> None:
    _current.reset(token)
