"""Golden signing vectors, computed with the vendors' official Python SDKs.

Run: python3 -m venv /tmp/v && /tmp/v/bin/pip install huaweicloudsdkcore alibabacloud-tea-openapi \
     && /tmp/v/bin/python crates/auth/tests/vectors/generate.py

Writes huawei.json and alibaba.json beside this file. Each case records the inputs of our signer
(method, URL, the headers present before signing, body, credentials, time, nonce) and the headers
the SDK's own signing code added. The keys are fake; the SDKs compute with them all the same.
"""

import json
import sys
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, parse_qsl

HERE = Path(__file__).resolve().parent
TIME = datetime(2026, 11, 24, 8, 30, 15, tzinfo=timezone.utc)


def huawei_vectors():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest

    ak, sk = "HPUAEXAMPLEAK0000001", "ExampleSecretKeyForGoldenVectors000000001"
    cases = [
        ("css-create-snapshot-documented", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/ea244205-d641-45d9-9dcb-ab2236bcd07e/index_snapshot",
         '{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}',
         "6204a5bd270343b5885144cf9c8c158d", None),
        ("dws-create-snapshot-documented", "POST",
         "https://dws.cn-north-4.myhuaweicloud.com/v1.0/89cd04f168b84af6be287f71730fdb4b/snapshots",
         '{"snapshot":{"name":"snapshot-3","cluster_id":"44b277eb-39be-4921-be31-3d61b43651d7","description":"Snapshot-3 description"}}',
         "89cd04f168b84af6be287f71730fdb4b", None),
        ("get-without-body", "GET",
         "https://dws.cn-north-4.myhuaweicloud.com/v1.0/89cd04f168b84af6be287f71730fdb4b/snapshots",
         "", "89cd04f168b84af6be287f71730fdb4b", None),
        ("query-parameters", "GET",
         "https://css.ap-southeast-1.myhuaweicloud.com/v1.0/0a1b2c3d4e5f/clusters?limit=10&offset=0&name=es-prod",
         "", "0a1b2c3d4e5f", None),
        ("percent-encoding-in-path-and-query", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/0a1b2c3d4e5f/clusters/a%20b%2A~c%C3%A9/index_snapshot?q=x%20y%2A~%2F%C3%A9&a=1",
         '{"name":"snapshot_002"}', "0a1b2c3d4e5f", None),
        ("security-token", "POST",
         "https://css.cn-north-4.myhuaweicloud.com/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/ea244205-d641-45d9-9dcb-ab2236bcd07e/index_snapshot",
         '{"name":"snapshot_003"}', "6204a5bd270343b5885144cf9c8c158d",
         "gQpjbi1ub3J0aC00example-temporary-security-token=="),
        ("no-project-id", "POST",
         "https://dws.eu-west-101.myhuaweicloud.eu/v1.0/p1/snapshots", '{"snapshot":{}}', None, None),
    ]
    out = []
    for name, method, url, body, project_id, token in cases:
        parts = urlsplit(url)
        given = {"Content-Type": "application/json", "User-Agent": "snapspec-vectors/1"}
        if not body:
            given = {"User-Agent": "snapspec-vectors/1"}
        headers = dict(given)
        headers["X-Sdk-Date"] = TIME.strftime("%Y%m%dT%H%M%SZ")
        query = parse_qsl(parts.query, keep_blank_values=True)
        request = SdkRequest(method=method, schema=parts.scheme, host=parts.netloc, resource_path=parts.path,
                             query_params=query, header_params=headers, body=body.encode() if body else "")
        credentials = BasicCredentials(ak, sk, project_id)
        if token:
            credentials = credentials.with_security_token(token)
        signed = credentials.sign_request(request)
        added = {k: v for k, v in signed.header_params.items() if k not in given}
        out.append({
            "name": name, "method": method, "url": url, "headers": given, "body": body,
            "credentials": {"ak": ak, "sk": sk, "project_id": project_id, "security_token": token},
            "time": TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expected_added_headers": added,
        })
    return {"sdk": {"package": "huaweicloudsdkcore", "version": version("huaweicloudsdkcore")}, "cases": out}


class Captured(Exception):
    pass


