"""A local stand-in for WeCom's and DingTalk's login page, token and user-info endpoints: a real HTTP server
on 127.0.0.1 in a thread, answering as the providers document, recording what it was asked."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse


class FakeProvider:
    def __init__(self, *, corp_id: str = "ww-corp-1", secret: str = "s3cret", app_key: str = "ding-app-1") -> None:
        self.corp_id, self.secret, self.app_key = corp_id, secret, app_key
        self.people: dict[str, dict] = {}  # code → what the provider knows of the person
        self.login_as: dict | None = None  # who "scans the QR code" on the login page
        self.requests: list[tuple[str, str, dict, dict]] = []  # (method, path, query, json body)
        self.tokens: set[str] = set()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def code_for(self, person: dict) -> str:
        code = "code-" + secrets.token_hex(6)
        self.people[code] = person
        return code

    def start(self) -> FakeProvider:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [path for _method, path, _q, _b in self.requests]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, body: dict | None = None, headers: dict | None = None) -> None:
                raw = json.dumps(body or {}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def _route(self, method: str) -> None:
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                body = {}
                if method == "POST":
                    length = int(self.headers.get("Content-Length") or 0)
                    body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append((method, parsed.path, query, body))
                p = parsed.path
                if p == "/authorize":  # the provider's login page: the person is signed in there at once
                    code = fake.code_for(fake.login_as or {})
                    name = "authCode" if "client_id" in query else "code"
                    target = f"{query['redirect_uri']}?{urlencode({name: code, 'state': query.get('state', '')})}"
                    return self._send(302, headers={"Location": target})
                if p == "/cgi-bin/gettoken":
                    if query.get("corpid") != fake.corp_id or query.get("corpsecret") != fake.secret:
                        return self._send(200, {"errcode": 40001, "errmsg": "invalid credential"})
                    token = "wx-" + secrets.token_hex(8)
                    fake.tokens.add(token)
                    return self._send(200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})
                if p == "/cgi-bin/auth/getuserinfo":
                    if query.get("access_token") not in fake.tokens:
                        return self._send(200, {"errcode": 42001, "errmsg": "access_token expired"})
                    person = fake.people.pop(query.get("code", ""), None)
                    if person is None:
                        return self._send(200, {"errcode": 40029, "errmsg": "invalid code"})
                    if "openid" in person:
                        return self._send(200, {"errcode": 0, "errmsg": "ok", "openid": person["openid"]})
                    ticket = "ticket-" + secrets.token_hex(4)
                    fake.people[ticket] = person
                    return self._send(
                        200, {"errcode": 0, "errmsg": "ok", "userid": person["id"], "user_ticket": ticket}
                    )
                if p == "/cgi-bin/auth/getuserdetail":
                    person = fake.people.pop(body.get("user_ticket", ""), None)
                    if query.get("access_token") not in fake.tokens or person is None:
                        return self._send(200, {"errcode": 40029, "errmsg": "invalid user_ticket"})
                    return self._send(
                        200,
                        {
                            "errcode": 0,
                            "errmsg": "ok",
                            "userid": person["id"],
                            "mobile": person.get("mobile", ""),
                            "email": person.get("email", ""),
                        },
                    )
                if p == "/v1.0/oauth2/userAccessToken":
                    person = fake.people.pop(body.get("code", ""), None)
                    if body.get("clientId") != fake.app_key or body.get("clientSecret") != fake.secret:
                        return self._send(400, {"code": "invalidClient", "message": "invalid client"})
                    if person is None or body.get("grantType") != "authorization_code":
                        return self._send(400, {"code": "invalidAuthCode", "message": "authCode is invalid"})
                    token = "dt-" + secrets.token_hex(8)
                    fake.tokens.add(token)
                    fake.people[token] = person
                    return self._send(
                        200,
                        {
                            "accessToken": token,
                            "refreshToken": "r",
                            "expireIn": 7200,
                            "corpId": person.get("corp", fake.corp_id),
                        },
                    )
                if p == "/v1.0/contact/users/me":
                    person = fake.people.get(self.headers.get("x-acs-dingtalk-access-token", ""))
                    if person is None:
                        return self._send(401, {"code": "InvalidAuthentication", "message": "token invalid"})
                    return self._send(
                        200,
                        {
                            "nick": person.get("name", ""),
                            "unionId": person["id"],
                            "openId": "o-" + person["id"],
                            "mobile": person.get("mobile", ""),
                            "email": person.get("email", ""),
                            "stateCode": "86",
                        },
                    )
                return self._send(404, {"errcode": 404, "errmsg": "not found"})

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

        return Handler
