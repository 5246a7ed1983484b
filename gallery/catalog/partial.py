"""The parts of a catalog the rules can still judge when the schema rejected other parts.

So that one run reports every problem, the semantic rules run on each version and each definition
that passed the schema, next to the schema errors of the others:

- an unquoted value that YAML read as a number, boolean or null where text is wanted (`offer: no`)
  is taken as the text written (the schema error already says to quote it);
- a version with any other schema error is left out, and so is a definition whose own keys have one
  (its versions with it);
- an error in the top-level settings (location, storage, gallery, replication, tags, the images list
  itself) leaves nothing to judge safely: every definition depends on them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any, Optional

from gallery.catalog.schema import violations
from gallery.catalog.yamlload import Document, child_path


@dataclass(frozen=True)
class WellFormed:
    doc: Document  # the document with the repairs above
    left_out: frozenset[str]  # paths of the versions and definitions the rules do not see

    def judges(self, path: str) -> bool:
        """False for a finding about a whole that lost a part (e.g. `images[0].versions` when a version
        is left out): it judged an incomplete whole."""
        return not any(_contains(path, part) for part in self.left_out)


def well_formed(doc: Document) -> Optional[WellFormed]:
    """The well-formed parts of `doc`, or None when the top-level settings themselves are broken."""
    data = copy.deepcopy(doc.data)
    for error in list(violations(data)):
        path = _path(error.absolute_path)
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        if error.validator == "type" and "string" in wanted and path in doc.typed_text and error.absolute_path:
            _set(data, list(error.absolute_path), doc.typed_text[path])
    left_out = set()
    for error in violations(data):
        unit = _unit(list(error.absolute_path))
        if unit is None:
            return None
        left_out.add(unit)
    # A definition left out takes its versions with it: drop the versions under it from the set.
    left_out = {u for u in left_out if not any(o != u and _contains(o, u) for o in left_out)}
    return WellFormed(replace(doc, data=data), frozenset(left_out))


def _unit(parts: list) -> Optional[str]:
    """The version (images[i].versions[j]) or definition (images[i]) an error lies in; None for the top level."""
    if len(parts) >= 4 and parts[0] == "images" and parts[2] == "versions" and isinstance(parts[3], int):
        return _path(parts[:4])
    if len(parts) >= 2 and parts[0] == "images" and isinstance(parts[1], int):
        return _path(parts[:2])
    return None


def _contains(whole: str, part: str) -> bool:
    return whole == "" or part.startswith(whole + ".") or part.startswith(whole + "[")


def _path(parts) -> str:
    path = ""
    for part in parts:
        path = child_path(path, part)
    return path


def _set(data: Any, parts: list, value: Any) -> None:
    for part in parts[:-1]:
        data = data[part]
    data[parts[-1]] = value
