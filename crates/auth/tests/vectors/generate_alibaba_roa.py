"""Golden vectors for Alibaba Cloud's ROA signature (`Authorization: acs <id>:<HMAC-SHA1>`),
computed by the classic Python SDK with its own code.

Run (the keys are fake; the SDK computes with them all the same, and nothing is sent):

    python3 -m venv /tmp/roavenv
    /tmp/roavenv/bin/pip install aliyun-python-sdk-core==2.16.1 aliyun-python-sdk-elasticsearch==3.1.2
    /tmp/roavenv/bin/python crates/auth/tests/vectors/generate_alibaba_roa.py

Writes alibaba_roa.json beside this file. It records the packages and versions that made it and,
per case, the inputs of our signer (method, the URL as the HTTP library would send it, the headers
present before signing, body, credentials, time) and what the SDK produced: the headers its
signing code added, in the order it added them (the Authorization among them), and its string to
sign. Every case goes through `AcsClient.do_action_with_exception` with a request class of the
Elasticsearch SDK, so that path and query composition, body handling and default headers are the
SDK's own. Only the clock (`parameter_helper.get_rfc_2616_date`) and the User-Agent's
machine-specific part are fixed by this script, and the HTTP session's `send` is replaced by one
that records the prepared request and stops.
"""

import json
import platform
import sys
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE = "Tue, 24 Nov 2026 08:30:15 GMT"
TIME = "2026-11-24T08:30:15Z"
USER_AGENT = "snapspec-vectors/1"

# The headers our signer adds (compared case-insensitively); every other header is an input.
ADDED = {"x-acs-security-token", "content-md5", "date", "x-acs-signature-method",
         "x-acs-signature-version", "authorization"}


class Stop(Exception):
    """Raised where the SDK would open a connection."""


def packages(*names):
    found = {name: version(name) for name in names}
    found["python"] = platform.python_version()
    return found


