//! The model's tests for one runner: ask (on the host, concurrently with the builtin run), then validate in the
//! runner's sandbox, repair what failed, validate again, and settle the funnel (src/generate).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::generate::funnel::{self, Final};
use crate::generate::validation::{self, Checked};
use crate::generate::{self, Draft, ModelSettings, TokenBudget, TreeView, cache};
use crate::lang::ProjectFiles;
use crate::llm::{self, LlmClient};
use crate::model::{
    Candidate, CandidateStage, FileCoverage, GeneratedFile, ModelTests, ModelUsage, TargetFile,
};
use crate::plan::select;
use crate::safe_tar;
use crate::sandbox::{Job, Outcome};

use super::container::Container;
use super::workspace::PlanCandidate;
use super::{EngineError, Source};

/// The questions asked and answered before validation.
pub struct Asked {
    drafts: Vec<Draft>,
    usage: ModelUsage,
    notes: Vec<String>,
    client: Option<LlmClient>,
    tokens: TokenBudget,
}

/// What the model phase adds to a runner's result.
pub struct ModelRun {
    pub tests: ModelTests,
    pub generated: Vec<GeneratedFile>,
    /// `(repo path, contents)` of the kept modules, for the patch.
    pub sources: Vec<(String, String)>,
}

/// Asks the model for a module per changed symbol (the cache answers for unchanged files).
pub async fn ask(
    settings: &ModelSettings,
    targets: &[TargetFile],
    source: &Source,
) -> Result<Asked, EngineError> {
    let view = {
        let source = source.clone();
        let targets = targets.to_vec();
        tokio::task::spawn_blocking(move || tree_view(&source, &targets))
            .await
            .map_err(|err| EngineError::Internal(format!("reading the tree failed: {err}")))??
    };
    let mut usage = ModelUsage::default();
    let (mut drafts, notes) = generate::drafts(targets, &view, settings, &mut usage);
    let tokens = TokenBudget::new(settings.budget.max_tokens);
    let mut asked = Asked {
        drafts: Vec::new(),
        usage,
        notes,
        client: None,
        tokens,
    };
    let client = match LlmClient::new(&settings.config) {
        Ok(client) => client,
        Err(err) => {
            for draft in drafts.iter_mut().filter(|d| d.code.is_none()) {
                draft.error = Some(err.to_string());
            }
            asked.drafts = drafts;
            return Ok(asked);
        }
    };
    let open: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].code.is_none())
        .collect();
    let questions = open
        .iter()
        .map(|&i| (drafts[i].language, drafts[i].prompt.clone()))
        .collect();
    let answers = generate::ask_all(
        &client,
        questions,
        settings.config.concurrency,
        &asked.tokens,
        &mut asked.usage,
    )
    .await;
    for (i, answer) in open.into_iter().zip(answers) {
        match answer {
            Ok(code) => drafts[i].code = Some(code),
            Err(why) => drafts[i].error = Some(why),
        }
    }
    asked.drafts = drafts;
    asked.client = Some(client);
    Ok(asked)
}

/// Validates the answers in the sandbox, repairs what does not build or pass (at most `max_repairs` times per
/// module, never for cached answers), and settles the funnel. `baseline` is the builtin tests' coverage; the
/// modules are kept under the container's output folder.
pub async fn validate(
    mut asked: Asked,
    settings: &ModelSettings,
    container: &Container<'_>,
    targets: &[TargetFile],
    baseline: &[FileCoverage],
) -> Result<ModelRun, EngineError> {
    let mut last: BTreeMap<String, Checked> = BTreeMap::new();
    let mut pending: Vec<usize> = (0..asked.drafts.len())
        .filter(|&i| asked.drafts[i].code.is_some())
        .collect();
    for round in 0..=settings.max_repairs {
        if pending.is_empty() {
            break;
        }
        container.progress(&format!(
            "validating {} model-written test module(s) in the {} runner…",
            pending.len(),
            container.runner.name()
        ));
        let checked = run_round(container, targets, &asked.drafts, &pending, round).await?;
        let mut repair = Vec::new();
        for &i in &pending {
            let draft = &mut asked.drafts[i];
            let result = checked.get(&draft.id).cloned().unwrap_or_else(|| Checked {
                id: draft.id.clone(),
                error: Some("the runner did not report this module".into()),
                ..Checked::default()
            });
            draft.error = result.error.clone();
            let judgement = funnel::judge(&result);
            last.insert(draft.id.clone(), result);
            if funnel::needs_repair(judgement) && !draft.cached && round < settings.max_repairs {
                repair.push(i);
            }
        }
        pending = repair_all(&mut asked, settings, &repair).await;
    }
    remember(&asked.drafts, settings);
    Ok(settle(
        asked,
        settings,
        &last,
        targets,
        baseline,
        &container.out_dir,
    ))
}

