"""GitHub Actions workflow commands (`::error file=…,line=…::message`), escaped the one way GitHub reads them.

Both the catalog's problems and the review diff's findings annotate pull requests through here.
"""

from __future__ import annotations

from typing import Optional


def annotation(
    level: str, message: str, *, file: str, line: int = 0, column: int = 0, title: Optional[str] = None
) -> str:
    """One workflow command; `level` is error, warning or notice. Line and column only when known."""
    props = [f"file={_prop(file)}"]
    if line:
        props.append(f"line={line}")
    if column:
        props.append(f"col={column}")
    if title:
        props.append(f"title={_prop(title)}")
    return f"::{level} {','.join(props)}::{_data(message)}"


def _data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")
