//! The DWS snapshot lifecycle: create a snapshot of a cluster, poll it until it is complete,
//! list the project's snapshots, restore the snapshot into a new cluster, then delete it.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p snapspec-dws --example dws_lifecycle -- cn-north-4 <cluster-id> nightly-1 dws-restored
//! ```
//! To try it against the snapspec emulator instead of the cloud, run `snapspec emulate` and set
//! `HUAWEICLOUD_SDK_REGION_DWS_CN_NORTH_4=http://127.0.0.1:8080`.

use std::time::{Duration, Instant};

use snapspec_dws::{Client, Error, types, vendor_error};

/// The vendor's code and message (or the transport error) as a boxed error.
fn failure(error: Error<types::ErrorResponse>) -> Box<dyn std::error::Error> {
    match vendor_error(&error) {
        Some(vendor) => vendor.to_string().into(),
        None => error.to_string().into(),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, cluster_id, snapshot_name, new_cluster_name] = args.as_slice() else {
        return Err("usage: dws_lifecycle REGION CLUSTER_ID SNAPSHOT_NAME NEW_CLUSTER_NAME".into());
    };
    let client = Client::from_env(region)?;
    let project = client
        .project_id()
        .ok_or("HUAWEICLOUD_SDK_PROJECT_ID is not set")?
        .to_string();

    // 1. Create: the answer carries the new snapshot's id.
    let created = client
        .create_snapshot()
        .project_id(&project)
        .body(types::CreateSnapshotRequestBody {
            snapshot: types::Snapshot {
                name: snapshot_name.parse()?,
                cluster_id: cluster_id.clone(),
                description: None,
            },
        })
        .send()
        .await
        .map_err(failure)?;
    let id = created.into_inner().snapshot.id;
    println!("created snapshot {id}");

    // 2. Poll its details until it leaves CREATING.
    let deadline = Instant::now() + Duration::from_secs(3600);
    let status = loop {
        let shown = client
            .list_snapshot_details()
            .project_id(&project)
            .snapshot_id(&id)
            .send()
            .await
            .map_err(failure)?;
        let status = shown.into_inner().snapshot.status;
        if status != "CREATING" || Instant::now() > deadline {
            break status;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    println!("snapshot {id} is {status}");
    if status != "AVAILABLE" {
        return Err(format!("snapshot {id} ended {status}").into());
    }

    // 3. List the project's snapshots.
    let listed = client
        .list_snapshots()
        .project_id(&project)
        .send()
        .await
        .map_err(failure)?
        .into_inner();
    for snapshot in &listed.snapshots {
        println!("  {} {} {}", snapshot.id, snapshot.name, snapshot.status);
    }

    // 4. Restore it into a new cluster (network settings default to the source cluster's).
    let restored = client
        .restore_cluster()
        .project_id(&project)
        .snapshot_id(&id)
        .body(types::RestoreClusterRequestBody {
            restore: types::Restore::builder()
                .name(new_cluster_name.as_str())
                .try_into()?,
        })
        .send()
        .await
        .map_err(failure)?;
    println!(
        "restoring into new cluster {}",
        restored.into_inner().cluster.id
    );

    // 5. Delete the snapshot.
    client
        .delete_snapshot()
        .project_id(&project)
        .snapshot_id(&id)
        .send()
        .await
        .map_err(failure)?;
    println!("deleted snapshot {id}");
    Ok(())
}