/// Sends the failing modules back with their errors; returns those that came back with new code.
async fn repair_all(asked: &mut Asked, settings: &ModelSettings, which: &[usize]) -> Vec<usize> {
    let Some(client) = asked.client.clone() else {
        return Vec::new();
    };
    let questions = which
        .iter()
        .map(|&i| {
            let draft = &asked.drafts[i];
            let (messages, redacted) = llm::prompt::repair_messages(
                &draft.prompt,
                draft.code.as_deref().unwrap_or_default(),
                draft.error.as_deref().unwrap_or("the tests failed"),
            );
            asked.usage.redactions += redacted as u32;
            (draft.language, messages)
        })
        .collect();
    let answers = generate::ask_all(
        &client,
        questions,
        settings.config.concurrency,
        &asked.tokens,
        &mut asked.usage,
    )
    .await;
    let mut repaired = Vec::new();
    for (&i, answer) in which.iter().zip(answers) {
        asked.usage.repairs += 1;
        let draft = &mut asked.drafts[i];
        draft.repairs += 1;
        match answer {
            Ok(code) => {
                draft.code = Some(code);
                repaired.push(i);
            }
            Err(why) => {
                let before = draft.error.take().unwrap_or_default();
                draft.error = Some(format!("{before}\n(the repair failed: {why})"));
            }
        }
    }
    repaired
}

/// One validate-mode container over the pending drafts.
async fn run_round(
    container: &Container<'_>,
    targets: &[TargetFile],
    drafts: &[Draft],
    pending: &[usize],
    round: u32,
) -> Result<BTreeMap<String, Checked>, EngineError> {
    let candidates: Vec<PlanCandidate> = pending
        .iter()
        .map(|&i| PlanCandidate {
            id: drafts[i].id.clone(),
            file: drafts[i].placement.workspace_file.clone(),
            target: drafts[i].target(),
        })
        .collect();
    let files: Vec<(String, Vec<u8>)> = pending
        .iter()
        .map(|&i| {
            let d = &drafts[i];
            let code = d.code.clone().unwrap_or_default();
            (d.placement.workspace_file.clone(), code.into_bytes())
        })
        .collect();
    let tar = container.workspace(targets, candidates, files).await?;
    let job: Job = container.job(tar);
    let finished = container
        .run
        .sandbox
        .run(job, container.run.cancel)
        .await
        .map_err(EngineError::Sandbox)?;
    let dest = container.out_dir.join(format!("validate-{}", round + 1));
    let failure = |why: String| -> BTreeMap<String, Checked> {
        pending
            .iter()
            .map(|&i| {
                let id = drafts[i].id.clone();
                let checked = Checked {
                    id: id.clone(),
                    error: Some(why.clone()),
                    ..Checked::default()
                };
                (id, checked)
            })
            .collect()
    };
    let why = match finished.outcome {
        Outcome::Exited { code: 0 } => None,
        Outcome::Exited { code } => Some(format!("the validation run crashed (exit {code})")),
        Outcome::TimedOut => Some("the validation run passed its time limit".to_string()),
        Outcome::OutOfMemory => Some("the validation run ran out of memory".to_string()),
    };
    if let Some(why) = why {
        return Ok(failure(why));
    }
    let Some(results) = finished.results_tar.as_deref() else {
        return Ok(failure("the validation run wrote no results".into()));
    };
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::create_dir_all(&dest)
        .map_err(|err| EngineError::Internal(format!("cannot create {}: {err}", dest.display())))?;
    let limits = safe_tar::Limits {
        strip_components: 1,
        links: safe_tar::LinkPolicy::RefuseAll,
        ..safe_tar::Limits::default()
    };
    if let Err(err) = safe_tar::unpack(results, &dest, &limits) {
        return Ok(failure(format!(
            "the validation results were refused: {err}"
        )));
    }
    Ok(validation::read(&dest).unwrap_or_else(failure))
}

