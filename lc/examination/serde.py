"""JSON codec for the examination dataclasses (Decimal as string, dates ISO 8601).

The Django side stores terms, documents and discrepancies as JSON and the API accepts them as
JSON, so decoding is strict: every problem is collected with its field path and raised once as
an ``ExaminationDataError``.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Self, TypeAlias, TypeVar

TYPE_KEY = "type"
# Bounds that keep every decoded value inside the engine's arithmetic: a credit's dates (the
# engine adds up to 999 days of presentation period and scans a year of closed days), amounts
# of at most 15 integer digits as MT700 writes them, counts that are counts.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)
MAX_DECIMAL = Decimal(10) ** 15
MAX_INT = 1_000_000
_DOCUMENT_REGISTRY: dict[str, type] = {}
_INVALID = object()
T = TypeVar("T")
JsonValue: TypeAlias = "str | int | bool | list[JsonValue] | dict[str, JsonValue] | None"
Decoder: TypeAlias = "Callable[[object], object]"


class ExaminationDataError(ValueError):
    """Invalid examination data; ``errors`` maps field paths to messages."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path or '<root>'}: {msg}" for path, msg in self.errors.items()))


def register_document(cls: type[T]) -> type[T]:
    """Class decorator: make a document class decodable by its ``doc_type`` tag."""
    tag = cls.__dict__.get("doc_type")
    if not isinstance(tag, str):
        raise TypeError(f"{cls.__name__} has no doc_type tag")
    _DOCUMENT_REGISTRY[tag] = cls
    return cls


class JsonRecord:
    """Mixin giving a dataclass ``to_dict`` / ``from_dict``."""

    def to_dict(self) -> dict[str, JsonValue]:
        encoded = encode(self)
        assert isinstance(encoded, dict)
        return encoded

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Self:
        return decode(cls, data)


def encode(value: object) -> JsonValue:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, JsonValue] = {}
        tag = getattr(type(value), "doc_type", None)
        if isinstance(tag, str):
            out[TYPE_KEY] = tag
        for f in dataclasses.fields(value):
            out[f.name] = encode(getattr(value, f.name))
        return out
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, frozenset, set)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def decode(cls: type[T], data: object) -> T:
    errors: dict[str, str] = {}
    result = _decode(cls, data, "", errors)
    if errors:
        raise ExaminationDataError(errors)
    return typing.cast(T, result)


@functools.cache
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls)


