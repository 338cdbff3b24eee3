from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from charte.accounts.models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    public_id: UUID
    first_name: str
    last_name: str
    role: str
    language: str


@router.get("/me", response=MeOut, summary="The signed-in person")
def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