/// Keeps each module's last version, so an unchanged file is answered from the cache next time.
fn remember(drafts: &[Draft], settings: &ModelSettings) {
    for draft in drafts.iter().filter(|d| !d.cached) {
        let Some(code) = &draft.code else { continue };
        let entry = cache::Entry {
            code: code.clone(),
            repairs: draft.repairs,
        };
        if let Err(err) = settings.cache.put(&draft.cache_key, &entry) {
            tracing::warn!(%err, "cannot write the model cache");
        }
    }
}

fn settle(
    asked: Asked,
    settings: &ModelSettings,
    last: &BTreeMap<String, Checked>,
    targets: &[TargetFile],
    baseline: &[FileCoverage],
    runner_out: &Path,
) -> ModelRun {
    let changed: funnel::Lines = targets
        .iter()
        .map(|t| (t.path.clone(), t.changed_lines.iter().copied().collect()))
        .collect();
    let covered: funnel::Lines = baseline
        .iter()
        .map(|c| {
            (
                c.path.clone(),
                c.covered.iter().copied().collect::<BTreeSet<_>>(),
            )
        })
        .collect();
    let finals: Vec<Final> = asked
        .drafts
        .iter()
        .map(|d| Final {
            checked: d.code.as_ref().and_then(|_| last.get(&d.id)),
        })
        .collect();
    let settled = funnel::settle(&finals, &changed, covered);
    let mut counted = Vec::new();
    let mut candidates = Vec::new();
    let mut generated = Vec::new();
    let mut sources = Vec::new();
    let mut notes = asked.notes;
    let folder = format!("runners/{}/llm", targets_runner(targets));
    for (draft, (stage, new_lines)) in asked.drafts.iter().zip(settled) {
        let checked = last.get(&draft.id);
        let runs = checked.map(|c| c.runs.clone()).unwrap_or_default();
        counted.push((stage, runs.first().copied()));
        let name = draft
            .placement
            .workspace_file
            .trim_start_matches("candidates/")
            .to_string();
        let file = draft.code.as_ref().and_then(|code| {
            let path = runner_out.join("llm").join(&name);
            let written = std::fs::create_dir_all(runner_out.join("llm"))
                .and_then(|()| std::fs::write(&path, code));
            match written {
                Ok(()) => Some(format!("{folder}/{name}")),
                Err(err) => {
                    notes.push(format!("cannot keep {name}: {err}"));
                    None
                }
            }
        });
        if stage == CandidateStage::Kept
            && let (Some(file), Some(code)) = (&file, &draft.code)
        {
            generated.push(GeneratedFile {
                path: file.clone(),
                repo_path: draft.placement.repo_path.clone(),
                in_patch: true,
            });
            sources.push((draft.placement.repo_path.clone(), code.clone()));
        }
        candidates.push(Candidate {
            target: draft.target(),
            stage,
            file,
            repo_path: draft.placement.repo_path.clone(),
            repairs: draft.repairs,
            runs,
            new_lines,
            error: match stage {
                CandidateStage::Kept | CandidateStage::NoNewCoverage => None,
                _ => draft.error.clone(),
            },
            cached: draft.cached,
        });
    }
    ModelRun {
        tests: ModelTests {
            model: settings.config.model.clone(),
            funnel: funnel::count(&counted),
            usage: asked.usage,
            candidates,
            notes,
        },
        generated,
        sources,
    }
}

fn targets_runner(targets: &[TargetFile]) -> &'static str {
    targets
        .first()
        .map_or("python", |t| t.language.runner().name())
}

/// Reads what the prompts need from the head tree: the diff, the target files, the existing tests and one style
/// example per target.
fn tree_view(source: &Source, targets: &[TargetFile]) -> Result<TreeView, EngineError> {
    let mut view = TreeView {
        diff: source.diff_text()?,
        ..TreeView::default()
    };
    for path in source.head_files()? {
        if let Some(language) = select::language_of(&path)
            && select::test_reason(&path).is_some()
        {
            view.test_files.push((path, language));
        }
    }
    for path in ProjectFiles::wanted() {
        if let Some(text) = source.read_head(path) {
            view.project.insert(path, text);
        }
    }
    for target in targets {
        if let Some(text) = source.read_head(&target.path) {
            view.texts.insert(target.path.clone(), text);
        }
        if let Some(example) =
            generate::context::example_test(target.language, &target.path, &view.test_files)
            && let Some(text) = source.read_head(example)
        {
            view.texts.insert(example.to_string(), text);
        }
    }
    Ok(view)
}
