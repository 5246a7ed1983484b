"""`{stack}` put back into the names that carry the stack name, so one catalog serves every stack.

Only whole words count (between separators: `rg-images-dev`, `gal_platform_dev`); a storage account name has
no separators, so there the stack name counts when it appears exactly once (`stimagesdev001`). The catalog's
loader replaces `{stack}` back, so for the discovered stack every name is exactly what Azure has.
"""

from __future__ import annotations

import re


def templated(value: str, stack: str) -> str:
    """`value` with each whole-word occurrence of `stack` written as `{stack}`."""
    if not stack or not value:
        return value
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(stack)}(?![A-Za-z0-9])", "{stack}", value)


def templated_account(value: str, stack: str) -> str:
    """A storage account name: `{stack}` for the stack name when it appears exactly once."""
    if not stack or value.count(stack) != 1:
        return value
    return value.replace(stack, "{stack}")
