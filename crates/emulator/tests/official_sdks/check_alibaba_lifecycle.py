"""The official Alibaba Cloud Elasticsearch Python SDK through the snapshot lifecycle, against the
snapspec emulator.

Each call is signed by the SDK itself (ACS3-HMAC-SHA256, query parameters included) and verified
by the emulator with snapspec's own verifier; each answer is parsed by the SDK's own models.
Covers ListSnapshotReposByInstanceId, DeleteSnapshotRepo, CreateSnapshot (idempotent by its
ClientToken), DescribeSnapshotSetting and UpdateSnapshotSetting. Exits non-zero on any failure.
Usage: python check_alibaba_lifecycle.py http://127.0.0.1:PORT
"""

import json
import sys
import urllib.request

BASE = sys.argv[1].rstrip("/")
HOSTPORT = BASE.split("://", 1)[1]
KEY_ID, KEY_SECRET = "LTAIofficialSdkTest01", "official-sdk-test-alibaba-secret"
# Identifiers from the reference pages: `*` travels percent-encoded, in the path and the query.
INSTANCE = "es-cn-n6w1o1x0w001c****"
SOURCE = "es-cn-n6w1rux8i000w****"
SNAPSHOT_INSTANCE = "es-cn-oew1oxiro000f****"
TOKEN = "5A2CFF0E-5718-45B5-9D4D-70B3FF****"
SETTING_INSTANCE = "es-cn-0pp1jxvcl000z****"
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    (passes if condition else failures).append(name)


def sdk():
    from alibabacloud_tea_openapi.models import Config
    from alibabacloud_elasticsearch20170613.client import Client
    return Client(Config(access_key_id=KEY_ID, access_key_secret=KEY_SECRET, endpoint=HOSTPORT, protocol="http"))


def snapshots_of(instance):
    """The emulator's own inspection route (unsigned; not a vendor operation)."""
    quoted = urllib.request.quote(instance, safe="")
    with urllib.request.urlopen(f"{BASE}/emulator/alibaba-es/instances/{quoted}/snapshots") as answer:
        return json.loads(answer.read())["snapshots"]


def repositories():
    from alibabacloud_elasticsearch20170613 import models
    client = sdk()
    client.add_snapshot_repo(INSTANCE, models.AddSnapshotRepoRequest(body=json.dumps({"repoPath": SOURCE})))
    listed = client.list_snapshot_repos_by_instance_id(INSTANCE)
    # The instance may hold other repositories (check_official_sdks.py adds one to it).
    entries = [e for e in listed.body.result if e.repo_path == SOURCE]
    check("ListSnapshotReposByInstanceId parses into ListSnapshotReposByInstanceIdResponseBodyResult",
          listed.status_code == 200 and len(entries) == 1
          and all(isinstance(e, models.ListSnapshotReposByInstanceIdResponseBodyResult) for e in listed.body.result)
          and entries[0].instance_id == SOURCE
          and entries[0].snap_warehouse == f"aliyun_snapshot_from_{SOURCE}" and entries[0].status == "available"
          and bool(listed.body.request_id),
          str(listed.body.to_map()))

    deleted = client.delete_snapshot_repo(INSTANCE, models.DeleteSnapshotRepoRequest(repo_path=SOURCE,
                                                                                     client_token="delete-1"))
    check("DeleteSnapshotRepo (repoPath and clientToken in the signed query) parses into its response body",
          deleted.status_code == 200 and deleted.body.result is True and bool(deleted.body.request_id),
          str(deleted.body.to_map()))
    again = client.delete_snapshot_repo(INSTANCE, models.DeleteSnapshotRepoRequest(repo_path=SOURCE,
                                                                                   client_token="delete-1"))
    check("a DeleteSnapshotRepo retry with the same clientToken answers as the first", again.body.result is True,
          str(again.body.to_map()))
    listed = client.list_snapshot_repos_by_instance_id(INSTANCE)
    check("the deleted repository is gone from the list",
          listed.status_code == 200 and all(e.repo_path != SOURCE for e in listed.body.result),
          str(listed.body.to_map()))
    try:
        client.delete_snapshot_repo(INSTANCE, models.DeleteSnapshotRepoRequest(repo_path=SOURCE))
        check("deleting a repository that is gone is refused", False, "accepted")
    except Exception as e:  # the SDK's ClientException
        code, status = getattr(e, "code", None), getattr(e, "status_code", None) or getattr(e, "statusCode", None)
        check("deleting a repository that is gone reads as the SDK's error with the vendor's code",
              code == "RepoNotFound" and status == 400, f"{type(e).__name__} {status} {code}: {e}")


def snapshots():
    from alibabacloud_elasticsearch20170613 import models
    client = sdk()
    answers = [client.create_snapshot(SNAPSHOT_INSTANCE, models.CreateSnapshotRequest(client_token=TOKEN))
               for _ in range(2)]
    check("CreateSnapshot (ClientToken in the signed query) parses into CreateSnapshotResponseBody",
          all(a.status_code == 200 and a.body.result is True and bool(a.body.request_id) for a in answers),
          str([a.body.to_map() for a in answers]))
    taken = snapshots_of(SNAPSHOT_INSTANCE)
    check("two CreateSnapshot calls with one ClientToken take one snapshot",
          len(taken) == 1 and taken[0]["clientToken"] == TOKEN, str(taken))
    client.create_snapshot(SNAPSHOT_INSTANCE, models.CreateSnapshotRequest(client_token="another-token"))
    check("another ClientToken takes another snapshot", len(snapshots_of(SNAPSHOT_INSTANCE)) == 2)


def settings():
    from alibabacloud_elasticsearch20170613 import models
    client = sdk()
    described = client.describe_snapshot_setting(SETTING_INSTANCE)
    result = described.body.result
    check("DescribeSnapshotSetting parses into DescribeSnapshotSettingResponseBodyResult (off by default)",
          described.status_code == 200 and isinstance(result, models.DescribeSnapshotSettingResponseBodyResult)
          and result.enable is False and result.quartz_regex is None,
          str(described.body.to_map()))
    body = json.dumps({"enable": True, "quartzRegex": "0 0 01 ? * * *"})
    updated = client.update_snapshot_setting(SETTING_INSTANCE, models.UpdateSnapshotSettingRequest(body=body))
    result = updated.body.result
    check("UpdateSnapshotSetting parses into UpdateSnapshotSettingResponseBodyResult",
          updated.status_code == 200 and isinstance(result, models.UpdateSnapshotSettingResponseBodyResult)
          and result.enable is True and result.quartz_regex == "0 0 01 ? * * *",
          str(updated.body.to_map()))
    described = client.describe_snapshot_setting(SETTING_INSTANCE)
    check("the setting reads back through DescribeSnapshotSetting",
          described.body.result.enable is True and described.body.result.quartz_regex == "0 0 01 ? * * *",
          str(described.body.to_map()))


for step in (repositories, snapshots, settings):
    try:
        step()
    except Exception as e:  # an SDK exception is a failure of this check, reported with its message
        check(step.__name__, False, f"{type(e).__name__}: {e}")

print(f"official SDK through the Alibaba snapshot lifecycle: {len(passes)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
