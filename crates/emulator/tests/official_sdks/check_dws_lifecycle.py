"""The official Huawei Cloud DWS Python SDK (huaweicloudsdkdws) against the snapspec emulator: the
snapshot lifecycle operations.

Creates a snapshot, lists it while it is CREATING, is refused a restore until it is AVAILABLE,
polls its details until then, restores it into a new cluster, deletes it and sees it gone. Every
answer is parsed by the SDK into its own model classes. Exits non-zero on any failure.
Usage: python check_dws_lifecycle.py http://127.0.0.1:PORT
"""

import sys
import time

BASE = sys.argv[1].rstrip("/")
AK, SK, PROJECT = "OFFICIALSDKTESTAK001", "official-sdk-test-secret", "6204a5bd270343b5885144cf9c8c158d"
failures = []
passes = []


def check(name, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + name + (f": {detail}" if detail and not condition else ""))
    (passes if condition else failures).append(name)


def refusal(call):
    """The SDK's ClientRequestException raised by `call`, or None when it succeeds."""
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    try:
        call()
    except ClientRequestException as e:
        return e
    return None


def lifecycle():
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkdws.v2 import (
        DwsClient, CreateSnapshotRequest, CreateSnapshotRequestBody, Snapshot, ListSnapshotsRequest,
        ListSnapshotDetailsRequest, DeleteSnapshotRequest, RestoreClusterRequest, RestoreClusterRequestBody,
        Restore, PublicIp, Snapshots, SnapshotDetail)
    client = DwsClient.new_builder().with_credentials(BasicCredentials(AK, SK, PROJECT)).with_endpoints([BASE]).build()

    created = client.create_snapshot(CreateSnapshotRequest(body=CreateSnapshotRequestBody(
        snapshot=Snapshot(name="lifecycle-1", cluster_id="b2a8e0c4-sdk-lifecycle", description="official SDK"))))
    snapshot_id = created.snapshot.id

    listed = client.list_snapshots(ListSnapshotsRequest())
    mine = [s for s in listed.snapshots if s.id == snapshot_id]
    check("ListSnapshots parses into the SDK's Snapshots models",
          listed.status_code == 200 and listed.count == len(listed.snapshots) and len(mine) == 1
          and isinstance(mine[0], Snapshots), str(listed))
    check("a new snapshot is listed as CREATING with no finish time",
          bool(mine) and mine[0].status == "CREATING" and mine[0].finished is None
          and mine[0].name == "lifecycle-1" and mine[0].description == "official SDK", str(mine))

    restore = RestoreClusterRequestBody(restore=Restore(
        name="dws-sdk-restored", port=8000, availability_zone="cn-north-4b",
        public_ip=PublicIp(public_bind_type="auto_assign", eip_id="")))
    early = refusal(lambda: client.restore_cluster(RestoreClusterRequest(snapshot_id=snapshot_id, body=restore)))
    check("RestoreCluster of a CREATING snapshot is a ClientRequestException 400 DWS.5149",
          early is not None and early.status_code == 400 and early.error_code == "DWS.5149" and bool(early.request_id),
          str(early))

    deadline = time.monotonic() + 15
    while True:
        shown = client.list_snapshot_details(ListSnapshotDetailsRequest(snapshot_id=snapshot_id))
        if shown.snapshot.status != "CREATING" or time.monotonic() > deadline:
            break
        time.sleep(0.25)
    check("ListSnapshotDetails parses into SnapshotDetail and reaches AVAILABLE",
          isinstance(shown.snapshot, SnapshotDetail) and shown.snapshot.status == "AVAILABLE"
          and bool(shown.snapshot.finished), str(shown))

    restored = client.restore_cluster(RestoreClusterRequest(snapshot_id=snapshot_id, body=restore))
    check("RestoreCluster of an AVAILABLE snapshot answers 200 with the new cluster's id",
          restored.status_code == 200 and restored.cluster is not None and bool(restored.cluster.id)
          and restored.cluster.id != snapshot_id, str(restored))

    deleted = client.delete_snapshot(DeleteSnapshotRequest(snapshot_id=snapshot_id))
    check("DeleteSnapshot answers 202 with dws.0000 and no job",
          deleted.status_code == 202 and deleted.error_code == "dws.0000" and deleted.job_id is None, str(deleted))

    remaining = client.list_snapshots(ListSnapshotsRequest())
    check("a deleted snapshot is no longer listed",
          all(s.id != snapshot_id for s in remaining.snapshots), str(remaining))
    gone = refusal(lambda: client.list_snapshot_details(ListSnapshotDetailsRequest(snapshot_id=snapshot_id)))
    check("ListSnapshotDetails of a deleted snapshot is a ClientRequestException 400 DWS.5149",
          gone is not None and gone.status_code == 400 and gone.error_code == "DWS.5149", str(gone))
    unknown = refusal(lambda: client.restore_cluster(RestoreClusterRequest(snapshot_id="no-such-snapshot", body=restore)))
    check("RestoreCluster of an unknown snapshot is a ClientRequestException 400 DWS.5149",
          unknown is not None and unknown.status_code == 400 and unknown.error_code == "DWS.5149", str(unknown))


try:
    lifecycle()
except Exception as e:  # an SDK exception is a failure of this check, reported with its message
    check("lifecycle", False, f"{type(e).__name__}: {e}")

print(f"official DWS SDK lifecycle against the emulator: {len(passes)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
