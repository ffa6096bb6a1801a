"""How LiveVox objects point at each other, described as data (the schema's relation keys).

The generated table `_generated/relations.py` holds, from the schema's `x-livevox-*`
relation keys: each family's natural key, every field that references another family,
the lists whose order matters, the fields never compared, the memberships (linked with
add/remove methods), the creates that copy an object, and the write methods that plan
and apply do not use, with the reason. Nothing here does I/O.

    >>> from livevox_async._generated.relations import MEMBERSHIPS, NATURAL_KEYS
    >>> NATURAL_KEYS["term_codes"]
    ('serviceId', 'name')
    >>> skills = next(m for m in MEMBERSHIPS if m.add == "agents.add_skill")
    >>> skills.owner, skills.member, skills.remove
    ('agents', 'agent_skills', 'agents.remove_skill')
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

FieldPath: TypeAlias = tuple[str, ...]
"""Wire keys from a record to a value; `"[]"` stands for every item of a list.

`("outcomeItem", "[]", "lvResultId")` is the `lvResultId` of each outcome item.
"""
EACH = "[]"


@attrs.frozen(slots=True)
class Reference:
    """A field holding the id of an object of `family` (`x-livevox-ref`)."""

    path: FieldPath
    family: str


@attrs.frozen(slots=True)
class Membership:
    """Objects linked to an owner with add/remove methods (`x-livevox-membership`).

    The owner's read `read` lists the members in `field` (items `{"id": n, ...}` of the
    `member` family); `add` links one (`owner_param` and `member_param` name the path
    parameters), `remove` unlinks one (None: LiveVox cannot). `attributes` map item keys
    to query parameters of `add` (an agent's skill `proficiency`). `exclusive`: a member
    has one owner at most, so adding it to another owner moves it.
    """

    add: str
    read: str
    field: str
    member: str
    owner_param: str
    member_param: str
    attributes: tuple[tuple[str, str], ...] = ()
    remove: str | None = None
    exclusive: bool = False

    @property
    def owner(self) -> str:
        """The family whose objects own the members (that of `read`)."""
        return self.read.split(".", 1)[0]

    @property
    def family(self) -> str:
        """The family the membership is planned with (that of `add`)."""
        return self.add.split(".", 1)[0]


@attrs.frozen(slots=True)
class CopyCreate:
    """A create that copies an existing object instead of taking a body (`x-livevox-copy`).

    `template` is the query parameter naming the object copied; `fields` map query
    parameters to the new object's fields; the copy is made from an object sharing
    the `match` fields with the one wanted.
    """

    template: str
    fields: tuple[tuple[str, str], ...]
    match: tuple[str, ...]
