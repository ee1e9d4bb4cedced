//! Tests written by a language model, and the funnel that decides which of them are worth offering.
//!
//! The host asks the model (it has the network; the sandbox never does) for one test module per changed symbol,
//! concurrently up to `LLM_CONCURRENCY`, within the run's budget, answering from the cache when the file has not
//! changed. The engine then validates the modules in the runner's sandbox ([`validation`]), sends the failing
//! ones back for repair, and settles the [`funnel`].

pub(crate) mod cache;
pub(crate) mod context;
pub(crate) mod funnel;
pub(crate) mod validation;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::StreamExt;

use crate::lang::{self, ProjectFiles};
use crate::llm::{self, LlmClient, LlmConfig, Message};
use crate::model::{Language, ModelUsage, TargetFile};
use crate::repo_config::Generation;

use cache::Cache;
use context::Placement;

/// Default number of target files a run may send to the model.
pub const DEFAULT_MAX_FILES: usize = 20;
/// Default number of tokens (prompt and answer) a run may spend.
pub const DEFAULT_MAX_TOKENS: u64 = 400_000;
/// Default repairs per module.
pub const DEFAULT_REPAIRS: u32 = 2;

/// Everything about the model for a run.
#[derive(Debug, Clone)]
pub struct ModelSettings {
    pub config: LlmConfig,
    pub cache: Cache,
    pub budget: Budget,
    pub max_repairs: u32,
}

/// What one run may spend on the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub max_files: usize,
    pub max_tokens: u64,
}

impl ModelSettings {
    /// From the environment (`LLM_*`, `ATO_LLM_MAX_FILES`, `ATO_LLM_MAX_TOKENS`, `ATO_LLM_REPAIRS`); `None`
    /// when no model is configured. The cache lives under `data_dir`.
    pub fn from_env(data_dir: Option<&Path>) -> Result<Option<ModelSettings>, String> {
        Self::from_lookup(&|name| std::env::var(name).ok(), data_dir)
    }

    pub fn from_lookup(
        get: &dyn Fn(&str) -> Option<String>,
        data_dir: Option<&Path>,
    ) -> Result<Option<ModelSettings>, String> {
        let Some(config) = LlmConfig::from_lookup(get).map_err(|err| err.to_string())? else {
            return Ok(None);
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match get(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| format!("{name} must be a whole number, not {v:?}")),
            }
        };
        Ok(Some(ModelSettings {
            config,
            cache: data_dir.map_or_else(Cache::disabled, Cache::under),
            budget: Budget {
                max_files: number("ATO_LLM_MAX_FILES", DEFAULT_MAX_FILES as u64)? as usize,
                max_tokens: number("ATO_LLM_MAX_TOKENS", DEFAULT_MAX_TOKENS)?,
            },
            max_repairs: number("ATO_LLM_REPAIRS", u64::from(DEFAULT_REPAIRS))? as u32,
        }))
    }
}

/// What the host knows about the head tree, read once per run.
#[derive(Debug, Default)]
pub struct TreeView {
    /// The whole diff between base and head.
    pub diff: String,
    /// Head texts of the target files and of the style example, by path.
    pub texts: BTreeMap<String, String>,
    /// Test files already in the head tree, with their language.
    pub test_files: Vec<(String, Language)>,
    /// The head tree's root files the languages read to choose their test framework (`package.json`).
    pub project: ProjectFiles,
}

/// One symbol's module on its way through the funnel.
#[derive(Debug, Clone)]
pub struct Draft {
    /// `c1`, `c2`…: the candidate's id in the runner protocol.
    pub id: String,
    pub path: String,
    pub symbol: String,
    pub language: Language,
    pub placement: Placement,
    pub cache_key: String,
    /// The first question; repairs extend it.
    pub prompt: Vec<Message>,
    pub code: Option<String>,
    /// Why there is no code, or the last version's failure.
    pub error: Option<String>,
    pub cached: bool,
    pub repairs: u32,
}

impl Draft {
    pub fn target(&self) -> String {
        format!("{}::{}", self.path, self.symbol)
    }
}

