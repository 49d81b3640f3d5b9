"""Followers of a complaint (抄送): who is kept informed of every change on it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from kesu.complaints.access import access_complaint
from kesu.routing import followers

from ..schemas.common import Body
from ..schemas.complaints import local_time

router = Router(tags=["followers"])


class FollowerIn(Body):
    username: str = Field(..., min_length=1, max_length=150, description="yourself or a colleague in the data scope")


class FollowerOut(Schema):
    username: str
    name: str
    role: str
    reason: str = Field(description="dispatch (copied when assigned), self (follows it) or added (by a colleague)")
    added_by: str | None
    since: dt.datetime


class FollowersOut(Schema):
    number: str
    followers: list[str]
    items: list[FollowerOut]


def _out(complaint) -> dict:
    rows = followers.followers_of(complaint)
    return {
        "number": complaint.number,
        "followers": sorted(w.user.username for w in rows),
        "items": [
            {
                "username": w.user.username,
                "name": str(w.user),
                "role": w.user.role,
                "reason": w.reason,
                "added_by": w.added_by.username if w.added_by_id and w.added_by else None,
                "since": local_time(w.created_at),
            }
            for w in rows
        ],
    }


@router.get("/complaints/{number}/followers", response=FollowersOut, summary="Who follows the complaint")
def list_followers(request, number: str):
    return _out(access_complaint(request.user, number))


@router.post(
    "/complaints/{number}/followers",
    response=FollowersOut,
    summary="Add a follower (yourself or a colleague who may see the complaint)",
)
def add_follower(request, number: str, payload: FollowerIn):
    complaint = access_complaint(request.user, number)
    followers.do_follow(complaint, actor=request.user, username=payload.username, now=timezone.now())
    return _out(complaint)


@router.delete(
    "/complaints/{number}/followers/{username}",
    response=FollowersOut,
    summary="Take a follower off (yourself; someone you added, as the owner or as a supervisor)",
)
def remove_follower(request, number: str, username: str):
    complaint = access_complaint(request.user, number)
    followers.do_unfollow(complaint, actor=request.user, username=username, now=timezone.now())
    return _out(complaint)
