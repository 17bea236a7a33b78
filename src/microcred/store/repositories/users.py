"""People of organisations <-> the ``users`` table (soft-deleted rows stay)."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, insert, select, update

from microcred.service.records import UserRecord
from microcred.store.tables import users


def _record(m: RowMapping) -> UserRecord:
    return UserRecord(
        id=m["id"],
        organisation_id=m["organisation_id"],
        email=m["email"],
        name=m["name"],
        role=m["role"],
        created_at=m["created_at"],
        removed_at=m["removed_at"],
    )


class SqlUserRepository:
    """:class:`microcred.service.ports.UserRepository` over one connection."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, user: UserRecord) -> None:
        self._c.execute(
            insert(users).values(
                id=user.id,
                organisation_id=user.organisation_id,
                email=user.email,
                name=user.name,
                role=user.role,
                created_at=user.created_at,
                removed_at=user.removed_at,
            )
        )

    def get(self, user_id: str) -> UserRecord | None:
        row = self._c.execute(select(users).where(users.c.id == user_id)).first()
        return _record(row._mapping) if row else None

    def by_email(self, organisation_id: str, email: str) -> UserRecord | None:
        row = self._c.execute(
            select(users).where(users.c.organisation_id == organisation_id, users.c.email == email)
        ).first()
        return _record(row._mapping) if row else None

    def list_for(self, organisation_id: str) -> list[UserRecord]:
        rows = self._c.execute(
            select(users)
            .where(users.c.organisation_id == organisation_id)
            .order_by(users.c.created_at, users.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def update(self, user: UserRecord) -> None:
        self._c.execute(
            update(users)
            .where(users.c.id == user.id)
            .values(name=user.name, role=user.role, removed_at=user.removed_at)
        )

    def with_email(self, email: str) -> list[UserRecord]:
        rows = self._c.execute(
            select(users).where(users.c.email == email).order_by(users.c.created_at, users.c.id)
        )
        return [_record(row._mapping) for row in rows]

    def password_hash(self, user_id: str) -> str | None:
        value = self._c.execute(select(users.c.password_hash).where(users.c.id == user_id)).scalar()
        return str(value) if value else None

    def set_password_hash(self, user_id: str, password_hash: str | None) -> None:
        self._c.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )
