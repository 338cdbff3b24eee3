from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from charte.accounts.models import User
from charte.core.schemas import refusals

router = Router(tags=["accounts"])


class MeOut(Schema):
    public_id: UUID
    first_name: str
    last_name: str
    role: str
    language: str


@router.get("/me", response={200: MeOut, **refusals(401)}, summary="The signed-in person")
def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user
