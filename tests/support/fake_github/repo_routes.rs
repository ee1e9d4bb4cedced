//! The fake's answers under `/repos/{owner}/{repo}/...`, in GitHub's shapes.

use axum::body::Body;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};

use super::handlers::{error, ok, paginate, query};
use super::{APP_ID, BOT_LOGIN, FakeCheckRun, FakeComment, Model, Shared, Write};

pub(super) fn repo_route(
    state: &Shared,
    model: &mut Model,
    full_name: &str,
    method: &Method,
    rest: &[&str],
    uri: &Uri,
    body: Value,
) -> Response {
    let new_id = model.next_id();
    let repo = model.repo(full_name);
    let number = |s: &str| s.parse::<u64>().ok();
    match (method.as_str(), rest) {
        ("GET", []) => ok(
            StatusCode::OK,
            json!({ "full_name": full_name, "default_branch": repo.default_branch, "private": true }),
        ),
        ("GET", ["pulls", n]) => match number(n).and_then(|n| repo.pulls.get(&n).map(|p| (n, p))) {
            Some((n, pull)) => ok(
                StatusCode::OK,
                json!({
                    "number": n, "state": pull.state, "draft": pull.draft, "changed_files": pull.files.len(),
                    "head": { "sha": pull.head_sha, "ref": "feature" },
                    "base": { "sha": pull.base_sha, "ref": repo.default_branch },
                }),
            ),
            None => error(StatusCode::NOT_FOUND, "Not Found"),
        },
        ("GET", ["pulls", n, "files"]) => match number(n).and_then(|n| repo.pulls.get(&n)) {
            Some(pull) => {
                let files = pull
                    .files
                    .iter()
                    .map(|f| pr_file(f, pull.patches.get(f).map(String::as_str)))
                    .collect();
                paginate(state, uri, files)
            }
            None => error(StatusCode::NOT_FOUND, "Not Found"),
        },
        ("GET", ["collaborators", user, "permission"]) => match repo.permissions.get(*user) {
            Some(role) => {
                let legacy = match role.as_str() {
                    "maintain" => "write",
                    "triage" => "read",
                    other => other,
                };
                ok(
                    StatusCode::OK,
                    json!({ "permission": legacy, "role_name": role, "user": { "login": user } }),
                )
            }
            None => error(StatusCode::NOT_FOUND, "Not Found"),
        },
        ("GET", ["contents", path @ ..]) => {
            let git_ref = query(uri)
                .get("ref")
                .cloned()
                .unwrap_or_else(|| repo.default_branch.clone());
            match repo.files.get(&(git_ref, path.join("/"))) {
                Some(bytes) => {
                    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                    let wrapped: Vec<String> = encoded
                        .as_bytes()
                        .chunks(60)
                        .map(|c| String::from_utf8(c.to_vec()).unwrap())
                        .collect();
                    ok(
                        StatusCode::OK,
                        json!({ "type": "file", "encoding": "base64", "path": path.join("/"), "content": wrapped.join("\n") + "\n" }),
                    )
                }
                None => error(StatusCode::NOT_FOUND, "Not Found"),
            }
        }
        ("GET", ["tarball", sha]) => {
            let location = format!("{}/{full_name}/legacy.tar.gz/{sha}", state.codeload_url);
            Response::builder()
                .status(StatusCode::FOUND)
                .header(header::LOCATION, location)
                .body(Body::empty())
                .unwrap()
        }
        ("POST", ["check-runs"]) => {
            let (Some(name), Some(head_sha)) = (body["name"].as_str(), body["head_sha"].as_str())
            else {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid request: name and head_sha are required",
                );
            };
            let run = FakeCheckRun {
                id: new_id,
                name: name.into(),
                head_sha: head_sha.into(),
                status: body["status"].as_str().unwrap_or("queued").into(),
                created_status: body["status"].as_str().unwrap_or("queued").into(),
                external_id: body["external_id"].as_str().map(Into::into),
                details_url: body["details_url"].as_str().map(Into::into),
                ..FakeCheckRun::default()
            };
            repo.writes.push(Write::CheckRunCreated {
                id: new_id,
                head_sha: run.head_sha.clone(),
                status: run.status.clone(),
            });
            repo.check_runs.push(run);
            ok(
                StatusCode::CREATED,
                json!({ "id": new_id, "name": name, "head_sha": head_sha, "status": body["status"] }),
            )
        }
        ("GET", ["commits", sha, "check-runs"]) => {
            let params = query(uri);
            let wanted = |key: &str, value: &str| params.get(key).is_none_or(|v| v == value);
            let runs: Vec<Value> = repo
                .check_runs
                .iter()
                .filter(|r| r.head_sha == *sha && wanted("check_name", &r.name))
                .filter(|r| wanted("status", &r.status) && wanted("app_id", &APP_ID.to_string()))
                .map(|r| {
                    json!({
                        "id": r.id, "name": r.name, "head_sha": r.head_sha, "status": r.status,
                        "conclusion": r.conclusion, "external_id": r.external_id,
                        "app": { "id": APP_ID, "slug": "ato-test" },
                    })
                })
                .collect();
            ok(
                StatusCode::OK,
                json!({ "total_count": runs.len(), "check_runs": runs }),
            )
        }
        ("PATCH", ["check-runs", id]) => {
            let Some(run) =
                number(id).and_then(|id| repo.check_runs.iter_mut().find(|r| r.id == id))
            else {
                return error(StatusCode::NOT_FOUND, "Not Found");
            };
            let response = update_check_run(run, &body);
            if response.status().is_success() {
                let write = Write::CheckRunUpdated {
                    id: run.id,
                    head_sha: run.head_sha.clone(),
                    status: run.status.clone(),
                    conclusion: run.conclusion.clone(),
                    title: run.title.clone(),
                };
                repo.writes.push(write);
            }
            response
        }
        ("GET", ["issues", n, "comments"]) => {
            let issue = number(n).unwrap_or(0);
            let comments = repo
                .comments
                .iter()
                .filter(|c| c.issue == issue)
                .map(comment_json)
                .collect();
            paginate(state, uri, comments)
        }
        ("POST", ["issues", n, "comments"]) => {
            let Some(text) = body["body"].as_str() else {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Invalid request: body is required",
                );
            };
            if text.chars().count() > 65_536 {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Body is too long (maximum is 65536 characters)",
                );
            }
            let comment = FakeComment {
                id: new_id,
                issue: number(n).unwrap_or(0),
                body: text.into(),
                login: BOT_LOGIN.into(),
                user_type: "Bot".into(),
                app_id: Some(APP_ID),
                reactions: Vec::new(),
            };
            let answer = comment_json(&comment);
            repo.writes.push(Write::CommentPosted {
                id: comment.id,
                issue: comment.issue,
                body: comment.body.clone(),
            });
            repo.comments.push(comment);
            ok(StatusCode::CREATED, answer)
        }
        ("PATCH", ["issues", "comments", id]) => {
            let Some(comment) =
                number(id).and_then(|id| repo.comments.iter_mut().find(|c| c.id == id))
            else {
                return error(StatusCode::NOT_FOUND, "Not Found");
            };
            match body["body"].as_str() {
                Some(text) if text.chars().count() <= 65_536 => {
                    comment.body = text.into();
                    let answer = comment_json(comment);
                    let write = Write::CommentEdited {
                        id: comment.id,
                        issue: comment.issue,
                        body: comment.body.clone(),
                    };
                    repo.writes.push(write);
                    ok(StatusCode::OK, answer)
                }
                _ => error(StatusCode::UNPROCESSABLE_ENTITY, "Invalid request: body"),
            }
        }
        ("POST", ["issues", "comments", id, "reactions"]) => {
            let Some(comment) =
                number(id).and_then(|id| repo.comments.iter_mut().find(|c| c.id == id))
            else {
                return error(StatusCode::NOT_FOUND, "Not Found");
            };
            let content = body["content"].as_str().unwrap_or_default().to_owned();
            let status = if comment.reactions.contains(&content) {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            if status == StatusCode::CREATED {
                comment.reactions.push(content.clone());
            }
            let comment_id = comment.id;
            repo.writes.push(Write::ReactionAdded {
                comment_id,
                content: content.clone(),
            });
            ok(
                status,
                json!({ "id": new_id, "content": content, "user": { "login": BOT_LOGIN } }),
            )
        }
        _ => error(StatusCode::NOT_FOUND, "Not Found"),
    }
}

