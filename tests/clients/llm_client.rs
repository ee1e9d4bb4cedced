//! The model client against the fake OpenAI-compatible server, over real HTTP: answers, headers, retries,
//! rate limits, timeouts and the errors a report shows.

use std::time::{Duration, Instant, SystemTime};

use ato::llm::{LlmClient, LlmConfig, LlmError, Message};

use crate::support::fake_llm::{
    ANSWER_COMPLETION_TOKENS, ANSWER_PROMPT_TOKENS, FakeLlm, Reply, Rule, TEST_KEY, answer,
};

fn question(text: &str) -> Vec<Message> {
    vec![
        Message::system("You write unit tests."),
        Message::user(text),
    ]
}

async fn ask(config: &LlmConfig, text: &str) -> Result<ato::llm::Completion, LlmError> {
    LlmClient::new(config)
        .unwrap()
        .complete(&question(text))
        .await
}

#[tokio::test]
async fn a_good_answer_with_its_usage() {
    let code = "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3";
    let fake = FakeLlm::start(vec![Rule::new("add", vec![answer(code)])], Duration::ZERO).await;
    let completion = ask(&fake.config(), "Write a test for add").await.unwrap();
    assert!(
        completion.text.contains("```python\nfrom calc import add"),
        "{}",
        completion.text
    );
    assert_eq!(completion.prompt_tokens, ANSWER_PROMPT_TOKENS);
    assert_eq!(completion.completion_tokens, ANSWER_COMPLETION_TOKENS);
    assert_eq!(completion.attempts, 1);

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/v1/chat/completions");
    let body = requests[0].json().unwrap();
    assert_eq!(body["model"], "fake-model");
    assert_eq!(body["temperature"], 0.2);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(
        requests[0].last_user_message().as_deref(),
        Some("Write a test for add")
    );
}

#[tokio::test]
async fn usage_is_zero_when_the_server_does_not_say() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::Status {
            status: 200,
            retry_after: None,
            body: r#"{"choices":[{"message":{"role":"assistant","content":"ok"}}]}"#.into(),
        })],
        Duration::ZERO,
    )
    .await;
    let completion = ask(&fake.config(), "hi").await.unwrap();
    assert_eq!(
        (
            completion.text.as_str(),
            completion.prompt_tokens,
            completion.completion_tokens
        ),
        ("ok", 0, 0)
    );
}

#[tokio::test]
async fn the_key_is_sent_as_a_bearer_token_and_only_when_set() {
    let fake = FakeLlm::start(vec![Rule::always(Reply::text("ok"))], Duration::ZERO).await;
    ask(&fake.config(), "with key").await.unwrap();
    let without_key = LlmConfig {
        api_key: None,
        ..fake.config()
    };
    ask(&without_key, "without key").await.unwrap();
    let requests = fake.requests();
    assert_eq!(
        requests[0].authorization,
        Some(format!("Bearer {TEST_KEY}"))
    );
    assert_eq!(requests[1].authorization, None);
    // The key travels in the header only.
    assert!(!requests[0].body.contains(TEST_KEY));
}

