//! After an ambiguous failure of `CreateSnapshot` (a 5xx, a timeout, a connection lost after the
//! request left), the retry layer asks here whether the snapshot exists before sending the create
//! again. Snapshot names are unique within a cluster, so a snapshot with the requested name
//! found now was made by the failed attempt, or the create would have been refused as a
//! duplicate anyway: in both cases not creating a second one is right.

use snapspec_runtime::Recovery;
use snapspec_runtime::retry::{json_body, path_segments, recovered_answer};

use crate::Client;

/// The documented success status of `CreateSnapshot`.
const CREATED: u16 = 201;

/// `project_id` and `cluster_id` from a create's path
/// `/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot`.
fn create_path_ids(url: &reqwest::Url) -> Option<(String, String)> {
    match path_segments(url)?.as_slice() {
        [_, project, clusters, cluster, leaf]
            if clusters == "clusters" && leaf == "index_snapshot" =>
        {
            Some((project.clone(), cluster.clone()))
        }
        _ => None,
    }
}

/// The recovery of `operation` for the retry layer; `None` for operations without one.
pub(crate) fn recover<'a>(
    client: &'a Client,
    operation: &str,
    request: &reqwest::Request,
) -> Option<Recovery<'a>> {
    if operation != "CreateSnapshot" {
        return None;
    }
    let ids = create_path_ids(request.url());
    let name = json_body(request).and_then(|body| body.get("name")?.as_str().map(str::to_string));
    Some(Box::pin(async move {
        let ((project_id, cluster_id), name) = ids.zip(name).ok_or(())?;
        let listed = client
            .list_snapshots()
            .project_id(project_id)
            .cluster_id(cluster_id)
            .send()
            .await
            .map_err(|_| ())?;
        let found = listed
            .backups
            .iter()
            .find(|backup| backup.name.as_deref() == Some(name.as_str()));
        Ok(found.and_then(|backup| {
            let id = backup.id.as_deref()?;
            let answer = serde_json::json!({"backup": {"id": id, "name": name}});
            Some(recovered_answer(CREATED, &answer))
        }))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_create_path_gives_project_and_cluster() {
        let url = |path: &str| reqwest::Url::parse(&format!("https://css.example{path}")).unwrap();
        assert_eq!(
            create_path_ids(&url("/v1.0/p1/clusters/c%2D1/index_snapshot")),
            Some(("p1".into(), "c-1".into()))
        );
        assert_eq!(
            create_path_ids(&url("/v1.0/p1/clusters/c1/index_snapshots")),
            None
        );
        assert_eq!(
            create_path_ids(&url("/v1.0/p1/clusters/c%FF/index_snapshot")),
            None
        );
    }
}
