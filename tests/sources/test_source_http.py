import json
import socket

import httpx
import pytest

from harvester_cli import __version__, errors
from harvester_cli.sources import http


def _client(make_settings, handler, **env):
    return http.build_client(make_settings(**env), transport=httpx.MockTransport(handler))


def _response(status, body=b"", content_type="application/json", headers=None):
    return httpx.Response(status, content=body, headers={"Content-Type": content_type, **(headers or {})})


def test_client_sends_user_agent_and_uses_settings(make_settings):
    seen = {}

    def handler(request):
        seen["ua"] = request.headers["User-Agent"]
        seen["extra"] = request.headers.get("X-Test")
        return _response(200, b"{}")

    client = http.build_client(
        make_settings(HARVESTER_HTTP_TIMEOUT_SECONDS="2.5", HARVESTER_FETCH_CONCURRENCY="16"),
        transport=httpx.MockTransport(handler),
        headers={"X-Test": "yes"},
    )
    with client:
        client.get("http://api.test/x")
        assert client.timeout.read == 2.5
        assert client.trust_env is False
    assert seen == {"ua": f"harvester/{__version__}", "extra": "yes"}


def test_pool_is_big_enough_for_the_fetch_concurrency(make_settings):
    client = http.build_client(make_settings(HARVESTER_FETCH_CONCURRENCY="32"))
    with client:
        pool = client._transport._pool
        assert pool._max_connections >= 32


@pytest.mark.parametrize(
    "value,expected",
    [
        (7386111312293610270, 7386111312293610270),
        ("7386111312293610271", 7386111312293610271),
        (" 42 ", 42),
        (2**63 - 1, 2**63 - 1),
        (1.0, None),
        (7.386111312293610e18, None),
        (True, None),
        ("12a", None),
        (None, None),
    ],
)
def test_as_int_is_exact_and_refuses_floats(value, expected):
    assert http.as_int(value) == expected


def test_big_ids_survive_json_decoding():
    body = json.dumps({"id": 7386111312293610270}).encode()
    value = http.check(_response(200, body), what="t")["id"]
    assert value == 7386111312293610270 and isinstance(value, int)
    assert float(value) != value  # a float would have changed it


def test_2xx_that_is_not_json_or_cut_off_is_transient():
    with pytest.raises(errors.TransientSourceError):
        http.check(_response(200, b"<html>oops</html>", "text/html"), what="t")
    with pytest.raises(errors.TransientSourceError):
        http.check(_response(200, b'{"data": {"videos": [1, 2'), what="t")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_transient(status):
    with pytest.raises(errors.TransientSourceError) as info:
        http.check(_response(status, b"<html>Gateway Time-out</html>", "text/html"), what="t")
    assert info.value.status == status


def test_429_rate_limit_is_transient_with_retry_after():
    body = json.dumps({"error": {"code": "rate_limit_exceeded", "message": "slow down"}}).encode()
    with pytest.raises(errors.TransientSourceError) as info:
        http.check(_response(429, body, headers={"Retry-After": "7"}), what="t")
    assert info.value.retry_after == 7.0
    assert "rate_limit_exceeded" in str(info.value)


def test_429_daily_quota_is_quota_exhausted():
    body = json.dumps({"error": {"code": "daily_quota_limit_exceeded", "message": "quota"}}).encode()
    with pytest.raises(errors.QuotaExhausted):
        http.check(_response(429, body), what="t")


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_4xx_is_permanent_with_a_short_server_message(status):
    body = json.dumps({"error": {"code": "invalid_params", "message": "bad \x1b[31m" + "x" * 5000}}).encode()
    with pytest.raises(errors.PermanentSourceError) as info:
        http.check(_response(status, body), what="t")
    text = str(info.value)
    assert "invalid_params" in text and "\x1b" not in text
    assert len(text) < 400


def test_oauth_style_error_body_is_understood():
    body = json.dumps({"error": "invalid_client", "error_description": "Client key or secret is incorrect."})
    assert http.error_info(json.loads(body)) == ("invalid_client", "Client key or secret is incorrect.")


def test_retry_after_as_http_date():
    response = _response(429, b"{}", headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert http.retry_after(response) == 0.0


def test_connection_refused_is_transient(make_settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with http.build_client(make_settings()) as client:
        with pytest.raises(errors.TransientSourceError) as info:
            http.send(client, "GET", f"http://127.0.0.1:{port}/", what="probe")
    assert "probe" in str(info.value)


def test_timeout_is_transient(make_settings):
    def handler(request):
        raise httpx.ReadTimeout("slow", request=request)

    with _client(make_settings, handler) as client:
        with pytest.raises(errors.TransientSourceError, match="timed out"):
            http.send(client, "GET", "http://api.test/", what="t")


def test_as_bool_accepts_string_flags():
    assert http.as_bool("true") and http.as_bool(True) and http.as_bool(1)
    assert not http.as_bool("false") and not http.as_bool(False) and not http.as_bool(None)
