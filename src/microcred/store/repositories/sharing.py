"""Share links and holder keys <-> the ``share_links`` and ``holder_keys`` tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.sharing_records import HolderKeyRecord, ShareLinkRecord
from microcred.store.tables_sharing import holder_keys, share_links


def _link(m: RowMapping) -> ShareLinkRecord:
    return ShareLinkRecord(
        id=m["id"],
        learner_id=m["learner_id"],
        holding_id=m["holding_id"],
        token=m["token"],
        visibility=m["visibility"],
        created_at=m["created_at"],
        label=m["label"],
        expires_at=m["expires_at"],
        revoked_at=m["revoked_at"],
        views=m["views"],
        last_viewed_at=m["last_viewed_at"],
    )


class SqlShareLinkRepository:
    """:class:`microcred.service.sharing_ports.ShareLinkRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, link: ShareLinkRecord) -> None:
        self._c.execute(
            insert(share_links).values(
                id=link.id,
                learner_id=link.learner_id,
                holding_id=link.holding_id,
                token=link.token,
                visibility=link.visibility,
                label=link.label,
                created_at=link.created_at,
                expires_at=link.expires_at,
                revoked_at=link.revoked_at,
                views=link.views,
                last_viewed_at=link.last_viewed_at,
            )
        )

    def get(self, link_id: str) -> ShareLinkRecord | None:
        row = self._c.execute(select(share_links).where(share_links.c.id == link_id)).first()
        return _link(row._mapping) if row else None

    def by_token(self, token: str) -> ShareLinkRecord | None:
        row = self._c.execute(select(share_links).where(share_links.c.token == token)).first()
        return _link(row._mapping) if row else None

    def list_for(self, learner_id: str) -> list[ShareLinkRecord]:
        rows = self._c.execute(
            select(share_links)
            .where(share_links.c.learner_id == learner_id)
            .order_by(share_links.c.created_at.desc(), share_links.c.id)
        )
        return [_link(row._mapping) for row in rows]

    def revoke(self, link_id: str, *, at: datetime) -> None:
        self._c.execute(
            update(share_links)
            .where(share_links.c.id == link_id, share_links.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def record_view(self, link_id: str, *, at: datetime) -> None:
        self._c.execute(
            update(share_links)
            .where(share_links.c.id == link_id)
            .values(views=share_links.c.views + 1, last_viewed_at=at)
        )


class SqlHolderKeyRepository:
    """:class:`microcred.service.sharing_ports.HolderKeyRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, key: HolderKeyRecord) -> None:
        self._c.execute(
            insert(holder_keys).values(
                id=key.id,
                learner_id=key.learner_id,
                public_key_multibase=key.public_key_multibase,
                encrypted_secret=key.encrypted_secret,
                created_at=key.created_at,
            )
        )

    def for_learner(self, learner_id: str) -> HolderKeyRecord | None:
        row = self._c.execute(
            select(holder_keys).where(holder_keys.c.learner_id == learner_id)
        ).first()
        if row is None:
            return None
        m = row._mapping
        return HolderKeyRecord(
            id=m["id"],
            learner_id=m["learner_id"],
            public_key_multibase=m["public_key_multibase"],
            encrypted_secret=bytes(m["encrypted_secret"]),
            created_at=m["created_at"],
        )
