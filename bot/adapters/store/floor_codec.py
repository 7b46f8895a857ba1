"""The JSON form of a `FloorState`, as the store snapshots it (see floor_lists.py).

Times are ISO 8601 with their offset (a naive one is refused: it would be read in the server's zone);
durations are whole microseconds, exact unlike float seconds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.domain.floor.state import FloorState, Intervention, Participant, Request, RequestKind, Speaking, Surface


def state_to_json(state: FloorState) -> dict[str, Any]:
    return {"pending": [_request_json(r) for r in state.pending]} | _rest_json(state)


def state_to_text(state: FloorState) -> str:
    """`state_to_json` as compact JSON text; each request is encoded once in its life (see `_request_text`)."""
    rest = json.dumps(_rest_json(state), separators=(",", ":"), ensure_ascii=False)
    return '{"pending":[' + ",".join(_request_text(r) for r in state.pending) + "]," + rest[1:]


# Requests are immutable, and a list's next version shares all but one or two of them: the snapshot written on
# every operation reuses their text instead of encoding a 1,000-request list again. Keyed by identity (the
# entry holds the request, so its id is not reused); cleared when full.
_ENCODED: dict[int, tuple[Request, str]] = {}
_ENCODED_MAX = 20_000


def _request_text(r: Request) -> str:
    hit = _ENCODED.get(id(r))
    if hit is not None and hit[0] is r:
        return hit[1]
    if len(_ENCODED) >= _ENCODED_MAX:
        _ENCODED.clear()
    text = json.dumps(_request_json(r), separators=(",", ":"), ensure_ascii=False)
    _ENCODED[id(r)] = (r, text)
    return text


def _rest_json(state: FloorState) -> dict[str, Any]:
    """Everything but the pending requests."""
    return {
        "discussion": state.discussion,
        "is_open": state.is_open,
        "speaking": _speaking_json(state.speaking) if state.speaking else None,
        "spoken": dict(state.spoken),
        "used_by_group": {g: _td(d) for g, d in state.used_by_group.items()},
        "interventions": [_intervention_json(i) for i in state.interventions],
        "version": state.version,
        "seq": state.seq,
    }


def state_from_json(data: Mapping[str, Any]) -> FloorState:
    speaking = data.get("speaking")
    return FloorState(
        discussion=str(data["discussion"]),
        is_open=bool(data["is_open"]),
        pending=tuple(_request_from(r) for r in data["pending"]),
        speaking=_speaking_from(speaking) if speaking else None,
        spoken={str(k): int(v) for k, v in data["spoken"].items()},
        used_by_group={str(g): _from_td(v) for g, v in data["used_by_group"].items()},
        interventions=tuple(_intervention_from(i) for i in data["interventions"]),
        version=int(data["version"]),
        seq=int(data["seq"]),
    )


def _td(d: timedelta) -> int:
    # Whole microseconds: exact, unlike float seconds.
    return d // timedelta(microseconds=1)


def _from_td(v: Any) -> timedelta:
    return timedelta(microseconds=int(v))


def _dt(d: datetime) -> str:
    return d.isoformat()


def _from_dt(v: Any) -> datetime:
    parsed = datetime.fromisoformat(str(v))
    if parsed.tzinfo is None:
        raise ValueError(f"naive datetime in floor state: {v!r}")
    return parsed


def _participant_json(p: Participant) -> dict[str, Any]:
    return {"person": p.person, "name": p.name, "group": p.group, "language": p.language}


def _request_json(r: Request) -> dict[str, Any]:
    return {
        "id": r.id,
        "participant": _participant_json(r.participant),
        "kind": r.kind.value,
        "note": r.note,
        "source": r.source.value,
        "at": _dt(r.at),
        "over_budget": r.over_budget,
        "pinned_after": sorted(r.pinned_after) if r.pinned_after is not None else None,
        "pinned_seq": r.pinned_seq,
        "skips": r.skips,
    }


def _request_from(d: Mapping[str, Any]) -> Request:
    p = d["participant"]
    pinned = d.get("pinned_after")
    return Request(
        id=str(d["id"]),
        participant=Participant(str(p["person"]), str(p["name"]), str(p["group"]), str(p["language"])),
        kind=RequestKind(d["kind"]),
        note=d.get("note"),
        source=Surface(d["source"]),
        at=_from_dt(d["at"]),
        over_budget=bool(d.get("over_budget", False)),
        pinned_after=frozenset(pinned) if pinned is not None else None,
        pinned_seq=int(d.get("pinned_seq", 0)),
        skips=int(d.get("skips", 0)),
    )


def _speaking_json(s: Speaking) -> dict[str, Any]:
    return {
        "request": _request_json(s.request),
        "started_at": _dt(s.started_at),
        "ends_at": _dt(s.ends_at),
        "warned": s.warned,
        "expired": s.expired,
        "extensions": _td(s.extensions),
    }


def _speaking_from(d: Mapping[str, Any]) -> Speaking:
    return Speaking(
        request=_request_from(d["request"]),
        started_at=_from_dt(d["started_at"]),
        ends_at=_from_dt(d["ends_at"]),
        warned=bool(d["warned"]),
        expired=bool(d["expired"]),
        extensions=_from_td(d["extensions"]),
    )


def _intervention_json(i: Intervention) -> dict[str, Any]:
    return {
        "person": i.person,
        "name": i.name,
        "group": i.group,
        "language": i.language,
        "kind": i.kind.value,
        "source": i.source.value,
        "start": _dt(i.start),
        "end": _dt(i.end),
        "duration": _td(i.duration),
        "request_id": i.request_id,
    }


def _intervention_from(d: Mapping[str, Any]) -> Intervention:
    return Intervention(
        person=str(d["person"]),
        name=str(d["name"]),
        group=str(d["group"]),
        language=str(d["language"]),
        kind=RequestKind(d["kind"]),
        source=Surface(d["source"]),
        start=_from_dt(d["start"]),
        end=_from_dt(d["end"]),
        duration=_from_td(d["duration"]),
        request_id=str(d["request_id"]),
    )
