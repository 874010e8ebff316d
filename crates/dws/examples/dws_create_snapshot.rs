//! Creates a manual snapshot of a DWS cluster.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p snapspec-dws --example dws_create_snapshot -- cn-north-4 <cluster-id> snapshot-3 "nightly backup"
//! ```
//! To try it against the snapspec emulator instead of the cloud, set
//! `HUAWEICLOUD_SDK_REGION_DWS_CN_NORTH_4=http://127.0.0.1:8080`.

use snapspec_dws::{Client, types, vendor_error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, cluster_id, name, rest @ ..] = args.as_slice() else {
        return Err("usage: dws_create_snapshot REGION CLUSTER_ID NAME [DESCRIPTION]".into());
    };
    let client = Client::from_env(region)?;
    let project_id = client
        .project_id()
        .ok_or("HUAWEICLOUD_SDK_PROJECT_ID is not set")?
        .to_string();
    let body = types::CreateSnapshotRequestBody {
        snapshot: types::Snapshot {
            name: name.parse()?,
            cluster_id: cluster_id.clone(),
            description: rest.first().map(|d| d.parse()).transpose()?,
        },
    };
    match client
        .create_snapshot()
        .project_id(project_id)
        .body(body)
        .send()
        .await
    {
        Ok(created) => println!("{}", serde_json::to_string_pretty(&created.into_inner())?),
        Err(error) => match vendor_error(&error) {
            Some(vendor) => return Err(vendor.to_string().into()),
            None => return Err(error.to_string().into()),
        },
    }
    Ok(())
}
