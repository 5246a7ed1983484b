"""What discovery has to say about the catalog it writes: each note becomes a YAML comment where it
applies, and a line of the command's report.

Kinds:
- `left-out`: Azure has it, the catalog cannot say it; the program will not manage it;
- `changes`: the catalog cannot say it the way Azure has it, so the first `pulumi up` would change it;
- `broken`: it looks broken in Azure (a failed version, a source that is gone);
- `refused`: Azure did not let discovery read it.
"""

from __future__ import annotations

import dataclasses

KINDS = ("left-out", "changes", "broken", "refused")


@dataclasses.dataclass(frozen=True)
class Note:
    path: tuple  # where the comment goes in the catalog: () the top, ("images", 0, "versions", 2) ...
    kind: str  # one of KINDS
    text: str

    @property
    def path_text(self) -> str:
        """The path as the project's messages write it: images[0].versions[2]."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    def comment(self) -> str:
        return f"{self.kind}: {self.text}"
