//! Check runs: created `in_progress` when a job starts, completed with a conclusion, output and annotations.
//! The request bodies are built by pure functions ([`completion_bodies`]) that apply GitHub's limits.

use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::GithubError;
use super::client::Installation;
use super::limits::{
    MAX_ANNOTATION_MESSAGE_CHARS, MAX_ANNOTATION_TITLE_CHARS, MAX_ANNOTATIONS_PER_REQUEST,
    MAX_CHECK_TEXT_CHARS, chunks_for_requests, trim_chars,
};
use super::request::ApiRequest;
use super::types::{CheckRunId, CommitSha, RepoName};
use crate::ids::RunId;

/// The check run's name on GitHub.
pub const CHECK_NAME: &str = "ato";

/// What a new check run says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckRun {
    pub head_sha: CommitSha,
    /// ato's run id, so a `check_run` webhook leads back to the run.
    pub external_id: RunId,
    /// The report link.
    pub details_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Conclusion {
    Success,
    Failure,
    /// ato itself could not judge (its own failure, nothing to test).
    Neutral,
    /// Superseded by a newer push: the run for the old head is closed with this.
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRunOutput {
    pub title: String,
    pub summary: String,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnnotationLevel {
    Notice,
    Warning,
    Failure,
}

/// A note on changed lines of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    /// Relative to the repository root.
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub level: AnnotationLevel,
    pub message: String,
    pub title: Option<String>,
    pub raw_details: Option<String>,
}

/// The body of `POST /repos/{o}/{r}/check-runs`.
pub fn create_body(run: &NewCheckRun) -> Value {
    let mut body = json!({
        "name": CHECK_NAME,
        "head_sha": run.head_sha,
        "status": "in_progress",
        "external_id": run.external_id,
    });
    if let Some(url) = &run.details_url {
        body["details_url"] = json!(url);
    }
    body
}

/// The bodies of the `PATCH` requests that complete a check run: at most 50 annotations each; the output
/// (trimmed to GitHub's limits) on every one, since GitHub requires title and summary with annotations; the
/// status and conclusion on the last only, so the run is not shown finished before its annotations are in.
pub fn completion_bodies(
    conclusion: Conclusion,
    output: &CheckRunOutput,
    annotations: &[Annotation],
) -> Vec<Value> {
    let mut output_json = json!({
        "title": trim_chars(&output.title, MAX_ANNOTATION_TITLE_CHARS),
        "summary": trim_chars(&output.summary, MAX_CHECK_TEXT_CHARS),
    });
    if let Some(text) = &output.text {
        output_json["text"] = json!(trim_chars(text, MAX_CHECK_TEXT_CHARS));
    }
    let chunks = chunks_for_requests(annotations, MAX_ANNOTATIONS_PER_REQUEST);
    let last = chunks.len() - 1;
    chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let mut output = output_json.clone();
            if !chunk.is_empty() {
                output["annotations"] = Value::Array(chunk.iter().map(annotation_json).collect());
            }
            let mut body = json!({ "output": output });
            if index == last {
                body["status"] = json!("completed");
                body["conclusion"] = json!(conclusion);
            }
            body
        })
        .collect()
}

fn annotation_json(annotation: &Annotation) -> Value {
    let start = annotation.start_line.max(1);
    let mut value = json!({
        "path": annotation.path,
        "start_line": start,
        "end_line": annotation.end_line.max(start),
        "annotation_level": annotation.level,
        "message": trim_chars(&annotation.message, MAX_ANNOTATION_MESSAGE_CHARS),
    });
    if let Some(title) = &annotation.title {
        value["title"] = json!(trim_chars(title, MAX_ANNOTATION_TITLE_CHARS));
    }
    if let Some(details) = &annotation.raw_details {
        value["raw_details"] = json!(trim_chars(details, MAX_ANNOTATION_MESSAGE_CHARS));
    }
    value
}

impl Installation {
    /// Creates the `ato` check run, `in_progress`.
    pub async fn create_check_run(
        &self,
        repo: &RepoName,
        run: &NewCheckRun,
    ) -> Result<CheckRunId, GithubError> {
        #[derive(Deserialize)]
        struct Created {
            id: CheckRunId,
        }
        let request = ApiRequest::new(Method::POST, format!("{}/check-runs", repo.api_path()))
            .with_body(create_body(run));
        let created: Created = self.json(&request).await?;
        Ok(created.id)
    }

