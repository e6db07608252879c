"""A Cloud Signature Consortium (CSC API v1) test service on 127.0.0.1: one credential, a bearer token, a PIN.

It implements what pyHanko's CSC signer calls — credentials/info, credentials/authorize, signatures/signHash — and
signs the hashes with a key made at test time, as SmartCA or MySign would with the key in their HSM. Loopback only.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import threading

SHA256_RSA = "1.2.840.113549.1.1.11"


class CscTestServer:
    def __init__(self, key, chain, credential: str = "kien-an-01", token: str = "ma-truy-cap", pin: str = "123456"):
        self.key, self.chain = key, chain          # private key; [signing certificate, CA] (cryptography objects)
        self.credential, self.token, self.pin = credential, token, pin
        self.calls: list[str] = []
        self.url = ""
        self._sads: set[str] = set()

    def _refuse(self, request, body, need_sad: bool = False):
        from aiohttp import web

        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "invalid_token"}, status=401)
        if body.get("credentialID") != self.credential:
            return web.json_response({"error": "invalid_request"}, status=400)
        if need_sad and body.get("SAD") not in self._sads:
            return web.json_response({"error": "invalid_request", "error_description": "SAD"}, status=400)
        return None

    async def info(self, request):
        from aiohttp import web
        from cryptography.hazmat.primitives import serialization

        body = await request.json()
        self.calls.append("credentials/info")
        refused = self._refuse(request, body)
        if refused:
            return refused
        certs = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in self.chain]
        return web.json_response({"key": {"status": "enabled", "algo": [SHA256_RSA], "len": 2048},
                                  "cert": {"status": "valid", "certificates": certs}, "authMode": "explicit",
                                  "SCAL": "2", "multisign": 1})

    async def authorize(self, request):
        from aiohttp import web

        body = await request.json()
        self.calls.append("credentials/authorize")
        refused = self._refuse(request, body)
        if refused:
            return refused
        if body.get("PIN") != self.pin or not body.get("hash"):
            return web.json_response({"error": "invalid_pin"}, status=400)
        sad = secrets.token_hex(8)
        self._sads.add(sad)
        return web.json_response({"SAD": sad, "expiresIn": 300})

    async def sign_hash(self, request):
        from aiohttp import web
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, utils

        body = await request.json()
        self.calls.append("signatures/signHash")
        refused = self._refuse(request, body, need_sad=True)
        if refused:
            return refused
        self._sads.discard(body["SAD"])
        if body.get("signAlgo") != SHA256_RSA:
            return web.json_response({"error": "invalid_request", "error_description": "signAlgo"}, status=400)
        signatures = [base64.b64encode(self.key.sign(base64.b64decode(h), padding.PKCS1v15(),
                                                     utils.Prehashed(hashes.SHA256()))).decode()
                      for h in body["hash"]]
        return web.json_response({"signatures": signatures})

    def __enter__(self) -> "CscTestServer":
        from aiohttp import web

        app = web.Application()
        app.router.add_post("/csc/v1/credentials/info", self.info)
        app.router.add_post("/csc/v1/credentials/authorize", self.authorize)
        app.router.add_post("/csc/v1/signatures/signHash", self.sign_hash)
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app)
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]
            self.url = f"http://127.0.0.1:{port}"
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="csc-thu", daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