@functools.cache
def _shape(tp: object) -> tuple[str, object]:
    """How values of type ``tp`` decode, worked out once per type (decoding a credit's terms
    visits ~150 values of a dozen types)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return "union", typing.get_args(tp)
    if origin in (tuple, list, frozenset):
        return "sequence", (typing.get_args(tp)[0], origin)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return "dataclass", tp
    return "scalar", tp


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, object, Mapping[str, object], bool], ...]:
    """A dataclass's fields once: (name, type hint, metadata, required)."""
    hints = _hints(cls)
    return tuple((f.name, hints[f.name], f.metadata,
                  f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                 for f in dataclasses.fields(cls))


@functools.cache
def _names(cls: type) -> frozenset[str]:
    """The keys a dataclass's object may carry: its fields and the document type tag."""
    return frozenset(f.name for f in dataclasses.fields(cls)) | {TYPE_KEY}


def _decode(tp: object, value: object, path: str, errors: dict[str, str]) -> object:
    kind, detail = _shape(tp)
    if kind == "union":
        return _decode_union(typing.cast(tuple[object, ...], detail), value, path, errors)
    if kind == "sequence":
        item, origin = typing.cast(tuple[object, object], detail)
        return _decode_sequence(item, value, path, errors, origin)
    if kind == "dataclass":
        return _decode_dataclass(typing.cast(type, detail), value, path, errors)
    return _decode_scalar(tp, value, path, errors)


def _decode_union(args: tuple[object, ...], value: object, path: str, errors: dict[str, str]) -> object:
    if value is None and type(None) in args:
        return None
    members = [a for a in args if a is not type(None)]
    if len(members) == 1:
        return _decode(members[0], value, path, errors)
    if all(isinstance(m, type) and dataclasses.is_dataclass(m) for m in members):
        return _decode_document(value, path, errors)
    errors[path] = "unsupported union"
    return _INVALID


def _decode_document(value: object, path: str, errors: dict[str, str]) -> object:
    tag = value.get(TYPE_KEY) if isinstance(value, Mapping) else None
    cls = _DOCUMENT_REGISTRY.get(tag) if isinstance(tag, str) else None
    if cls is None:
        errors[f"{path}.{TYPE_KEY}" if path else TYPE_KEY] = f"unknown document type {tag!r}"
        return _INVALID
    return _decode_dataclass(cls, value, path, errors)


def _decode_sequence(item: object, value: object, path: str, errors: dict[str, str], origin: object) -> object:
    if not isinstance(value, (list, tuple)):
        errors[path] = "expected a list"
        return _INVALID
    items = [_decode(item, v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    return frozenset(items) if origin is frozenset else tuple(items)


def _decode_dataclass(cls: type, value: object, path: str, errors: dict[str, str]) -> object:
    if not isinstance(value, Mapping):
        errors[path] = "expected an object"
        return _INVALID
    cls = _dispatch(cls, value, path, errors)
    fields = _fields(cls)
    start = len(errors)
    names = _names(cls)
    if not value.keys() <= names:
        for key in value:
            if key not in names:
                errors[_join(path, key)] = "unknown field"
    kwargs: dict[str, object] = {}
    for name, hint, metadata, required in fields:
        if name in value:
            where = _join(path, name)
            decoded = kwargs[name] = _decode(hint, value[name], where, errors)
            if metadata:
                _check_range(decoded, metadata, where, errors)
        elif required:
            errors[_join(path, name)] = "required"
    if len(errors) > start:
        return _INVALID
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        errors[path] = str(exc)
        return _INVALID


def _check_range(value: object, metadata: Mapping[str, object], path: str, errors: dict[str, str]) -> None:
    low, high = metadata.get("min"), metadata.get("max")
    if isinstance(value, int) and isinstance(low, int) and isinstance(high, int) and not low <= value <= high:
        errors[path] = f"must be between {low} and {high}"


def _dispatch(cls: type, value: Mapping[str, object], path: str, errors: dict[str, str]) -> type:
    tag = value.get(TYPE_KEY)
    target = _DOCUMENT_REGISTRY.get(tag) if isinstance(tag, str) else None
    if tag is None or target is cls:
        return cls
    if target is not None and issubclass(target, cls):
        return target
    errors[_join(path, TYPE_KEY)] = f"document type {tag!r} does not fit {cls.__name__}"
    return cls


def _decode_scalar(tp: object, value: object, path: str, errors: dict[str, str]) -> object:
    try:
        return _SCALARS[tp](value)
    except KeyError:
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return _enum(tp, value, path, errors)
        errors[path] = f"unsupported type {tp!r}"
    except (TypeError, ValueError, InvalidOperation) as exc:
        errors[path] = str(exc) or "invalid value"
    return _INVALID


def _enum(tp: type[enum.Enum], value: object, path: str, errors: dict[str, str]) -> object:
    try:
        return tp(value)
    except ValueError:
        errors[path] = f"must be one of {[m.value for m in tp]}"
        return _INVALID


def _as_decimal(value: object) -> Decimal:
    # Money never travels as a float: binary fractions would change the amount.
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError("expected a decimal string")
    result = Decimal(str(value).strip())
    if not result.is_finite():
        raise ValueError("expected a finite decimal")
    if abs(result) >= MAX_DECIMAL:
        raise ValueError("at most 15 digits before the decimal point (MT700 15d)")
    return result


def _as_date(value: object) -> date:
    if not isinstance(value, str):
        raise TypeError("expected an ISO date string")
    result = date.fromisoformat(value)
    if not FIRST_DATE <= result <= LAST_DATE:
        raise ValueError(f"dates run from {FIRST_DATE} to {LAST_DATE}")
    return result


def _as_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("expected an integer")
    if not 0 <= value <= MAX_INT:
        raise ValueError(f"expected an integer from 0 to {MAX_INT}")
    return value


def _typed(kind: type) -> Decoder:
    def check(value: object) -> object:
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}")
        return value

    return check


_SCALARS: dict[object, Decoder] = {
    Decimal: _as_decimal,
    date: _as_date,
    int: _as_int,
    bool: _typed(bool),
    str: _typed(str),
}


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
