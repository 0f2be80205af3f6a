"""The dashboard: server-rendered pages over `tocsin.web.queries` (being written)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