#[tokio::test]
async fn a_server_error_then_success_takes_two_attempts() {
    let fake = FakeLlm::start(
        vec![Rule::new(
            "",
            vec![Reply::status(500), Reply::text("fine now")],
        )],
        Duration::ZERO,
    )
    .await;
    let completion = ask(&fake.config(), "q").await.unwrap();
    assert_eq!(completion.text, "fine now");
    assert_eq!(completion.attempts, 2);
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_rate_limit_waits_for_retry_after() {
    let fake = FakeLlm::start(
        vec![Rule::new(
            "",
            vec![Reply::too_many_requests("1"), Reply::text("ok")],
        )],
        Duration::ZERO,
    )
    .await;
    let completion = ask(&fake.config(), "q").await.unwrap();
    assert_eq!(completion.attempts, 2);
    let requests = fake.requests();
    let waited = requests[1].at - requests[0].at;
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
    assert!(waited < Duration::from_secs(2), "retried after {waited:?}");
}

#[tokio::test]
async fn a_rate_limit_until_an_http_date_is_honoured() {
    let until = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let fake = FakeLlm::start(
        vec![Rule::new(
            "",
            vec![Reply::too_many_requests(&until), Reply::text("ok")],
        )],
        Duration::ZERO,
    )
    .await;
    ask(&fake.config(), "q").await.unwrap();
    let requests = fake.requests();
    // The date has whole seconds: the wait is between 1 and 2 s.
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(900),
        "retried after {waited:?}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_ends_the_tries_at_once() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::too_many_requests("3600"))],
        Duration::ZERO,
    )
    .await;
    let started = Instant::now();
    let error = ask(&fake.config(), "q").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, LlmError::WaitTooLong { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the model at {} is rate-limited and asked to wait 3600 s, longer than the 5 s ato waits (LLM_MAX_RETRY_AFTER_SECS)",
            fake.url
        )
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_lasting_rate_limit_is_bounded() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::too_many_requests("0"))],
        Duration::ZERO,
    )
    .await;
    let error = ask(&fake.config(), "q").await.unwrap_err();
    assert!(
        matches!(error, LlmError::RateLimited { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("was still rate-limited (HTTP 429) after 3 attempts"),
        "{error}"
    );
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn server_errors_forever_are_bounded_and_named() {
    let fake = FakeLlm::start(vec![Rule::always(Reply::status(503))], Duration::ZERO).await;
    let started = Instant::now();
    let error = ask(&fake.config(), "q").await.unwrap_err();
    assert_eq!(fake.requests().len(), 3);
    assert_eq!(error.attempts(), 3);
    assert_eq!(
        error.to_string(),
        format!(
            "the model at {} answered HTTP 503 three times: scripted HTTP 503",
            fake.url
        )
    );
    // Back-off of 50 ms then 100 ms between the three attempts.
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_hanging_model_times_out_once_without_retry() {
    let fake = FakeLlm::start(vec![Rule::always(Reply::Hang)], Duration::ZERO).await;
    let config = LlmConfig {
        timeout: Duration::from_secs(1),
        ..fake.config()
    };
    let started = Instant::now();
    let error = ask(&config, "q").await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, LlmError::TimedOut { .. }), "{error:?}");
    assert!(
        elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("the model at {} did not answer within 1 s", fake.url)
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn a_slow_answer_within_the_timeout_is_fine() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::text("slow"))],
        Duration::from_millis(500),
    )
    .await;
    let completion = ask(&fake.config(), "q").await.unwrap();
    assert_eq!(completion.text, "slow");
}

#[tokio::test]
async fn nothing_listening_is_unreachable_after_the_attempts() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let config = LlmConfig {
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: Some(TEST_KEY.into()),
        model: "m".into(),
        timeout: Duration::from_secs(2),
        max_attempts: 3,
        concurrency: 1,
        backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(5),
    };
    let error = ask(&config, "q").await.unwrap_err();
    assert!(
        matches!(error, LlmError::Unreachable { attempts: 3, .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the model at http://127.0.0.1:{port}/v1 could not be reached three times: "
        )),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
}

#[tokio::test]
async fn a_client_error_is_final() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::Status {
            status: 400,
            retry_after: None,
            body:
                r#"{"error":{"message":"'messages' is too long","type":"invalid_request_error"}}"#
                    .into(),
        })],
        Duration::ZERO,
    )
    .await;
    let error = ask(&fake.config(), "q").await.unwrap_err();
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        format!(
            "the model at {} answered HTTP 400: 'messages' is too long",
            fake.url
        )
    );
}

#[tokio::test]
async fn an_echoed_key_never_reaches_the_error() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::Status {
            status: 401,
            retry_after: None,
            body: format!(r#"{{"error":{{"message":"Incorrect API key provided: {TEST_KEY}."}}}}"#),
        })],
        Duration::ZERO,
    )
    .await;
    let error = ask(&fake.config(), "q").await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TEST_KEY), "{shown}");
    assert!(
        shown.contains("HTTP 401: Incorrect API key provided: «redacted»."),
        "{shown}"
    );
}

