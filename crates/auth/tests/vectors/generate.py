"""Golden signing vectors, computed by the vendors' official Python SDKs with their own code.

Run (the keys are fake; the SDKs compute with them all the same, and nothing is sent):

    python3 -m venv /tmp/authvenv
    /tmp/authvenv/bin/pip install huaweicloudsdkcore huaweicloudsdkcss huaweicloudsdkdws \
        alibabacloud-tea-openapi alibabacloud-elasticsearch20170613
    /tmp/authvenv/bin/python crates/auth/tests/vectors/generate.py

Writes huawei.json and alibaba.json beside this file. Each records the packages and versions
that made it and, per case, the inputs of our signer (method, URL, the headers present before
signing, body, credentials, time, nonce) and what the SDK produced: the headers its signing code
added, in the order it added them, the canonical request, the string to sign, and the URL it
would have sent. Only the clock, the nonce and the User-Agent's machine-specific part are fixed
by this script; nothing else in the SDKs is replaced, and every request stops just before the
network.

Some cases go through the SDKs' signing entry points with a request built here (to control the
exact body and URL); others go through the generated product clients (CssClient, DwsClient, the
Elasticsearch client), so that path encoding, body serialisation and default headers are the
SDK's own as well. `via` in each case says which.
"""

import json
import platform
import sys
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

HERE = Path(__file__).resolve().parent
TIME = datetime(2026, 11, 24, 8, 30, 15, tzinfo=timezone.utc)
USER_AGENT = "snapspec-vectors/1"


def text(body):
    return body.decode("utf-8") if isinstance(body, bytes) else body


def packages(*names):
    found = {name: version(name) for name in names}
    found["python"] = platform.python_version()
    return found


class Stop(Exception):
    """Raised where the SDK would open a connection."""


# ---------------------------------------------------------------------------------------------
# Huawei Cloud: huaweicloudsdkcore's Signer (SDK-HMAC-SHA256)
# ---------------------------------------------------------------------------------------------

