"""The classic Alibaba Cloud Python SDK (aliyun-python-sdk-core with aliyun-python-sdk-elasticsearch,
the pinned versions run.sh installs) against the snapspec emulator.

The classic SDK signs REST-style calls with the ROA signature, `Authorization: acs <id>:<HMAC-SHA1>`
(as the aliyun CLI does), not with ACS3. Each call below goes through the SDK's own request class
and `AcsClient`, signed by the SDK and verified by the emulator; each answer is parsed as JSON and
checked. Covers every Alibaba operation of the spec: AddSnapshotRepo, ListSnapshotReposByInstanceId,
DeleteSnapshotRepo, CreateSnapshot, DescribeSnapshotSetting, UpdateSnapshotSetting; and a call
signed with a wrong secret, which must be refused. Exits non-zero on any failure.
Usage: python check_alibaba_roa.py http://127.0.0.1:PORT
"""

import json
import sys
import urllib.request

BASE = sys.argv[1].rstrip("/")
HOSTPORT = BASE.split("://", 1)[1]
KEY_ID, KEY_SECRET = "LTAIofficialSdkTest01", "official-sdk-test-alibaba-secret"
# Instances of their own, so that the other checks sharing this emulator do not interfere.
INSTANCE = "es-cn-roa1o1x0w001c****"
SOURCE = "es-cn-roa1rux8i000w****"
SNAPSHOT_INSTANCE = "es-cn-roa1oxiro000f****"
SETTING_INSTANCE = "es-cn-roa1jxvcl000z****"
TOKEN = "5A2CFF0E-5718-45B5-9D4D-70B3FFroa1"
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    (passes if condition else failures).append(name)


def client(secret=KEY_SECRET):
    from aliyunsdkcore.client import AcsClient
    return AcsClient(KEY_ID, secret, "cn-hangzhou")


def call(request, secret=KEY_SECRET):
    """Sends `request` to the emulator with the SDK and parses its JSON answer."""
    request.set_endpoint(HOSTPORT)
    request.set_protocol_type("http")
    return json.loads(client(secret).do_action_with_exception(request))


def json_body(request, value):
    # The classic SDK sends a raw body with set_content; its set_body sends a form field instead.
    request.set_content(json.dumps(value).encode("utf-8"))
    request.set_content_type("application/json")
    return request


def snapshots_of(instance):
    """The emulator's own inspection route (unsigned; not a vendor operation)."""
    quoted = urllib.request.quote(instance, safe="")
    with urllib.request.urlopen(f"{BASE}/emulator/alibaba-es/instances/{quoted}/snapshots") as answer:
        return json.loads(answer.read())["snapshots"]


def repositories():
    from aliyunsdkelasticsearch.request.v20170613 import (
        AddSnapshotRepoRequest, DeleteSnapshotRepoRequest, ListSnapshotReposByInstanceIdRequest)

    def listed():
        request = ListSnapshotReposByInstanceIdRequest.ListSnapshotReposByInstanceIdRequest()
        request.set_InstanceId(INSTANCE)
        return call(request)

    request = AddSnapshotRepoRequest.AddSnapshotRepoRequest()
    request.set_InstanceId(INSTANCE)
    added = call(json_body(request, {"repoPath": SOURCE}))
    check("AddSnapshotRepo signed with acs (ROA) is accepted and answers Result true",
          added.get("Result") is True and bool(added.get("RequestId")), str(added))

    answer = listed()
    entries = [e for e in answer.get("Result", []) if e.get("repoPath") == SOURCE]
    check("ListSnapshotReposByInstanceId lists the repository",
          len(entries) == 1 and entries[0].get("instanceId") == SOURCE
          and entries[0].get("status") == "available" and bool(answer.get("RequestId")), str(answer))

    request = DeleteSnapshotRepoRequest.DeleteSnapshotRepoRequest()
    request.set_InstanceId(INSTANCE)
    request.set_repoPath(SOURCE)
    request.set_clientToken("roa delete+1")
    deleted = call(request)
    check("DeleteSnapshotRepo (repoPath and clientToken in the signed query) answers Result true",
          deleted.get("Result") is True, str(deleted))
    answer = listed()
    check("the deleted repository is gone from the list",
          all(e.get("repoPath") != SOURCE for e in answer.get("Result", [])), str(answer))


