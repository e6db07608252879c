"""Helpers of the attack tests: a login through the form, as a browser (or an attacker's script) sends it."""

from __future__ import annotations

import re


def post_login(http, name: str, password: str, **kw):
    page = http.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return http.post("/dang-nhap", data={"csrf": token, "ten": name, "mat_khau": password}, follow_redirects=False, **kw)
