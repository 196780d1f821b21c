"""A self-hosted arithmetic captcha: the question lives in the visitor's session
and is drawn as a PNG with Pillow (no third-party service). Each answer is good
for one try: the question is removed from the session when it is checked."""

from __future__ import annotations

import io
import random

from django.http import HttpRequest
from PIL import Image, ImageDraw, ImageFont

_rng = random.SystemRandom()
KEY = "fazhi_captcha"


def new_question(request: HttpRequest) -> str:
    a, b = _rng.randint(2, 19), _rng.randint(1, 9)
    op = _rng.choice("+-×")
    answer = a + b if op == "+" else a - b if op == "-" else a * b
    question = f"{a} {op} {b} = ?"
    request.session[KEY] = {"q": question, "a": str(answer)}
    return question


def question(request: HttpRequest) -> str:
    stored = request.session.get(KEY)
    return stored["q"] if stored else new_question(request)


def check(request: HttpRequest, answer: str) -> bool:
    stored = request.session.pop(KEY, None)
    return bool(stored) and (answer or "").strip() == stored["a"]


def png(text: str) -> bytes:
    image = Image.new("RGB", (150, 48), (246, 248, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [(_rng.randint(0, 150), _rng.randint(0, 48)), (_rng.randint(0, 150), _rng.randint(0, 48))],
            fill=(_rng.randint(120, 200),) * 3,
            width=1,
        )
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.load_default(size=26)
    except TypeError:  # Pillow without FreeType
        font = ImageFont.load_default()
    x = 8
    for ch in text:
        draw.text((x, _rng.randint(6, 12)), ch, fill=(20, 30, 60), font=font)
        x += 13 if ch == " " else 17
    for _ in range(120):
        draw.point((_rng.randint(0, 149), _rng.randint(0, 47)), fill=(_rng.randint(100, 220),) * 3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
