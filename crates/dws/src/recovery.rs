//! After an ambiguous failure of `CreateSnapshot` (a 5xx, a timeout, a connection lost after the
//! request left), the retry layer asks here whether the snapshot exists before sending the create
//! again. Snapshot names are unique within a project (and case-insensitive), so a snapshot of the
//! same cluster with the requested name found now was made by the failed attempt, or the create
//! would have been refused as a duplicate anyway: in both cases not creating a second one is
//! right.

use snapspec_runtime::Recovery;
use snapspec_runtime::retry::{json_body, path_segments, recovered_answer};

use crate::Client;

/// The documented success status of `CreateSnapshot`.
const CREATED: u16 = 200;

/// `project_id` from a create's path `/v1.0/{project_id}/snapshots`.
fn create_path_project(url: &reqwest::Url) -> Option<String> {
    match path_segments(url)?.as_slice() {
        [_, project, leaf] if leaf == "snapshots" => Some(project.clone()),
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
    let project = create_path_project(request.url());
    let wanted = json_body(request).and_then(|body| {
        let snapshot = body.get("snapshot")?;
        let name = snapshot.get("name")?.as_str()?.to_string();
        let cluster = snapshot.get("cluster_id")?.as_str()?.to_string();
        Some((name, cluster))
    });
    Some(Box::pin(async move {
        let (project_id, (name, cluster_id)) = project.zip(wanted).ok_or(())?;
        let listed = client
            .list_snapshots()
            .project_id(project_id)
            .send()
            .await
            .map_err(|_| ())?;
        let found = listed.snapshots.iter().find(|snapshot| {
            snapshot.cluster_id == cluster_id && snapshot.name.eq_ignore_ascii_case(&name)
        });
        Ok(found.map(|snapshot| {
            recovered_answer(
                CREATED,
                &serde_json::json!({"snapshot": {"id": snapshot.id}}),
            )
        }))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_create_path_gives_the_project() {
        let url = |path: &str| reqwest::Url::parse(&format!("https://dws.example{path}")).unwrap();
        assert_eq!(
            create_path_project(&url("/v1.0/p%31/snapshots")),
            Some("p1".into())
        );
        assert_eq!(create_path_project(&url("/v1.0/p1/snapshots/s1")), None);
    }
}
