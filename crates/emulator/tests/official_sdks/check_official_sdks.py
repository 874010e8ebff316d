"""The vendors' official Python SDKs against the snapspec emulator.

Calls the three operations with credentials, checks that the answers parse into the SDKs' own
models, and that a request altered after signing is refused. Exits non-zero on any failure.
Usage: python check_official_sdks.py http://127.0.0.1:PORT
"""

import json
import sys
import urllib.error
import urllib.request

BASE = sys.argv[1].rstrip("/")
HOSTPORT = BASE.split("://", 1)[1]
AK, SK, PROJECT = "OFFICIALSDKTESTAK001", "official-sdk-test-secret", "6204a5bd270343b5885144cf9c8c158d"
KEY_ID, KEY_SECRET = "LTAIofficialSdkTest01", "official-sdk-test-alibaba-secret"
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    (passes if condition else failures).append(name)


def huawei_css():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcss.v1 import CssClient, CreateSnapshotRequest, CreateSnapshotReq
    client = CssClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([BASE]).build()
    request = CreateSnapshotRequest(cluster_id="ea244205-d641-45d9-9dcb-ab2236bcd07e",
                                    body=CreateSnapshotReq(name="snapshot_001", indices="myindex1,myindex2", description=""))
    response = client.create_snapshot(request)
    check("CSS CreateSnapshot through huaweicloudsdkcss", response.status_code == 201 and response.backup.name == "snapshot_001",
          str(response))
    check("CSS answer parses into BackupRsp with an id", bool(response.backup.id))


def huawei_dws():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkdws.v2 import DwsClient, CreateSnapshotRequest, CreateSnapshotRequestBody, Snapshot
    client = DwsClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([BASE]).build()
    body = CreateSnapshotRequestBody(snapshot=Snapshot(name="snapshot-3", cluster_id="44b277eb-39be-4921-be31-3d61b43651d7",
                                                       description="Snapshot-3 description"))
    response = client.create_snapshot(CreateSnapshotRequest(body=body))
    check("DWS CreateSnapshot through huaweicloudsdkdws", response.status_code == 200 and bool(response.snapshot.id), str(response))
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    try:
        client.create_snapshot(CreateSnapshotRequest(body=body))
        check("DWS refuses the same name twice", False, "accepted")
    except ClientRequestException as e:
        check("DWS refusal reads as the SDK's ClientRequestException", e.status_code == 400 and e.error_code == "DWS.0002"
              and bool(e.request_id), f"{e.status_code} {e.error_code} {e.request_id}")


def alibaba_es():
    from alibabacloud_tea_openapi.models import Config
    from alibabacloud_elasticsearch20170613.client import Client
    from alibabacloud_elasticsearch20170613.models import AddSnapshotRepoRequest
    client = Client(Config(access_key_id=KEY_ID, access_key_secret=KEY_SECRET, endpoint=HOSTPORT, protocol="http"))
    response = client.add_snapshot_repo("es-cn-n6w1o1x0w001c****", AddSnapshotRepoRequest(body='{"repoPath":"es-cn-4591jumei000u****"}'))
    check("Alibaba AddSnapshotRepo through alibabacloud-elasticsearch20170613",
          response.status_code == 200 and response.body.result is True and bool(response.body.request_id), str(response.body))


def tampered():
    """Signs a request with the Huawei SDK's own signer, then alters the body before sending."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.sdk_request import SdkRequest
    path = f"/v1.0/{PROJECT}/clusters/c1/index_snapshot"
    body = b'{"name":"snapshot_signed"}'
    request = SdkRequest(method="POST", schema="http", host=HOSTPORT, resource_path=path, query_params=[],
                         header_params={"Content-Type": "application/json"}, body=body)
    signed = BasicCredentials(AK, SK, PROJECT).sign_request(request)
    headers = {k: v for k, v in signed.header_params.items()}

    def post(payload):
        sent = urllib.request.Request(BASE + path, data=payload, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(sent) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    status, answer = post(b'{"name":"snapshot_forged"}')
    check("a body altered after the SDK signed it is refused with 401 APIGW.0301",
          status == 401 and answer.get("error_code") == "APIGW.0301", f"{status} {answer}")
    status, answer = post(body)
    check("the same request unaltered is accepted", status == 201, f"{status} {answer}")


for step in (huawei_css, huawei_dws, alibaba_es, tampered):
    try:
        step()
    except Exception as e:  # an SDK exception is a failure of this check, reported with its message
        check(step.__name__, False, f"{type(e).__name__}: {e}")

print(f"official SDKs against the emulator: {len(passes)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