    /// This app's `ato` check runs on `head_sha` still in progress, with their external ids (ato's run ids).
    /// A process that died in the middle of a job leaves one behind; the job's next attempt closes it.
    pub async fn in_progress_check_runs(
        &self,
        repo: &RepoName,
        head_sha: &CommitSha,
    ) -> Result<Vec<(CheckRunId, Option<RunId>)>, GithubError> {
        #[derive(Deserialize)]
        struct App {
            id: u64,
        }
        #[derive(Deserialize)]
        struct Run {
            id: CheckRunId,
            name: String,
            status: String,
            external_id: Option<RunId>,
            app: Option<App>,
        }
        #[derive(Deserialize)]
        struct Listed {
            check_runs: Vec<Run>,
        }
        let app_id = self.app().app_id();
        let path = format!(
            "{}/commits/{}/check-runs?check_name={CHECK_NAME}&status=in_progress&app_id={app_id}&per_page=100",
            repo.api_path(),
            head_sha.as_str()
        );
        let listed: Listed = self.json(&ApiRequest::new(Method::GET, path)).await?;
        Ok(listed
            .check_runs
            .into_iter()
            .filter(|run| run.name == CHECK_NAME && run.status == "in_progress")
            .filter(|run| run.app.as_ref().is_none_or(|app| app.id == app_id))
            .map(|run| (run.id, run.external_id))
            .collect())
    }

    /// Completes a check run, sending the annotations 50 per request (see [`completion_bodies`]).
    pub async fn complete_check_run(
        &self,
        repo: &RepoName,
        id: CheckRunId,
        conclusion: Conclusion,
        output: &CheckRunOutput,
        annotations: &[Annotation],
    ) -> Result<(), GithubError> {
        let path = format!("{}/check-runs/{id}", repo.api_path());
        for body in completion_bodies(conclusion, output, annotations) {
            self.send_ok(&ApiRequest::new(Method::PATCH, path.clone()).with_body(body))
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations(count: u32) -> Vec<Annotation> {
        (1..=count)
            .map(|line| Annotation {
                path: "pkg/calc.py".into(),
                start_line: line,
                end_line: line,
                level: AnnotationLevel::Warning,
                message: format!("finding {line}"),
                title: None,
                raw_details: None,
            })
            .collect()
    }

    fn output(summary: String) -> CheckRunOutput {
        CheckRunOutput {
            title: "ato: 1 failure".into(),
            summary,
            text: Some("details".into()),
        }
    }

    #[test]
    fn many_annotations_are_split_and_only_the_last_request_completes() {
        let bodies = completion_bodies(Conclusion::Failure, &output("s".into()), &annotations(120));
        let counts: Vec<usize> = bodies
            .iter()
            .map(|b| b["output"]["annotations"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(counts, vec![50, 50, 20]);
        assert!(
            bodies[..2]
                .iter()
                .all(|b| b.get("status").is_none() && b.get("conclusion").is_none())
        );
        assert_eq!(bodies[2]["status"], "completed");
        assert_eq!(bodies[2]["conclusion"], "failure");
        assert_eq!(bodies[1]["output"]["annotations"][0]["start_line"], 51);
    }

    #[test]
    fn no_annotations_is_one_request() {
        let bodies = completion_bodies(Conclusion::Neutral, &output("s".into()), &[]);
        assert_eq!(bodies.len(), 1);
        assert_eq!(bodies[0]["conclusion"], "neutral");
        let cancelled = completion_bodies(Conclusion::Cancelled, &output("s".into()), &[]);
        assert_eq!(cancelled[0]["conclusion"], "cancelled");
        assert!(bodies[0]["output"].get("annotations").is_none());
    }

    #[test]
    fn long_summaries_are_trimmed() {
        let bodies = completion_bodies(Conclusion::Success, &output("x".repeat(70_000)), &[]);
        let summary = bodies[0]["output"]["summary"].as_str().unwrap();
        assert_eq!(summary.chars().count(), MAX_CHECK_TEXT_CHARS);
    }

    #[test]
    fn the_created_run_is_in_progress() {
        let sha = CommitSha::parse(&"ab".repeat(20)).unwrap();
        let body = create_body(&NewCheckRun {
            head_sha: sha,
            external_id: "run-7".into(),
            details_url: None,
        });
        assert_eq!(body["status"], "in_progress");
        assert_eq!(body["name"], "ato");
        assert_eq!(body["external_id"], "run-7");
        assert!(body.get("details_url").is_none());
    }
}