#[tokio::test]
async fn long_error_bodies_are_cut() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::Status {
            status: 502,
            retry_after: None,
            body: format!("<html>{}</html>", "Bad gateway ".repeat(200)),
        })],
        Duration::ZERO,
    )
    .await;
    let config = LlmConfig {
        max_attempts: 1,
        ..fake.config()
    };
    let error = ask(&config, "q").await.unwrap_err();
    let LlmError::Status { excerpt, .. } = &error else {
        panic!("{error:?}");
    };
    assert!(
        excerpt.chars().count() <= 310,
        "{}",
        excerpt.chars().count()
    );
    assert!(excerpt.starts_with("<html>Bad gateway"), "{excerpt}");
}

#[tokio::test]
async fn a_body_that_is_not_a_completion_is_a_bad_response() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::Status {
            status: 200,
            retry_after: None,
            body: "<html>proxy login</html>".into(),
        })],
        Duration::ZERO,
    )
    .await;
    let error = ask(&fake.config(), "q").await.unwrap_err();
    assert!(matches!(error, LlmError::BadResponse { .. }), "{error:?}");
    assert!(
        error.to_string().contains("is not a chat completion"),
        "{error}"
    );
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn requests_run_concurrently_on_one_client() {
    let fake = FakeLlm::start(
        vec![Rule::always(Reply::text("ok"))],
        Duration::from_millis(500),
    )
    .await;
    let client = LlmClient::new(&fake.config()).unwrap();
    let started = Instant::now();
    let calls = (0..6).map(|i| {
        let client = client.clone();
        tokio::spawn(async move { client.complete(&question(&format!("q{i}"))).await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    // Six answers of 0.5 s each, in flight together.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

/// The fake itself: it must tell a test when it was used wrongly.
mod fake {
    use super::*;

    async fn post(url: &str, body: &str) -> (u16, String) {
        let response = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    #[tokio::test]
    async fn other_paths_bad_bodies_and_unmatched_requests_are_errors() {
        let fake = FakeLlm::start(
            vec![Rule::new("known", vec![Reply::text("ok")])],
            Duration::ZERO,
        )
        .await;
        let chat = format!("{}/chat/completions", fake.url);
        let (status, _) = post(&format!("{}/completions", fake.url), "{}").await;
        assert_eq!(status, 404);
        let (status, _) = post(&chat, r#"{"prompt":"hi"}"#).await;
        assert_eq!(status, 400);
        let (status, text) = post(
            &chat,
            r#"{"model":"m","messages":[{"role":"user","content":"another"}]}"#,
        )
        .await;
        assert_eq!(
            (status, text.as_str()),
            (500, "no rule matches the first user message: another")
        );
        let (status, text) = post(
            &chat,
            r#"{"model":"m","messages":[{"role":"user","content":"a known one"}]}"#,
        )
        .await;
        assert_eq!(status, 200);
        let completion: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(completion["object"], "chat.completion");
        assert_eq!(completion["model"], "m");
        assert_eq!(completion["choices"][0]["message"]["content"], "ok");
        assert_eq!(completion["choices"][0]["finish_reason"], "stop");
        assert_eq!(
            completion["usage"]["total_tokens"],
            ANSWER_PROMPT_TOKENS + ANSWER_COMPLETION_TOKENS
        );
        assert_eq!(fake.requests().len(), 4);
    }

    #[tokio::test]
    async fn replies_come_in_turn_and_the_last_repeats() {
        let fake = FakeLlm::start(
            vec![
                Rule::new("b", vec![Reply::text("b")]),
                Rule::new("", vec![Reply::text("1"), Reply::text("2")]),
            ],
            Duration::ZERO,
        )
        .await;
        let mut texts = Vec::new();
        for q in ["a", "b", "a", "a"] {
            texts.push(ask(&fake.config(), q).await.unwrap().text);
        }
        assert_eq!(texts, ["1", "b", "2", "2"]);
    }
}
