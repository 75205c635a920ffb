"""Tests of TLS mode's pieces outside the report: the certificates (harness/servers.py, with openssl, if installed),
the nginx directives and log it reads, and how each contender is told to use TLS and an HTTP version
(harness/contenders.py). Nothing here starts nginx or a contender."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from harness import contenders, datasets, main, report, servers


def tiny_dataset(tmp_path: Path) -> datasets.DataSet:
    spec = datasets.Spec("small", 1, 1, 1, 1024, 1024)
    objects = [
        {
            "user": "user-00000",
            "kind": kind,
            "id": f"{kind}-0",
            "name": f"users/user-00000/{kind}/0",
            "original_name": "x",
            "content_type": "image/jpeg",
            "size": 1024,
            "created_at": "2020-01-01T00:00:00Z",
        }
        for kind in ("images", "voices")
    ]
    root = tmp_path / spec.key
    root.mkdir()
    (root / "dataset.json").write_text(json.dumps({"users": [], "objects": objects}), encoding="utf-8")
    return datasets.DataSet(spec, str(root))


def tls_context(tmp_path: Path) -> contenders.Context:
    return contenders.Context(
        tiny_dataset(tmp_path),
        "https://127.0.0.1:4443",
        "127.0.0.1:8080",
        str(tmp_path),
        "/bin/mediabatch",
        ca_file="/work/tls/ca.pem",
        served_log="/work/nginx/served.log",
    )


# --- certificates and nginx -----------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_certificates_are_a_ca_and_a_server_certificate_for_127_0_0_1(tmp_path: Path) -> None:
    certs = servers.make_certificates(str(tmp_path / "tls"))
    for path in (certs.ca, certs.cert, certs.key):
        assert Path(path).read_text(encoding="ascii").startswith("-----BEGIN ")
    text = subprocess.run(
        ["openssl", "x509", "-in", certs.cert, "-noout", "-text"], capture_output=True, text=True, check=True
    ).stdout
    assert "IP Address:127.0.0.1, DNS:localhost" in text
    assert "TLS Web Server Authentication" in text
    # Verified for 127.0.0.1 against the CA alone, as clients given only ca.pem verify it.
    subprocess.run(
        ["openssl", "verify", "-CAfile", certs.ca, "-verify_ip", "127.0.0.1", certs.cert],
        capture_output=True,
        check=True,
    )


def test_tls_directives_put_http2_on_listen_before_nginx_1_25_1() -> None:
    certs = servers.Certificates(ca="/t/ca.pem", cert="/t/server.pem", key="/t/server.key")
    listen, directives = servers.tls_directives(certs, (1, 22, 1))
    assert listen == " ssl http2"
    assert "http2 on;" not in directives
    assert "ssl_certificate /t/server.pem;" in directives
    assert "ssl_certificate_key /t/server.key;" in directives
    assert "ssl_session_cache shared:" in directives
    listen, directives = servers.tls_directives(certs, (1, 25, 1))
    assert listen == " ssl"
    assert directives.startswith("http2 on;")


def test_served_tallies_requests_per_http_version_and_connections() -> None:
    log = "\n".join(
        [
            "7 HTTP/2.0 TLSv1.3 TLS_AES_256_GCM_SHA384",
            "7 HTTP/2.0 TLSv1.3 TLS_AES_256_GCM_SHA384",
            "8 HTTP/1.1 TLSv1.3 TLS_AES_128_GCM_SHA256",
            "9 HTTP/1.1 TLSv1.3 TLS_AES_128_GCM_SHA256",
            "a line cut short",
            "not a log line at all",
            "",
        ]
    )
    assert servers.served(log) == servers.Served(
        requests={"HTTP/2.0": 2, "HTTP/1.1": 2},
        connections=3,
        tls={"TLSv1.3 TLS_AES_256_GCM_SHA384": 1, "TLSv1.3 TLS_AES_128_GCM_SHA256": 2},
    )
    assert servers.served("") == servers.Served()


def test_nginx_over_tls_is_https_and_keeps_a_log_of_what_it_served(tmp_path: Path) -> None:
    certs = servers.Certificates(ca="ca.pem", cert="server.pem", key="server.key")
    nginx = servers.Nginx(tiny_dataset(tmp_path), str(tmp_path), tls=certs)
    nginx.port = 4443
    assert nginx.url == "https://127.0.0.1:4443"
    assert nginx.served_log == str(tmp_path / "nginx-small-tls" / "served.log")
    plain = servers.Nginx(nginx.dataset, str(tmp_path))
    plain.port = 80
    assert (plain.url, plain.served_log) == ("http://127.0.0.1:80", None)


def test_the_template_links_back_over_the_scheme_that_was_asked() -> None:
    template = (Path(servers.BENCH_DIR) / "nginx.conf.template").read_text(encoding="utf-8")
    assert '"$scheme://$http_host"' in template
    assert '"http://$http_host"' not in template
    assert "listen 127.0.0.1:@PORT@@LISTEN_TLS@ " in template


# --- contenders -----------------------------------------------------------------------------------------------------


def test_mediabatch_over_tls_trusts_the_ca_and_asks_for_the_http_version(tmp_path: Path) -> None:
    ctx = tls_context(tmp_path)
    command, env, _stdin = contenders.MediaBatch("full", http_version="2").command(ctx, "/out")
    assert command[-2:] == ["--http-version", "2"]
    assert env["SSL_CERT_FILE"] == "/work/tls/ca.pem"
    assert env["STORAGE_EMULATOR_HOST"] == "https://127.0.0.1:4443"
    assert env["FIRESTORE_EMULATOR_HOST"] == "127.0.0.1:8080"  # Firestore stays plain
    command, _env, _stdin = contenders.MediaBatch("full").command(ctx, "/out")
    assert "--http-version" not in command


def test_curl_over_tls_trusts_the_ca_and_asks_for_the_http_version(tmp_path: Path) -> None:
    ctx = tls_context(tmp_path)
    for version in ("1.1", "2"):
        command, _env, _stdin = contenders.CurlParallel(64, http_version=version).command(ctx, str(tmp_path / "o"))
        assert command[:4] == ["curl", f"--http{version}", "--cacert", "/work/tls/ca.pem"]
    config = (tmp_path / "small-4443-curl.conf").read_text(encoding="utf-8")
    assert 'url = "https://127.0.0.1:4443/storage/v1/b/bench-small.firebasestorage.app/o/' in config


def test_rclone_over_tls_trusts_the_ca_and_disables_http2_for_http11(tmp_path: Path) -> None:
    ctx = tls_context(tmp_path)
    command, env, _stdin = contenders.Rclone(32, http_version="1.1").command(ctx, "/out")
    assert command[-3:] == ["--ca-cert", "/work/tls/ca.pem", "--disable-http2"]
    assert env["RCLONE_CONFIG_BENCH_ENDPOINT"] == "https://127.0.0.1:4443/storage/v1/"
    command, _env, _stdin = contenders.Rclone(32, http_version="2").command(ctx, "/out")
    assert command[-2:] == ["--ca-cert", "/work/tls/ca.pem"]
    assert "--disable-http2" not in command


def test_plain_contenders_get_no_tls_options(tmp_path: Path) -> None:
    ctx = contenders.Context(tiny_dataset(tmp_path), "http://127.0.0.1:8000", "127.0.0.1:8080", str(tmp_path), "mb")
    env = contenders.MediaBatch("full").command(ctx, "/out")[1]
    assert env.get("SSL_CERT_FILE") == os.environ.get("SSL_CERT_FILE")  # left as it was
    curl = contenders.CurlParallel(64).command(ctx, str(tmp_path / "o"))[0]
    assert "--cacert" not in curl and not any(arg.startswith("--http") for arg in curl)
    rclone = contenders.Rclone(32).command(ctx, "/out")[0]
    assert "--ca-cert" not in rclone and "--disable-http2" not in rclone


# --- the option -----------------------------------------------------------------------------------------------------


def test_tls_mode_is_on_by_default_and_off_with_no_tls() -> None:
    assert main.parse_args([]).tls is True
    assert main.parse_args(["--no-tls"]).tls is False


def test_no_certificates_without_tls_mode_or_a_data_set_for_it(tmp_path: Path) -> None:
    results = report.Results(quick=True, runs=1, latency_ms=0)
    assert main.make_certificates(main.parse_args(["--no-tls"]), results, str(tmp_path), ["small"]) is None
    assert main.make_certificates(main.parse_args([]), results, str(tmp_path), []) is None
    assert results.tls_skipped is None
    assert not (tmp_path / "tls").exists()


def test_tls_mode_without_openssl_is_skipped_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(servers, "have_openssl", lambda: False)
    results = report.Results(quick=True, runs=1, latency_ms=0)
    assert main.make_certificates(main.parse_args([]), results, str(tmp_path), ["small", "large"]) is None
    assert results.tls_skipped == "openssl was not found, so no certificate could be made"