/// The drafts for a runner's targets, within the file budget, with the cache consulted; also the notes for the
/// report and the count of secrets redacted from the prompts.
pub fn drafts(
    targets: &[TargetFile],
    view: &TreeView,
    settings: &ModelSettings,
    usage: &mut ModelUsage,
) -> (Vec<Draft>, Vec<String>) {
    let mut drafts = Vec::new();
    let mut notes = Vec::new();
    let mut files = 0;
    for target in targets {
        if llm::redact::is_secret_file(&target.path) {
            notes.push(format!(
                "{} was not sent to the model: its name marks it as secret",
                target.path
            ));
            continue;
        }
        let Some(text) = view.texts.get(&target.path) else {
            continue;
        };
        if target.symbols.is_empty() {
            continue;
        }
        if files == settings.budget.max_files {
            notes.push(format!(
                "the model was asked about the first {} files only (ATO_LLM_MAX_FILES); {} was left out",
                settings.budget.max_files, target.path
            ));
            continue;
        }
        files += 1;
        let file_diff = context::file_diff(&view.diff, &target.path);
        let language = lang::of(target.language);
        let imports = language.imports(text).join("\n");
        let module = language.module_path(&target.path, text);
        let example = context::example_test(target.language, &target.path, &view.test_files)
            .filter(|p| !llm::redact::is_secret_file(p))
            .and_then(|p| view.texts.get(p).map(|t| (p, t.as_str())));
        let framework = language.framework(&view.project);
        for symbol in &target.symbols {
            let source = context::symbol_source(text, symbol);
            let input = llm::prompt::PromptInput {
                language: target.language,
                path: &target.path,
                symbol: &symbol.name,
                source: &source,
                diff: &file_diff,
                imports: &imports,
                framework,
                module: &module,
                example,
            };
            let (prompt, redacted) = llm::prompt::messages(&input);
            usage.redactions += redacted as u32;
            let key = cache::Key {
                model: &settings.config.model,
                prompt_version: llm::prompt::PROMPT_VERSION,
                framework: framework.name(),
                path: &target.path,
                file_text: text,
                symbol: &symbol.name,
            };
            let hit = settings.cache.get(&key.digest());
            drafts.push(Draft {
                id: format!("c{}", drafts.len() + 1),
                path: target.path.clone(),
                symbol: symbol.name.clone(),
                language: target.language,
                placement: context::placement(target.language, &target.path, &symbol.name),
                cache_key: key.digest(),
                prompt,
                cached: hit.is_some(),
                repairs: hit.as_ref().map_or(0, |h| h.repairs),
                code: hit.map(|h| h.code),
                error: None,
            });
        }
    }
    usage.cache_hits = drafts.iter().filter(|d| d.cached).count() as u32;
    (drafts, notes)
}

