//! Creates a manual snapshot of a CSS cluster.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run -p snapspec-css --example css_create_snapshot -- cn-north-4 <cluster-id> snapshot_001 myindex1,myindex2
//! ```
//! To try it against the snapspec emulator instead of the cloud, set
//! `HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4=http://127.0.0.1:8080`.

use snapspec_css::{Client, types, vendor_error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, cluster_id, name, rest @ ..] = args.as_slice() else {
        return Err("usage: css_create_snapshot REGION CLUSTER_ID NAME [INDICES]".into());
    };
    let client = Client::from_env(region)?;
    let project_id = client
        .project_id()
        .ok_or("HUAWEICLOUD_SDK_PROJECT_ID is not set")?
        .to_string();
    let body = types::CreateSnapshotReq {
        name: name.parse()?,
        indices: rest.first().map(|i| i.parse()).transpose()?,
        description: None,
    };
    match client
        .create_snapshot()
        .project_id(project_id)
        .cluster_id(cluster_id)
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