def main():
    import aliyunsdkcore.utils.parameter_helper as helper
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.auth.credentials import StsTokenCredential
    from aliyunsdkcore.vendored.requests import Session
    from aliyunsdkelasticsearch.request.v20170613 import (
        AddSnapshotRepoRequest, CreateSnapshotRequest, DeleteSnapshotRepoRequest,
        DescribeSnapshotSettingRequest, ListSnapshotReposByInstanceIdRequest,
        UpdateSnapshotSettingRequest)

    seen = {}

    def record_and_stop(self, prepared, **kwargs):
        seen["prepared"] = prepared
        raise Stop()

    helper.get_rfc_2616_date = lambda: DATE
    # The User-Agent names this machine's kernel; it is not signed, so a fixed one is recorded.
    AcsClient.user_agent_header = staticmethod(lambda: USER_AGENT)
    Session.send = record_and_stop

    key_id, secret = "LTAI5tExampleKeyId0001", "ExampleAccessKeySecretForVectors01"
    sts_token = "CAIS8gF1q6Ft5B2yfSjIexample-sts-token"
    documented_body = '{"repoPath":"es-cn-4591jumei000u****"}'
    endpoint = "elasticsearch.cn-hangzhou.aliyuncs.com"

    def json_body(request, text):
        # The classic SDK's way to send a raw JSON body (`set_body` sends a form field instead).
        request.set_content(text.encode("utf-8"))
        request.set_content_type("application/json")
        return request

    def add_repo(instance="es-cn-n6w1o1x0w001c****"):
        r = AddSnapshotRepoRequest.AddSnapshotRepoRequest()
        r.set_InstanceId(instance)
        return json_body(r, documented_body)

    def add_repo_form():
        r = AddSnapshotRepoRequest.AddSnapshotRepoRequest()
        r.set_InstanceId("es-cn-n6w1o1x0w001c****")
        r.set_body(documented_body)
        return r

    def list_repos(instance="es-cn-n6w1o1x0w001c****"):
        r = ListSnapshotReposByInstanceIdRequest.ListSnapshotReposByInstanceIdRequest()
        r.set_InstanceId(instance)
        return r

    def delete_repo():
        r = DeleteSnapshotRepoRequest.DeleteSnapshotRepoRequest()
        r.set_InstanceId("es-cn-n6w1o1x0w001c****")
        r.set_repoPath("es-cn-n6w1rux8i000w****")
        r.set_clientToken("token with space+plus&amp=")
        return r

    def create_snapshot():
        r = CreateSnapshotRequest.CreateSnapshotRequest()
        r.set_InstanceId("es-cn-oew1oxiro000f****")
        r.set_ClientToken("5A2CFF0E-5718-45B5-9D4D-70B3FF****")
        return r

    def describe_setting():
        r = DescribeSnapshotSettingRequest.DescribeSnapshotSettingRequest()
        r.set_InstanceId("es-cn-0pp1jxvcl000z****")
        return r

    def update_setting():
        r = UpdateSnapshotSettingRequest.UpdateSnapshotSettingRequest()
        r.set_InstanceId("es-cn-0pp1jxvcl000z****")
        return json_body(r, '{"enable": true, "quartzRegex": "0 0 01 ? * * *"}')

    def extra_headers():
        r = add_repo()
        r.add_header("x-acs-resourcegroupid", "rg-1")
        r.add_header("X-Acs-Custom", "Mixed Case Value")
        r.add_header("X-Custom", "not signed")
        return r

    # (name, request, STS token)
    cases = [
        ("add-snapshot-repo-json-body", add_repo, None),
        ("add-snapshot-repo-form-body", add_repo_form, None),
        ("get-without-body", list_repos, None),
        ("query-parameters", delete_repo, None),
        ("create-snapshot-client-token", create_snapshot, None),
        ("describe-snapshot-setting", describe_setting, None),
        ("update-snapshot-setting", update_setting, None),
        ("percent-encoding-in-path", lambda: list_repos("es cn*~é+"), None),
        ("extra-acs-headers", extra_headers, None),
        ("security-token", add_repo, sts_token),
    ]
    out = []
    for name, make, token in cases:
        if token:
            client = AcsClient(region_id="cn-hangzhou",
                               credential=StsTokenCredential(key_id, secret, token))
        else:
            client = AcsClient(key_id, secret, "cn-hangzhou")
        request = make()
        request.set_endpoint(endpoint)
        try:
            client.do_action_with_exception(request)
        except Stop:
            pass
        prepared = seen.pop("prepared")
        headers = list(prepared.headers.items())
        body = prepared.body or b""
        out.append({
            "name": name,
            "via": f"aliyun-python-sdk-elasticsearch {type(request).__name__} with AcsClient",
            "method": prepared.method,
            # Our signer's input: the URL as the HTTP library sends it.
            "url": prepared.url,
            "headers": [[k, v] for k, v in headers if k.lower() not in ADDED],
            "body": body.decode("utf-8") if isinstance(body, bytes) else body,
            "credentials": {"access_key_id": key_id, "access_key_secret": secret, "security_token": token},
            "time": TIME,
            "expected": {
                "added_headers": [[k, v] for k, v in headers if k.lower() in ADDED],
                "string_to_sign": request.string_to_sign,
            },
        })
    data = {
        "scheme": "acs (ROA, HMAC-SHA1)",
        "generator": "crates/auth/tests/vectors/generate_alibaba_roa.py",
        "sdk": {"package": "aliyun-python-sdk-core", "version": version("aliyun-python-sdk-core")},
        "packages": packages("aliyun-python-sdk-core", "aliyun-python-sdk-elasticsearch"),
        "cases": out,
    }
    (HERE / "alibaba_roa.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"alibaba_roa.json: {len(out)} cases from {data['packages']}", file=sys.stderr)


if __name__ == "__main__":
    main()