def snapshots():
    from aliyunsdkelasticsearch.request.v20170613 import CreateSnapshotRequest

    answers = []
    for _ in range(2):
        request = CreateSnapshotRequest.CreateSnapshotRequest()
        request.set_InstanceId(SNAPSHOT_INSTANCE)
        request.set_ClientToken(TOKEN)
        answers.append(call(request))
    check("CreateSnapshot (ClientToken in the signed query) answers Result true",
          all(a.get("Result") is True and bool(a.get("RequestId")) for a in answers), str(answers))
    taken = snapshots_of(SNAPSHOT_INSTANCE)
    check("two CreateSnapshot calls with one ClientToken take one snapshot",
          len(taken) == 1 and taken[0].get("clientToken") == TOKEN, str(taken))


def settings():
    from aliyunsdkelasticsearch.request.v20170613 import (
        DescribeSnapshotSettingRequest, UpdateSnapshotSettingRequest)

    def described():
        request = DescribeSnapshotSettingRequest.DescribeSnapshotSettingRequest()
        request.set_InstanceId(SETTING_INSTANCE)
        return call(request)

    answer = described()
    check("DescribeSnapshotSetting answers the default (off)",
          answer.get("Result", {}).get("Enable") is False, str(answer))
    request = UpdateSnapshotSettingRequest.UpdateSnapshotSettingRequest()
    request.set_InstanceId(SETTING_INSTANCE)
    updated = call(json_body(request, {"enable": True, "quartzRegex": "0 0 01 ? * * *"}))
    # This answer names its fields in lower camel case, unlike DescribeSnapshotSetting's (spec).
    check("UpdateSnapshotSetting answers the stored setting",
          updated.get("Result", {}).get("enable") is True
          and updated["Result"].get("quartzRegex") == "0 0 01 ? * * *", str(updated))
    answer = described()
    check("the setting reads back through DescribeSnapshotSetting",
          answer.get("Result", {}).get("Enable") is True
          and answer["Result"].get("QuartzRegex") == "0 0 01 ? * * *", str(answer))


def wrong_secret():
    from aliyunsdkcore.acs_exception.exceptions import ServerException
    from aliyunsdkelasticsearch.request.v20170613 import AddSnapshotRepoRequest

    request = AddSnapshotRepoRequest.AddSnapshotRepoRequest()
    request.set_InstanceId(INSTANCE)
    try:
        call(json_body(request, {"repoPath": "es-cn-roa1wrongsecret****"}), secret="not-the-secret")
        check("a call signed with a wrong secret is refused", False, "accepted")
    except ServerException as e:
        check("a call signed with a wrong secret is refused with SignatureDoesNotMatch",
              e.get_error_code() == "SignatureDoesNotMatch" and e.get_http_status() == 403,
              f"{e.get_http_status()} {e.get_error_code()}: {e.get_error_msg()}")
    from aliyunsdkelasticsearch.request.v20170613 import ListSnapshotReposByInstanceIdRequest
    request = ListSnapshotReposByInstanceIdRequest.ListSnapshotReposByInstanceIdRequest()
    request.set_InstanceId(INSTANCE)
    answer = call(request)
    check("the refused call added nothing",
          all(e.get("repoPath") != "es-cn-roa1wrongsecret****" for e in answer.get("Result", [])), str(answer))


for step in (repositories, snapshots, settings, wrong_secret):
    try:
        step()
    except Exception as e:  # an SDK exception is a failure of this check, reported with its message
        check(step.__name__, False, f"{type(e).__name__}: {e}")

print(f"classic Alibaba SDK (ROA signature) through every operation: {len(passes)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
