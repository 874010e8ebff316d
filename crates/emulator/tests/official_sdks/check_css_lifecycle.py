"""The official Huawei Cloud CSS SDK (huaweicloudsdkcss, module v1) through the CSS snapshot
lifecycle against the snapspec emulator: create, list (BUILDING, then COMPLETED), restore,
delete, the basic configuration and the automatic policy. Each answer must parse into the SDK's
own response models, and each refusal must read as the SDK's ClientRequestException with CSS's
own error code in its body.
Exits non-zero on any failure.
Usage: python check_css_lifecycle.py http://127.0.0.1:PORT [SNAPSHOT_DURATION_SECONDS]
"""

import sys
import time

BASE = sys.argv[1].rstrip("/")
DURATION = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
AK, SK, PROJECT = "OFFICIALSDKTESTAK001", "official-sdk-test-secret", "6204a5bd270343b5885144cf9c8c158d"
CLUSTER = "4f3deec3-efa8-4598-bf91-560aad1377a3"
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    (passes if condition else failures).append(name)


def refusal(call):
    """The SDK's exception for a call that must be refused, or None when it was accepted."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    try:
        call()
    except ClientRequestException as e:
        return e
    return None


def lifecycle():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcss.v1 import (
        CssClient, CreateSnapshotRequest, CreateSnapshotReq, ListSnapshotsRequest, ListSnapshotsResponse,
        RestoreSnapshotRequest, RestoreSnapshotReq, RestoreSnapshotResponse, DeleteSnapshotRequest,
        DeleteSnapshotResponse, UpdateSnapshotSettingRequest, UpdateSnapshotSettingReq,
        UpdateSnapshotSettingResponse, CreateAutoCreatePolicyRequest, SetRDSBackupCnfReq,
        CreateAutoCreatePolicyResponse, ShowAutoCreatePolicyRequest, ShowAutoCreatePolicyResponse)
    client = CssClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([BASE]).build()

    setting = client.update_snapshot_setting(UpdateSnapshotSettingRequest(
        cluster_id=CLUSTER,
        body=UpdateSnapshotSettingReq(bucket="test-bucket", agency="usearch", base_path="css_repository/Es-name")))
    check("UpdateSnapshotSetting answers 200 as UpdateSnapshotSettingResponse",
          isinstance(setting, UpdateSnapshotSettingResponse) and setting.status_code == 200, str(setting))

    policy = client.create_auto_create_policy(CreateAutoCreatePolicyRequest(
        cluster_id=CLUSTER,
        body=SetRDSBackupCnfReq(enable="true", keepday=7, period="16:00 GMT+08:00", prefix="snapshot",
                                delete_auto="false")))
    check("CreateAutoCreatePolicy answers 200 as CreateAutoCreatePolicyResponse",
          isinstance(policy, CreateAutoCreatePolicyResponse) and policy.status_code == 200, str(policy))

    shown = client.show_auto_create_policy(ShowAutoCreatePolicyRequest(cluster_id=CLUSTER))
    check("ShowAutoCreatePolicy reads back the configuration and the policy into its model",
          isinstance(shown, ShowAutoCreatePolicyResponse) and shown.bucket == "test-bucket"
          and shown.base_path == "css_repository/Es-name" and shown.agency == "usearch" and shown.enable == "true"
          and shown.keepday == 7 and shown.period == "16:00 GMT+08:00" and shown.prefix == "snapshot", str(shown))

    created = client.create_snapshot(CreateSnapshotRequest(cluster_id=CLUSTER, body=CreateSnapshotReq(name="lifecycle_001")))
    snapshot_id = created.backup.id

    def listed():
        answer = client.list_snapshots(ListSnapshotsRequest(cluster_id=CLUSTER))
        assert isinstance(answer, ListSnapshotsResponse)
        return {b.id: b for b in (answer.backups or [])}

    building = listed().get(snapshot_id)
    check("ListSnapshots shows the new snapshot BUILDING in ListSnapshotBackupsResp",
          building is not None and building.status == "BUILDING" and building.name == "lifecycle_001"
          and building.bucket_name == "test-bucket", str(building))

    early = refusal(lambda: client.restore_snapshot(RestoreSnapshotRequest(
        cluster_id=CLUSTER, snapshot_id=snapshot_id, body=RestoreSnapshotReq(target_cluster=CLUSTER))))
    # The SDK reads only error_code/error_msg (and errorCode/errorMsg, code/message): for the CSS
    # service's own errCode/externalMessage it keeps the status as the code and the body as the message.
    check("restoring a BUILDING snapshot is refused as ClientRequestException 400 with CSS.0001 in its body",
          early is not None and early.status_code == 400 and '"errCode":"CSS.0001"' in early.error_msg
          and bool(early.request_id), str(early))

    time.sleep(DURATION + 0.3)
    completed = listed().get(snapshot_id)
    check("the snapshot is COMPLETED after the emulator's snapshot duration",
          completed is not None and completed.status == "COMPLETED" and completed.end_time > 0, str(completed))

    restored = client.restore_snapshot(RestoreSnapshotRequest(
        cluster_id=CLUSTER, snapshot_id=snapshot_id,
        body=RestoreSnapshotReq(target_cluster=CLUSTER, indices="myindex1,myindex2", rename_pattern="index",
                                rename_replacement="restored_index_$1")))
    check("RestoreSnapshot with the SDK's snake-case body answers 201 as RestoreSnapshotResponse",
          isinstance(restored, RestoreSnapshotResponse) and restored.status_code == 201, str(restored))
    check("the restored snapshot's restoreStatus reads success", listed()[snapshot_id].restore_status == "success")

    deleted = client.delete_snapshot(DeleteSnapshotRequest(cluster_id=CLUSTER, snapshot_id=snapshot_id))
    check("DeleteSnapshot answers 200 as DeleteSnapshotResponse",
          isinstance(deleted, DeleteSnapshotResponse) and deleted.status_code == 200, str(deleted))
    check("a deleted snapshot is no longer listed", snapshot_id not in listed())

    gone = refusal(lambda: client.delete_snapshot(DeleteSnapshotRequest(cluster_id=CLUSTER, snapshot_id=snapshot_id)))
    check("deleting it again is refused as ClientRequestException 403 with CSS.0015 in its body",
          gone is not None and gone.status_code == 403 and '"errCode":"CSS.0015"' in gone.error_msg, str(gone))


try:
    lifecycle()
except Exception as e:  # an SDK exception is a failure of this check, reported with its message
    check("lifecycle", False, f"{type(e).__name__}: {e}")

print(f"official CSS SDK lifecycle against the emulator: {len(passes)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