/// Sends the questions concurrently (at most `concurrency` in flight) and answers in order: the code, or why
/// there is none. Stops sending once `tokens` is spent.
pub async fn ask_all(
    client: &LlmClient,
    questions: Vec<(Language, Vec<Message>)>,
    concurrency: usize,
    tokens: &TokenBudget,
    usage: &mut ModelUsage,
) -> Vec<Result<String, String>> {
    let answers: Vec<_> = futures_util::stream::iter(questions)
        .map(|(language, messages)| async move {
            if tokens.spent() {
                return (
                    Err(format!(
                        "not asked: the run's token budget ({}, ATO_LLM_MAX_TOKENS) is spent",
                        tokens.max
                    )),
                    None,
                );
            }
            match client.complete(&messages).await {
                Ok(completion) => {
                    tokens.add(completion.prompt_tokens + completion.completion_tokens);
                    let code = llm::answer::extract_code(&completion.text, language)
                        .ok_or_else(|| "the model answered without code".to_string());
                    (code, Some(completion))
                }
                Err(err) => (Err(err.to_string()), None),
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    answers
        .into_iter()
        .map(|(code, completion)| {
            if let Some(c) = completion {
                usage.requests += 1;
                usage.prompt_tokens += c.prompt_tokens;
                usage.completion_tokens += c.completion_tokens;
            }
            code
        })
        .collect()
}

/// Tokens spent by a run so far, shared by concurrent requests.
#[derive(Debug)]
pub struct TokenBudget {
    pub max: u64,
    used: AtomicU64,
}

impl TokenBudget {
    pub fn new(max: u64) -> TokenBudget {
        TokenBudget {
            max,
            used: AtomicU64::new(0),
        }
    }

    fn add(&self, tokens: u64) {
        self.used.fetch_add(tokens, Ordering::Relaxed);
    }

    pub fn spent(&self) -> bool {
        self.used.load(Ordering::Relaxed) >= self.max
    }
}

/// Which generators a run uses.
#[derive(Debug, Clone)]
pub struct Generators {
    pub builtin: bool,
    pub model: Option<ModelSettings>,
    /// Said in the report when the wish could not be met.
    pub note: Option<String>,
}

/// From the repository's wish (`generate:` in `.github/ato.yml` or `ato run --generate`) and the operator's
/// model. With no wish, the builtin generator runs, and the model too when one is configured; a wish for the
/// model without one falls back to the builtin generator, with a note.
pub fn choose(wish: Option<Generation>, model: Option<&ModelSettings>) -> Generators {
    let missing = |what: &str| {
        Some(format!(
            "generate: {what} asks for a model, but none is configured (LLM_BASE_URL and LLM_MODEL); \
             the builtin generator ran alone"
        ))
    };
    match (wish, model) {
        (None, model) => Generators {
            builtin: true,
            model: model.cloned(),
            note: None,
        },
        (Some(Generation::Builtin), _) => Generators {
            builtin: true,
            model: None,
            note: None,
        },
        (Some(Generation::Off), _) => Generators {
            builtin: false,
            model: None,
            note: Some("generate: off — only the static checkers ran".into()),
        },
        (Some(Generation::Llm), Some(model)) => Generators {
            builtin: false,
            model: Some(model.clone()),
            note: None,
        },
        (Some(Generation::Both), Some(model)) => Generators {
            builtin: true,
            model: Some(model.clone()),
            note: None,
        },
        (Some(wish @ (Generation::Llm | Generation::Both)), None) => Generators {
            builtin: true,
            model: None,
            note: missing(if wish == Generation::Llm {
                "llm"
            } else {
                "both"
            }),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ModelSettings {
        let get = |name: &str| match name {
            "LLM_BASE_URL" => Some("http://127.0.0.1:9/v1".to_string()),
            "LLM_MODEL" => Some("m".to_string()),
            "ATO_LLM_MAX_FILES" => Some("3".to_string()),
            _ => None,
        };
        ModelSettings::from_lookup(&get, None).unwrap().unwrap()
    }

    #[test]
    fn settings_from_the_environment() {
        let s = settings();
        assert_eq!(s.budget.max_files, 3);
        assert_eq!(s.budget.max_tokens, DEFAULT_MAX_TOKENS);
        assert_eq!(s.max_repairs, DEFAULT_REPAIRS);
        assert!(
            ModelSettings::from_lookup(&|_| None, None)
                .unwrap()
                .is_none()
        );
        let bad = |name: &str| match name {
            "LLM_BASE_URL" => Some("http://127.0.0.1:9/v1".to_string()),
            "LLM_MODEL" => Some("m".to_string()),
            "ATO_LLM_MAX_TOKENS" => Some("lots".to_string()),
            _ => None,
        };
        let err = ModelSettings::from_lookup(&bad, None).unwrap_err();
        assert!(err.contains("ATO_LLM_MAX_TOKENS"), "{err}");
    }

    #[test]
    fn choosing_the_generators() {
        let model = settings();
        let both = choose(None, Some(&model));
        assert!(both.builtin && both.model.is_some() && both.note.is_none());
        let alone = choose(None, None);
        assert!(alone.builtin && alone.model.is_none() && alone.note.is_none());
        let llm = choose(Some(Generation::Llm), Some(&model));
        assert!(!llm.builtin && llm.model.is_some());
        let fallback = choose(Some(Generation::Llm), None);
        assert!(fallback.builtin && fallback.model.is_none());
        assert!(fallback.note.unwrap().contains("LLM_BASE_URL"));
        let builtin = choose(Some(Generation::Builtin), Some(&model));
        assert!(builtin.builtin && builtin.model.is_none());
        let off = choose(Some(Generation::Off), Some(&model));
        assert!(!off.builtin && off.model.is_none());
    }

    fn target(path: &str, symbols: &[&str]) -> TargetFile {
        TargetFile {
            path: path.into(),
            language: Language::Python,
            changed_lines: vec![1],
            symbols: symbols
                .iter()
                .enumerate()
                .map(|(i, name)| crate::model::Symbol {
                    name: name.to_string(),
                    kind: crate::model::SymbolKind::Function,
                    start_line: i as u32 * 3 + 1,
                    end_line: i as u32 * 3 + 2,
                    is_new: true,
                })
                .collect(),
        }
    }

    #[test]
    fn drafts_keep_to_the_file_budget_withhold_secret_files_and_use_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let mut model = settings(); // ATO_LLM_MAX_FILES=3
        model.cache = Cache::under(dir.path());
        let text = "def a():\n    return 1\n\ndef b():\n    return 2\n";
        let paths = [
            "p/one.py",
            "p/secrets.py",
            "p/two.py",
            "p/three.py",
            "p/four.py",
        ];
        let view = TreeView {
            diff: String::new(),
            texts: paths
                .iter()
                .map(|p| (p.to_string(), text.to_string()))
                .collect(),
            test_files: Vec::new(),
            project: ProjectFiles::default(),
        };
        let targets: Vec<TargetFile> = paths.iter().map(|p| target(p, &["a", "b"])).collect();
        let mut usage = ModelUsage::default();
        let (first, notes) = drafts(&targets, &view, &model, &mut usage);
        let asked: Vec<String> = first.iter().map(Draft::target).collect();
        assert_eq!(
            asked,
            [
                "p/one.py::a",
                "p/one.py::b",
                "p/two.py::a",
                "p/two.py::b",
                "p/three.py::a",
                "p/three.py::b"
            ]
        );
        assert_eq!(first[0].id, "c1");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("p/secrets.py") && n.contains("secret")),
            "{notes:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("p/four.py") && n.contains("ATO_LLM_MAX_FILES")),
            "{notes:?}"
        );
        assert_eq!(usage.cache_hits, 0);

        model
            .cache
            .put(
                &first[1].cache_key,
                &cache::Entry {
                    code: "def test_b(): pass\n".into(),
                    repairs: 1,
                },
            )
            .unwrap();
        let (again, _) = drafts(&targets, &view, &model, &mut usage);
        assert!(again[1].cached && again[1].code.is_some() && again[1].repairs == 1);
        assert!(!again[0].cached && again[0].code.is_none());
        assert_eq!(usage.cache_hits, 1);
    }

    #[test]
    fn the_token_budget_is_shared() {
        let budget = TokenBudget::new(100);
        assert!(!budget.spent());
        budget.add(60);
        assert!(!budget.spent());
        budget.add(40);
        assert!(budget.spent());
    }
}