/// Applies a check-run PATCH the way GitHub does: annotations are appended, at most 50 per request.
fn update_check_run(run: &mut FakeCheckRun, body: &Value) -> Response {
    let output = &body["output"];
    let annotations = output["annotations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if annotations.len() > 50 {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Only 50 annotations are allowed per request",
        );
    }
    for field in ["summary", "text"] {
        if output[field]
            .as_str()
            .is_some_and(|s| s.chars().count() > 65_535)
        {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("output.{field} is too long (maximum is 65535 characters)"),
            );
        }
    }
    if !annotations.is_empty() && (output["title"].is_null() || output["summary"].is_null()) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "output.title and output.summary are required",
        );
    }
    run.updates += 1;
    run.annotations.extend(annotations);
    if let Some(status) = body["status"].as_str() {
        run.status = status.into();
    }
    if let Some(conclusion) = body["conclusion"].as_str() {
        run.conclusion = Some(conclusion.into());
        run.status = "completed".into();
    }
    for (field, slot) in [
        ("title", &mut run.title),
        ("summary", &mut run.summary),
        ("text", &mut run.text),
    ] {
        if let Some(value) = output[field].as_str() {
            *slot = Some(value.into());
        }
    }
    ok(
        StatusCode::OK,
        json!({ "id": run.id, "status": run.status, "conclusion": run.conclusion }),
    )
}

/// One entry of `GET /pulls/{n}/files`: the given patch with its counts, else a one-line dummy change.
fn pr_file(filename: &str, patch: Option<&str>) -> Value {
    let patch = patch.unwrap_or("@@ -1 +1 @@\n-a\n+b");
    let count = |sign: char| {
        patch
            .lines()
            .filter(|l| l.starts_with(sign) && !l.starts_with("+++") && !l.starts_with("---"))
            .count()
    };
    let (additions, deletions) = (count('+'), count('-'));
    json!({
        "filename": filename, "status": "modified", "additions": additions, "deletions": deletions,
        "changes": additions + deletions, "patch": patch,
    })
}

fn comment_json(comment: &FakeComment) -> Value {
    let app = comment
        .app_id
        .map(|id| json!({ "id": id, "slug": "ato-test" }));
    json!({
        "id": comment.id,
        "body": comment.body,
        "user": { "login": comment.login, "type": comment.user_type },
        "performed_via_github_app": app,
    })
}
