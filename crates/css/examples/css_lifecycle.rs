//! The CSS snapshot lifecycle: create a snapshot, poll until it completes, list, restore it into
//! the same cluster, delete it.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p snapspec-css --example css_lifecycle -- cn-north-4 <cluster-id> snapshot_001
//! ```
//! To try it against the snapspec emulator instead of the cloud, set
//! `HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4=http://127.0.0.1:8080`.

use std::time::Duration;

use snapspec_css::{Client, types, vendor_error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, cluster_id, name] = args.as_slice() else {
        return Err("usage: css_lifecycle REGION CLUSTER_ID NAME".into());
    };
    let client = Client::from_env(region)?;
    let project_id = client
        .project_id()
        .ok_or("HUAWEICLOUD_SDK_PROJECT_ID is not set")?
        .to_string();
    let explain = |error: snapspec_css::Error<types::ErrorResponse>| -> Box<dyn std::error::Error> {
        match vendor_error(&error) {
            Some(vendor) => vendor.to_string().into(),
            None => error.to_string().into(),
        }
    };

    // Create.
    let created = client
        .create_snapshot()
        .project_id(&project_id)
        .cluster_id(cluster_id)
        .body(types::CreateSnapshotReq {
            name: name.parse()?,
            indices: None,
            description: None,
        })
        .send()
        .await
        .map_err(explain)?;
    let id = created
        .into_inner()
        .backup
        .ok_or("no snapshot in the answer")?
        .id;
    println!("created {name} ({id})");

    // Poll until it is no longer BUILDING.
    let status = loop {
        let listed = client
            .list_snapshots()
            .project_id(&project_id)
            .cluster_id(cluster_id)
            .send()
            .await
            .map_err(explain)?;
        let status = listed
            .backups
            .iter()
            .find(|b| b.id.as_deref() == Some(id.as_str()))
            .and_then(|b| b.status.clone())
            .ok_or("the snapshot is not listed")?;
        if status != "BUILDING" {
            break status;
        }
        println!("{name} is BUILDING");
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    println!("{name} is {status}");
    if status != "COMPLETED" {
        return Err(format!("{name} ended {status}").into());
    }

    // List.
    let listed = client
        .list_snapshots()
        .project_id(&project_id)
        .cluster_id(cluster_id)
        .send()
        .await
        .map_err(explain)?;
    for backup in &listed.backups {
        println!(
            "  {} {} {}",
            backup.id.as_deref().unwrap_or("?"),
            backup.name.as_deref().unwrap_or("?"),
            backup.status.as_deref().unwrap_or("?")
        );
    }

    // Restore into the same cluster.
    client
        .restore_snapshot()
        .project_id(&project_id)
        .cluster_id(cluster_id)
        .snapshot_id(&id)
        .body(types::RestoreSnapshotReq {
            target_cluster: cluster_id.clone(),
            indices: None,
            rename_pattern: None,
            rename_replacement: None,
            replace_exist_indices: None,
        })
        .send()
        .await
        .map_err(explain)?;
    println!("restore of {name} started");

    // Delete.
    client
        .delete_snapshot()
        .project_id(&project_id)
        .cluster_id(cluster_id)
        .snapshot_id(&id)
        .send()
        .await
        .map_err(explain)?;
    println!("deleted {name}");
    Ok(())
}
