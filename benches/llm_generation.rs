//! Model calls of a 10-function pull request against a fake OpenAI-compatible server that waits 1 s before
//! every answer: the wall time of asking for all ten modules with the default concurrency (goal: under 4 s).
//!
//! Run with `cargo bench --bench llm_generation`. The fake is the one the tests use, over real HTTP on
//! loopback; `LLM_CONCURRENCY` (default 8) changes the concurrency measured.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ato::generate::{TokenBudget, ask_all};
use ato::llm::{LlmClient, LlmConfig, Message};
use ato::model::{Language, ModelUsage};
use support::fake_llm::{FakeLlm, Rule, answer};

const FUNCTIONS: usize = 10;
const DELAY: Duration = Duration::from_secs(1);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let rules = vec![Rule::new(
        "",
        vec![answer("def test_it():\n    assert True\n")],
    )];
    let fake = FakeLlm::start(rules, DELAY).await;
    let concurrency = std::env::var("LLM_CONCURRENCY").unwrap_or_default();
    let get = |name: &str| match name {
        "LLM_BASE_URL" => Some(fake.url.clone()),
        "LLM_MODEL" => Some("fake".to_string()),
        "LLM_CONCURRENCY" => Some(concurrency.clone()).filter(|c| !c.is_empty()),
        _ => None,
    };
    let config = LlmConfig::from_lookup(&get)
        .expect("config")
        .expect("a model is configured");
    let client = LlmClient::new(&config).expect("client");
    let questions: Vec<(Language, Vec<Message>)> = (0..FUNCTIONS)
        .map(|i| {
            let messages = vec![
                Message::system("write a test".to_string()),
                Message::user(format!("Symbol to test: f{i}\n")),
            ];
            (Language::Python, messages)
        })
        .collect();
    let mut usage = ModelUsage::default();
    let started = Instant::now();
    let answers = ask_all(
        &client,
        questions,
        config.concurrency,
        &TokenBudget::new(u64::MAX),
        &mut usage,
    )
    .await;
    let wall = started.elapsed();
    let answered = answers.iter().filter(|a| a.is_ok()).count();
    assert_eq!(answered, FUNCTIONS, "every question answered: {answers:?}");
    println!(
        "llm_generation: {FUNCTIONS} functions, {} s answer delay, concurrency {}: wall {:.2} s ({} requests)",
        DELAY.as_secs(),
        config.concurrency,
        wall.as_secs_f64(),
        fake.requests().len()
    );
}
