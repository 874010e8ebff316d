//! Creates a cross-cluster OSS snapshot reference repository on an Elasticsearch instance.
//!
//! ```sh
//! export ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=...
//! cargo run -p snapspec-alibaba-es --example add_snapshot_repo -- cn-hangzhou <instance-id> <source-instance-id>
//! ```
//! To try it against the snapspec emulator, pass its address as a fourth argument
//! (`http://127.0.0.1:8080`).

use snapspec_alibaba_es::{Client, RequestSigner, types, vendor_error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, instance_id, repo_path, rest @ ..] = args.as_slice() else {
        return Err("usage: add_snapshot_repo REGION_ID INSTANCE_ID REPO_PATH [ENDPOINT]".into());
    };
    let client = match rest.first() {
        Some(endpoint) => {
            let credentials =
                snapspec_auth::AlibabaCredentials::from_env(&|name| std::env::var(name).ok())?;
            Client::with_endpoint(endpoint, RequestSigner::alibaba(credentials, "2017-06-13"))?
        }
        None => Client::from_env(region)?,
    };
    let body = types::AddSnapshotRepoRequest {
        repo_path: repo_path.clone(),
    };
    match client
        .add_snapshot_repo()
        .instance_id(instance_id)
        .body(body)
        .send()
        .await
    {
        Ok(added) => println!("{}", serde_json::to_string_pretty(&added.into_inner())?),
        Err(error) => match vendor_error(&error) {
            Some(vendor) => return Err(vendor.to_string().into()),
            None => return Err(error.to_string().into()),
        },
    }
    Ok(())
}