def huawei_vectors():
    import huaweicloudsdkcore.client as core_client
    import huaweicloudsdkcore.signer.signer as signer_module
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.sdk_request import SdkRequest
    from huaweicloudsdkcss.v1 import CssClient, CreateSnapshotRequest, CreateSnapshotReq
    from huaweicloudsdkdws.v2 import DwsClient
    from huaweicloudsdkdws.v2 import CreateSnapshotRequest as DwsCreateSnapshotRequest
    from huaweicloudsdkdws.v2 import CreateSnapshotRequestBody, Snapshot

    class FixedClock(datetime):
        @classmethod
        def utcnow(cls):
            return TIME.replace(tzinfo=None)

    # The Signer reads `datetime.utcnow()` through its module's `datetime` name.
    signer_module.datetime = FixedClock

    seen = {}
    signer_cls = signer_module.Signer
    original_canonical = signer_cls._process_canonical_request
    original_string_to_sign = signer_cls._process_string_to_sign
    original_sign_request = BasicCredentials.sign_request

    def canonical_request(self, request, signed_headers):
        seen["canonical_request"] = original_canonical(self, request, signed_headers)
        return seen["canonical_request"]

    def string_to_sign(self, canonical, time):
        seen["string_to_sign"] = original_string_to_sign(self, canonical, time)
        return seen["string_to_sign"]

    def sign_request(self, request):
        # What the signing entry point receives: the inputs of our signer.
        seen["given_headers"] = list(request.header_params.items())
        seen["body"] = request.body
        return original_sign_request(self, request)

    signer_cls._process_canonical_request = canonical_request
    signer_cls._process_string_to_sign = string_to_sign
    BasicCredentials.sign_request = sign_request

    def stop_before_sending(self, request):
        seen["signed"] = request
        raise Stop()

    core_client.Client._do_http_request_sync = stop_before_sending

    ak, sk = "HPUAEXAMPLEAK0000001", "ExampleSecretKeyForGoldenVectors000000001"
    token = "gQpjbi1ub3J0aC00example-temporary-security-token=="
    json_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
    css_path = ("/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/"
                "ea244205-d641-45d9-9dcb-ab2236bcd07e/index_snapshot")
    css_body = '{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}'
    dws_body = ('{"snapshot":{"name":"snapshot-3","cluster_id":"44b277eb-39be-4921-be31-3d61b43651d7",'
                '"description":"Snapshot-3 description"}}')

    # (name, method, url, headers, body, project id, security token)
    signer_cases = [
        ("css-create-snapshot-documented", "POST",
         "https://css.cn-north-4.myhuaweicloud.com" + css_path, json_headers, css_body,
         "6204a5bd270343b5885144cf9c8c158d", None),
        ("dws-create-snapshot-documented", "POST",
         "https://dws.cn-north-4.myhuaweicloud.com/v1.0/89cd04f168b84af6be287f71730fdb4b/snapshots",
         json_headers, dws_body, "89cd04f168b84af6be287f71730fdb4b", None),
        ("get-without-body", "GET",
         "https://dws.cn-north-4.myhuaweicloud.com/v1.0/89cd04f168b84af6be287f71730fdb4b/snapshots",
         {"User-Agent": USER_AGENT}, "", "89cd04f168b84af6be287f71730fdb4b", None),
        ("query-parameters", "GET",
         "https://css.ap-southeast-1.myhuaweicloud.com/v1.0/0a1b2c3d4e5f/clusters"
         "?start=1&limit=10&name=es-prod&tag=b&tag=a&empty=&plus=a+b",
         {"User-Agent": USER_AGENT}, "", "0a1b2c3d4e5f", None),
        ("percent-encoding-in-path-and-query", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/0a1b2c3d4e5f/clusters/a%20b%2A~c%2Fd%C3%A9/index_snapshot"
         "?q=x%20y%2A~%2F%C3%A9&%C3%A9%20k=v*&a=1",
         json_headers, '{"name":"snapshot_é"}', "0a1b2c3d4e5f", None),
        ("security-token", "POST", "https://css.cn-north-4.myhuaweicloud.com" + css_path,
         json_headers, '{"name":"snapshot_003"}', "6204a5bd270343b5885144cf9c8c158d", token),
        ("no-project-id", "POST", "https://dws.eu-west-101.myhuaweicloud.eu/v1.0/p1/snapshots",
         json_headers, '{"snapshot":{}}', None, None),
        ("non-json-content-type-is-unsigned-payload", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c1/upload",
         {"Content-Type": "application/octet-stream", "User-Agent": USER_AGENT}, "raw bytes", "p1", None),
        ("host-with-port-and-trailing-slash", "DELETE",
         "http://127.0.0.1:8080/v1.0/p1/snapshots/s1/", {"User-Agent": USER_AGENT}, "", "p1", None),
        ("header-values-trimmed-and-underscore-names-unsigned", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c1/index_snapshot",
         {"Content-Type": "application/json", "X-Custom": "  padded value  ", "X_Underscore": "skipped"},
         '{"name":"s"}', "p1", None),
    ]

    def record(name, via, method, url, body, project_id, security_token):
        signed = seen.pop("signed")
        given = seen.pop("given_headers")
        given_names = {k for k, _ in given}
        added = [[k, v] for k, v in signed.header_params.items() if k not in given_names]
        parts = urlsplit(url)
        return {
            "name": name,
            "via": via,
            "method": method,
            "url": url,
            "headers": [[k, v] for k, v in given],
            "body": body,
            "credentials": {"ak": ak, "sk": sk, "project_id": project_id, "security_token": security_token},
            "time": TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expected": {
                "added_headers": added,
                "canonical_request": seen.pop("canonical_request"),
                "string_to_sign": seen.pop("string_to_sign"),
                "sent_url": f"{parts.scheme}://{parts.netloc}{signed.uri}",
            },
        }

    out = []
    for name, method, url, headers, body, project_id, security_token in signer_cases:
        parts = urlsplit(url)
        request = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
                             query_params=parse_qsl(parts.query, keep_blank_values=True),
                             header_params=dict(headers), body=body.encode() if body else "")
        credentials = BasicCredentials(ak, sk, project_id)
        if security_token:
            credentials = credentials.with_security_token(security_token)
        seen["signed"] = credentials.sign_request(request)
        out.append(record(name, "huaweicloudsdkcore BasicCredentials.sign_request", method, url, body,
                          project_id, security_token))

    # The same documented requests through the generated clients: the SDK serialises the body
    # itself (its own key order and separators) and sets its own headers.
    config = HttpConfig.get_default_config()
    config.user_agent = USER_AGENT
    css = (CssClient.new_builder().with_http_config(config)
           .with_credentials(BasicCredentials(ak, sk, "6204a5bd270343b5885144cf9c8c158d"))
           .with_endpoints(["https://css.cn-north-4.myhuaweicloud.com"]).build())
    try:
        css.create_snapshot(CreateSnapshotRequest(
            cluster_id="ea244205-d641-45d9-9dcb-ab2236bcd07e",
            body=CreateSnapshotReq(name="snapshot_001", indices="myindex1,myindex2", description="")))
    except Stop:
        pass
    out.append(record("css-create-snapshot-via-css-client", "huaweicloudsdkcss CssClient.create_snapshot", "POST",
                      "https://css.cn-north-4.myhuaweicloud.com" + css_path, text(seen.pop("body")),
                      "6204a5bd270343b5885144cf9c8c158d", None))
    dws = (DwsClient.new_builder().with_http_config(config)
           .with_credentials(BasicCredentials(ak, sk, "89cd04f168b84af6be287f71730fdb4b"))
           .with_endpoints(["https://dws.cn-north-4.myhuaweicloud.com"]).build())
    try:
        dws.create_snapshot(DwsCreateSnapshotRequest(body=CreateSnapshotRequestBody(snapshot=Snapshot(
            name="snapshot-3", cluster_id="44b277eb-39be-4921-be31-3d61b43651d7",
            description="Snapshot-3 description"))))
    except Stop:
        pass
    out.append(record("dws-create-snapshot-via-dws-client", "huaweicloudsdkdws DwsClient.create_snapshot", "POST",
                      "https://dws.cn-north-4.myhuaweicloud.com/v1.0/89cd04f168b84af6be287f71730fdb4b/snapshots",
                      text(seen.pop("body")), "89cd04f168b84af6be287f71730fdb4b", None))

    return {
        "scheme": "SDK-HMAC-SHA256",
        "generator": "crates/auth/tests/vectors/generate.py",
        "sdk": {"package": "huaweicloudsdkcore", "version": version("huaweicloudsdkcore")},
        "packages": packages("huaweicloudsdkcore", "huaweicloudsdkcss", "huaweicloudsdkdws"),
        "cases": out,
    }