def alibaba_vectors():
    from alibabacloud_tea_openapi import client as tea_client
    from alibabacloud_tea_openapi.client import Client
    from alibabacloud_tea_openapi import utils_models as open_api_util_models
    from alibabacloud_tea_openapi.utils import Utils
    from alibabacloud_tea_openapi import models as open_api_models
    from darabonba.runtime import RuntimeOptions

    key_id, secret = "LTAI5tExampleKeyId0001", "ExampleAccessKeySecretForVectors01"
    nonce_box = {}
    captured = {}

    def fake_do_action(request, runtime_option=None):
        captured["request"] = request
        raise Captured()

    tea_client.DaraCore.do_action = staticmethod(fake_do_action)
    Utils.get_timestamp = staticmethod(lambda: TIME.strftime("%Y-%m-%dT%H:%M:%SZ"))
    Utils.get_nonce = staticmethod(lambda: nonce_box["nonce"])
    Utils.get_user_agent = staticmethod(lambda ua=None: "snapspec-vectors/1")

    cases = [
        ("add-snapshot-repo-documented", "POST", "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
         {}, '{"repoPath":"es-cn-4591jumei000u****"}', None, "3f2a9c1e7b6d4a0f8e5c2b1a9d8e7f60"),
        ("add-snapshot-repo-pretty-body", "POST", "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
         {}, '{\n  "repoPath" :"es-cn-4591jumei000u****"\n}', None, "00000000000000000000000000000001"),
        ("get-without-body", "GET", "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
         {}, None, None, "a1b2c3d4e5f60718293a4b5c6d7e8f90"),
        ("query-parameters", "GET", "/openapi/instances",
         {"page": "1", "size": "10", "description": "es prod"}, None, None, "b1b2c3d4e5f60718293a4b5c6d7e8f91"),
        ("percent-encoding-in-path-and-query", "POST", "/openapi/instances/es%20cn%2A~%C3%A9/snapshot-repos",
         {"q": "x y*~/é", "a": "1"}, '{"repoPath":"es-cn-é"}', None, "c1b2c3d4e5f60718293a4b5c6d7e8f92"),
        ("security-token", "POST", "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
         {}, '{"repoPath":"es-cn-4591jumei000u****"}', "CAIS8gF1q6Ft5B2yfSjIexample-sts-token", "d1b2c3d4e5f60718293a4b5c6d7e8f93"),
    ]
    out = []
    for name, method, pathname, query, body, token, nonce in cases:
        nonce_box["nonce"] = nonce
        config = open_api_models.Config(access_key_id=key_id, access_key_secret=secret, security_token=token,
                                        endpoint="elasticsearch.cn-hangzhou.aliyuncs.com", protocol="HTTPS")
        client = Client(config)
        params = open_api_util_models.Params(action="AddSnapshotRepo", version="2017-06-13", protocol="HTTPS",
                                             pathname=pathname, method=method, auth_type="AK", style="ROA",
                                             req_body_type="json", body_type="json")
        request = open_api_util_models.OpenApiRequest(headers={}, query=query or None, body=body)
        try:
            client.call_api(params, request, RuntimeOptions())
        except Exception:  # the SDK wraps our Captured in its retry exception
            if "request" not in captured:
                raise
        sent = captured.pop("request")
        headers = {k: v for k, v in sent.headers.items()}
        ours = {"host", "x-acs-version", "x-acs-action", "x-acs-date", "x-acs-signature-nonce",
                "x-acs-content-sha256", "x-acs-accesskey-id", "x-acs-security-token", "Authorization"}
        given = {k: v for k, v in headers.items() if k not in ours}
        added = {k: v for k, v in headers.items() if k in ours}
        from urllib.parse import quote
        query_string = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query.items()))
        url = f"https://elasticsearch.cn-hangzhou.aliyuncs.com{sent.pathname}" + (f"?{query_string}" if query_string else "")
        out.append({
            "name": name, "method": method, "url": url, "headers": given,
            "body": sent.body if isinstance(sent.body, str) else (sent.body.decode() if sent.body else ""),
            "credentials": {"access_key_id": key_id, "access_key_secret": secret, "security_token": token},
            "action": "AddSnapshotRepo", "version": "2017-06-13",
            "time": TIME.strftime("%Y-%m-%dT%H:%M:%SZ"), "nonce": nonce,
            "expected_added_headers": added,
        })
    return {"sdk": {"package": "alibabacloud-tea-openapi", "version": version("alibabacloud-tea-openapi")}, "cases": out}


def main():
    for file, make in (("huawei.json", huawei_vectors), ("alibaba.json", alibaba_vectors)):
        data = make()
        (HERE / file).write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{file}: {len(data['cases'])} cases from {data['sdk']['package']} {data['sdk']['version']}", file=sys.stderr)


if __name__ == "__main__":
    main()
