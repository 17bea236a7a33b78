"""Platform API: the people of the organisation and their roles (owner role to change them).

No sign-in yet: users are records of who works for the organisation in which role.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from microcred.api.dependencies import Caller, Services
from microcred.api.problems import PROBLEM_RESPONSES
from microcred.service import users
from microcred.service.records import Role, UserRecord

router = APIRouter(prefix="/api/v1", tags=["Users"], responses=PROBLEM_RESPONSES)


class UserIn(BaseModel):
    email: str = Field(
        max_length=254,
        description="The person's e-mail address; stored lower-case, unique in the organisation.",
        examples=["aoife.murphy@universityofgalway.ie"],
    )
    name: str = Field(max_length=users.MAX_NAME_CHARS, examples=["Aoife Murphy"])
    role: Role = "viewer"


class UserRoleIn(BaseModel):
    role: Role


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    removed_at: datetime | None


def user_out(user: UserRecord) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        name=user.name,
        role=user.role,
        created_at=user.created_at,
        removed_at=user.removed_at,
    )


@router.get("/users", summary="List the organisation's users")
def list_users(caller: Caller, container: Services, include_removed: bool = False) -> list[UserOut]:
    """Active users, oldest first; removed ones too with `include_removed=true` (viewer role)."""
    found = users.list_users(caller, uow=container.uow, include_removed=include_removed)
    return [user_out(u) for u in found]


@router.post("/users", status_code=status.HTTP_201_CREATED, summary="Add a user")
def add_user(body: UserIn, caller: Caller, container: Services, response: Response) -> UserOut:
    """A new user with `role` (owner role); 409 when the e-mail is already an active user. A
    removed user's e-mail restores that user."""
    user = users.add_user(
        caller,
        email=body.email,
        name=body.name,
        role=body.role,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
    )
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    return user_out(user)


@router.get("/users/{user_id}", summary="One user")
def get_user(user_id: str, caller: Caller, container: Services) -> UserOut:
    """A user of the organisation, removed or not (viewer role)."""
    return user_out(users.get_user(caller, user_id, uow=container.uow))


@router.patch("/users/{user_id}", summary="Change a user's role")
def change_role(user_id: str, body: UserRoleIn, caller: Caller, container: Services) -> UserOut:
    """Owner role; 409 when it would leave the organisation without an active owner user."""
    user = users.change_role(
        caller,
        user_id,
        role=body.role,
        uow=container.uow,
        clock=container.clock,
        rng=container.rng,
    )
    return user_out(user)


@router.delete("/users/{user_id}", summary="Remove a user")
def remove_user(user_id: str, caller: Caller, container: Services) -> UserOut:
    """Soft delete (owner role); 409 for the organisation's last active owner user."""
    user = users.remove_user(
        caller, user_id, uow=container.uow, clock=container.clock, rng=container.rng
    )
    return user_out(user)
