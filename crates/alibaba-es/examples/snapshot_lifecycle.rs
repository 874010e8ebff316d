//! The snapshot lifecycle of an Elasticsearch instance: add a cross-cluster OSS repository, list
//! the repositories, take a manual snapshot (idempotent by its client token), turn automatic
//! snapshots on, remove the repository and list again.
//!
//! Against the snapspec emulator (`snapspec emulate` with the same two variables set):
//!
//! ```sh
//! export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIexample ALIBABA_CLOUD_ACCESS_KEY_SECRET=example-secret
//! cargo run -p snapspec-alibaba-es --example snapshot_lifecycle -- http://127.0.0.1:8080 es-cn-n6w1o1x0w001c**** es-cn-4591jumei000u****
//! ```
//!
//! Pass a region id (`cn-hangzhou`) instead of the URL to call Alibaba Cloud itself.

use snapspec_alibaba_es::{AlibabaCredentials, Client, RequestSigner, types, vendor_error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, instance, source] = args.as_slice() else {
        return Err(
            "usage: snapshot_lifecycle ENDPOINT_URL|REGION_ID INSTANCE_ID SOURCE_INSTANCE_ID"
                .into(),
        );
    };
    let client = if target.starts_with("http") {
        let credentials = AlibabaCredentials::from_env(&|name| std::env::var(name).ok())?;
        Client::with_endpoint(target, RequestSigner::alibaba(credentials, "2017-06-13"))?
    } else {
        Client::from_env(target)?
    };
    if let Err(error) = lifecycle(&client, instance, source).await {
        return Err(match vendor_error(&error) {
            Some(vendor) => vendor.to_string().into(),
            None => error.to_string().into(),
        });
    }
    Ok(())
}

async fn lifecycle(
    client: &Client,
    instance: &str,
    source: &str,
) -> Result<(), snapspec_alibaba_es::Error<types::ErrorResponse>> {
    client
        .add_snapshot_repo()
        .instance_id(instance)
        .body(types::AddSnapshotRepoRequest {
            repo_path: source.into(),
        })
        .send()
        .await?;
    let repos = client
        .list_snapshot_repos_by_instance_id()
        .instance_id(instance)
        .send()
        .await?
        .into_inner();
    for repo in &repos.result {
        println!(
            "repository {} -> {} ({})",
            repo.repo_path,
            repo.snap_warehouse.as_deref().unwrap_or("?"),
            repo.status.as_deref().unwrap_or("?")
        );
    }

    // The token makes the call idempotent: keep it to retry after a timeout.
    let token = format!("lifecycle-example-{}", std::process::id());
    for attempt in 1..=2 {
        let created = client
            .create_snapshot()
            .instance_id(instance)
            .client_token(token.as_str())
            .send()
            .await?;
        println!(
            "snapshot (attempt {attempt}, token {token}): {}",
            created.result
        );
    }

    let setting = client
        .update_snapshot_setting()
        .instance_id(instance)
        .body(types::UpdateSnapshotSettingRequest {
            enable: true,
            quartz_regex: Some("0 0 01 ? * * *".into()),
        })
        .send()
        .await?
        .into_inner()
        .result;
    println!(
        "automatic snapshots: {} at {}",
        setting.enable,
        setting.quartz_regex.as_deref().unwrap_or("-")
    );

    client
        .delete_snapshot_repo()
        .instance_id(instance)
        .repo_path(source)
        .send()
        .await?;
    let left = client
        .list_snapshot_repos_by_instance_id()
        .instance_id(instance)
        .send()
        .await?
        .into_inner()
        .result
        .len();
    println!("repositories left: {left}");
    Ok(())
}
