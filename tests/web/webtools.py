"""Helpers for the web tests: a client that carries the CSRF token, opening a library plan, the page's version."""

from __future__ import annotations

import re


class Client:
    """A test client that carries the page's CSRF token, as the browser does."""

    def __init__(self, client):
        self.http = client
        page = client.get("/")
        self.token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def form(self, url, data=None, files=None, **kw):
        return self.http.post(url, data={"csrf": self.token, **(data or {})}, files=files, **kw)

    def htmx(self, url, data):
        return self.http.post(url, data=data, headers={"X-CSRF-Token": self.token, "HX-Request": "true"})


def open_example(client, name: str) -> int:
    response = client.form("/tao/thu-vien", {"file": f"examples/{name}"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def base_version(page: str) -> int:
    return int(re.search(r'id="base-version" name="base" value="(\d+)"', page).group(1))
