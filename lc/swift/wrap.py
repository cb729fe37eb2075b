"""Line wrapping that reads back exactly: a value is cut only at spaces, and the lines joined
with one space give the value again, whatever its spacing. A line never starts with a
character that would end the field (':' or '-') or start a new item ('+', or a code such as
'/ADD/' where the caller says so)."""

from __future__ import annotations

from collections.abc import Callable

StartCheck = Callable[[str], bool]


def plain_start(line: str) -> bool:
    """May a continuation line start like this? Not ':' (a tag) nor '-' (end of text)."""
    return not line.startswith((":", "-"))


def item_start(line: str) -> bool:
    """Continuation of a '+' item (45A/46A/47A): nor may it look like the next item."""
    return plain_start(line) and not line.startswith(("+", "/ADD/", "/DELETE/", "/REPALL/"))


def wrap(value: str, width: int, allowed: StartCheck = plain_start) -> list[str] | None:
    """Lines of at most ``width`` whose ' '.join is ``value``; None when no such cut exists
    (a word longer than the line, or every cut would start a line badly)."""
    if value == "":
        return None
    words = value.split(" ")
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        candidate = f"{current} {word}"
        if len(candidate) <= width:
            current = candidate
            continue
        lines.append(current)
        current = word
    lines.append(current)
    return lines if _fits(lines, width, allowed) else _repair(words, width, allowed)


def _fits(lines: list[str], width: int, allowed: StartCheck) -> bool:
    return all(0 < len(ln) <= width for ln in lines) and all(allowed(ln) for ln in lines[1:])


def _repair(words: list[str], width: int, allowed: StartCheck) -> list[str] | None:
    """Greedy cut failed: search cut points (most words per line first) so that every line
    fits and starts well. Values are short (a field), so the search stays small."""
    if len(words) > 1500:
        return None
    best: dict[int, list[str] | None] = {len(words): []}
    for start in range(len(words) - 1, -1, -1):
        best[start] = None
        for end in range(len(words), start, -1):
            line = " ".join(words[start:end])
            rest = best[end]
            if len(line) > width or rest is None:
                continue
            if 0 < len(line) and (start == 0 or allowed(line)):
                best[start] = [line, *rest]
                break
    return best[0]