# ---------------------------------------------------------------------------------------------
# Alibaba Cloud: alibabacloud-tea-openapi's Client.do_request (ACS3-HMAC-SHA256)
# ---------------------------------------------------------------------------------------------

# The headers our signer adds; every other header of the SDK's request is an input.
ALIBABA_ADDED = {"host", "x-acs-version", "x-acs-action", "x-acs-date", "x-acs-signature-nonce",
                 "x-acs-content-sha256", "x-acs-accesskey-id", "x-acs-security-token", "Authorization"}


def alibaba_vectors():
    import alibabacloud_tea_openapi.client as openapi_client
    import alibabacloud_tea_openapi.utils as openapi_utils
    from alibabacloud_elasticsearch20170613 import models as es_models
    from alibabacloud_elasticsearch20170613.client import Client as ElasticsearchClient
    from alibabacloud_tea_openapi import models as openapi_models
    from darabonba.core import DaraCore
    from darabonba.runtime import RuntimeOptions

    Utils = openapi_utils.Utils
    seen = {}
    nonce_box = {}

    original_hash = Utils.hash
    original_signature_method = openapi_utils.signature_method

    def hash_and_remember(raw, sign_type):
        seen["last_hashed"] = raw
        return original_hash(raw, sign_type)

    def signature_and_remember(secret, source, sign_type):
        # get_authorization hashes the canonical request, then signs the string to sign.
        seen["canonical_request"] = seen["last_hashed"].decode("utf-8")
        seen["string_to_sign"] = source
        return original_signature_method(secret, source, sign_type)

    def stop_before_sending(request, runtime_option=None):
        seen["request"] = request
        seen["sent_url"] = DaraCore.compose_url(request)
        raise Stop()

    Utils.hash = staticmethod(hash_and_remember)
    openapi_utils.signature_method = signature_and_remember
    Utils.get_timestamp = staticmethod(lambda: TIME.strftime("%Y-%m-%dT%H:%M:%SZ"))
    Utils.get_nonce = staticmethod(lambda: nonce_box["nonce"])
    Utils.get_user_agent = staticmethod(lambda user_agent=None: USER_AGENT)
    openapi_client.DaraCore.do_action = staticmethod(stop_before_sending)

    key_id, secret = "LTAI5tExampleKeyId0001", "ExampleAccessKeySecretForVectors01"
    sts_token = "CAIS8gF1q6Ft5B2yfSjIexample-sts-token"
    documented_body = '{"repoPath":"es-cn-4591jumei000u****"}'

    def client(token=None, endpoint="elasticsearch.cn-hangzhou.aliyuncs.com", protocol="HTTPS"):
        return ElasticsearchClient(openapi_models.Config(
            access_key_id=key_id, access_key_secret=secret, security_token=token,
            endpoint=endpoint, protocol=protocol, region_id="cn-hangzhou"))

    def run(call):
        try:
            call()
        except Exception:  # the SDK wraps our Stop in its retry error
            if "request" not in seen:
                raise

    # (name, nonce, security token, the SDK call)
    cases = [
        ("add-snapshot-repo-documented", "3f2a9c1e7b6d4a0f8e5c2b1a9d8e7f60", None,
         lambda c: c.add_snapshot_repo_with_options(
             "es-cn-n6w1o1x0w001c****", es_models.AddSnapshotRepoRequest(body=documented_body), {},
             RuntimeOptions())),
        ("add-snapshot-repo-pretty-body", "00000000000000000000000000000001", None,
         lambda c: c.add_snapshot_repo_with_options(
             "es-cn-n6w1o1x0w001c****",
             es_models.AddSnapshotRepoRequest(body='{\n  "repoPath" :"es-cn-4591jumei000u****"\n}'), {},
             RuntimeOptions())),
        ("get-without-body", "a1b2c3d4e5f60718293a4b5c6d7e8f90", None,
         lambda c: c.list_snapshot_repos_by_instance_id_with_options(
             "es-cn-n6w1o1x0w001c****", {}, RuntimeOptions())),
        ("query-parameters", "b1b2c3d4e5f60718293a4b5c6d7e8f91", None,
         lambda c: c.list_instance_with_options(
             es_models.ListInstanceRequest(page=1, size=10, description="es prod", es_version="7.10_with_X-Pack"),
             {}, RuntimeOptions())),
        ("percent-encoding-in-path-and-query", "c1b2c3d4e5f60718293a4b5c6d7e8f92", None,
         lambda c: c.list_search_log_with_options(
             "es cn*~/é+", es_models.ListSearchLogRequest(query="x y*~/é+&=", type="INSTANCELOG", page=1, size=20,
                                                        begin_time=1795000000000, end_time=1795000600000),
             {}, RuntimeOptions())),
        ("security-token", "d1b2c3d4e5f60718293a4b5c6d7e8f93", sts_token,
         lambda c: c.add_snapshot_repo_with_options(
             "es-cn-n6w1o1x0w001c****", es_models.AddSnapshotRepoRequest(body=documented_body), {},
             RuntimeOptions())),
        ("create-snapshot-client-token", "f1b2c3d4e5f60718293a4b5c6d7e8f95", None,
         lambda c: c.create_snapshot_with_options(
             "es-cn-oew1oxiro000f****", es_models.CreateSnapshotRequest(client_token="5A2CFF0E-5718-45B5-9D4D-70B3FF****"),
             {}, RuntimeOptions())),
        ("delete-snapshot-repo-query", "01b2c3d4e5f60718293a4b5c6d7e8f96", None,
         lambda c: c.delete_snapshot_repo_with_options(
             "es-cn-n6w1o1x0w001c****",
             es_models.DeleteSnapshotRepoRequest(repo_path="es-cn-n6w1rux8i000w****", client_token="token with space+plus"),
             {}, RuntimeOptions())),
        ("extra-headers-signed-and-host-with-port", "e1b2c3d4e5f60718293a4b5c6d7e8f94", None,
         lambda c: c.add_snapshot_repo_with_options(
             "es-cn-n6w1o1x0w001c****", es_models.AddSnapshotRepoRequest(body=documented_body),
             {"X-Custom": "  padded value  ", "x-acs-resourcegroupid": "rg-1"}, RuntimeOptions())),
    ]
    out = []
    for name, nonce, token, call in cases:
        nonce_box["nonce"] = nonce
        with_port = "port" in name
        sdk_client = client(token, endpoint="127.0.0.1:8080" if with_port else
                            "elasticsearch.cn-hangzhou.aliyuncs.com", protocol="HTTP" if with_port else "HTTPS")
        run(lambda: call(sdk_client))
        sent = seen.pop("request")
        sent_url = seen.pop("sent_url")
        headers = list(sent.headers.items())
        action = sent.headers["x-acs-action"]
        out.append({
            "name": name,
            "via": f"alibabacloud-elasticsearch20170613 Client ({action})",
            "method": sent.method,
            # Our signer's input: the URL as the SDK composes it (path encoded by
            # DaraURL.percent_encode, query by urlencode).
            "url": sent_url,
            "headers": [[k, v] for k, v in headers if k not in ALIBABA_ADDED],
            "body": text(sent.body) or "",
            "credentials": {"access_key_id": key_id, "access_key_secret": secret, "security_token": token},
            "action": action,
            "version": sent.headers["x-acs-version"],
            "time": TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nonce": nonce,
            "expected": {
                "added_headers": [[k, v] for k, v in headers if k in ALIBABA_ADDED],
                "canonical_request": seen.pop("canonical_request"),
                "string_to_sign": seen.pop("string_to_sign"),
                "sent_url": sent_url,
            },
        })
    return {
        "scheme": "ACS3-HMAC-SHA256",
        "generator": "crates/auth/tests/vectors/generate.py",
        "sdk": {"package": "alibabacloud-tea-openapi", "version": version("alibabacloud-tea-openapi")},
        "packages": packages("alibabacloud-tea-openapi", "darabonba-core", "alibabacloud-credentials",
                             "alibabacloud-elasticsearch20170613"),
        "cases": out,
    }


def main():
    for file, make in (("huawei.json", huawei_vectors), ("alibaba.json", alibaba_vectors)):
        data = make()
        (HERE / file).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        print(f"{file}: {len(data['cases'])} cases from {data['packages']}", file=sys.stderr)


if __name__ == "__main__":
    main()
