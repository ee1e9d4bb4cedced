//! `report.html` opened in a real browser (Debian's chromium, headless, driven over the DevTools protocol on a
//! pipe): it loads with no console error and no request but its own file, the banner's colour is the
//! verdict's (light and dark), and a folded generated test opens on a real click.
//!
//! Needs `chromium` (scripts/setup installs it); without it the test fails saying so.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use ato::model::{RunResults, Verdict};
use ato::report::{PageInputs, page};
use serde_json::{Value, json};

use crate::sample::{all_fixtures, fixture_sources};

const WAIT: Duration = Duration::from_secs(30);

/// A headless chromium and one page in it, spoken to over `--remote-debugging-pipe` (fd 3 in, fd 4 out).
struct Browser {
    child: Child,
    input: ChildStdin,
    events: Receiver<Value>,
    session: String,
    next_id: u64,
    /// Every event seen so far.
    seen: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start() -> Browser {
        let found = Command::new("chromium").arg("--version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "chromium is not installed: the HTML report's browser test needs Debian's chromium \
             (apt-get install chromium, or scripts/setup)"
        );
        let profile = tempfile::tempdir().expect("a profile folder");
        // The shell hands the pipes to chromium as fds 3 and 4, which --remote-debugging-pipe reads.
        let mut child = Command::new("sh")
            .args([
                "-c",
                "exec \"$@\" 3<&0 4>&1 </dev/null >&2",
                "sh",
                "chromium",
            ])
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--remote-debugging-pipe",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let input = child.stdin.take().expect("stdin");
        let output = child.stdout.take().expect("stdout");
        let (send, events) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(output);
            loop {
                let mut message = Vec::new();
                match reader.read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                message.pop();
                if let Ok(value) = serde_json::from_slice::<Value>(&message)
                    && send.send(value).is_err()
                {
                    return;
                }
            }
        });
        let mut browser = Browser {
            child,
            input,
            events,
            session: String::new(),
            next_id: 0,
            seen: Vec::new(),
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().expect("a session").into();
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            browser.call(domain, json!({}));
        }
        browser
    }

    /// Sends a command (to the page once attached) and waits for its answer.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.input
            .write_all(&bytes)
            .expect("chromium reads its pipe");
        let answer = self.wait_for(&format!("the answer to {method}"), |m| m["id"] == id);
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(message) if matches(&message) => return message,
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => panic!("no {what} within {WAIT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("chromium quit before {what}"),
            }
        }
    }

    fn open(&mut self, path: &std::path::Path) {
        let url = format!("file://{}", path.display());
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for("the page's load event", |m| {
            m["method"] == "Page.loadEventFired"
        });
    }

    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    fn set_dark(&mut self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.call(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
    }

    fn click(&mut self, selector: &str) {
        let center = self.eval(&format!(
            "(() => {{ const e = document.querySelector({selector:?}); e.scrollIntoView(); \
             const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": center[0], "y": center[1], "button": "left", "clickCount": 1 }),
            );
        }
    }
}

fn write_page(dir: &std::path::Path, results: &RunResults) -> std::path::PathBuf {
    let sources = fixture_sources(results);
    let diff = crate::snapshots::sample_diff();
    let inputs = PageInputs {
        sources: &sources,
        diff: &diff,
        repository: Some("octo/calc"),
        settings: vec![("Runs of each test".into(), "3".into())],
    };
    let path = dir.join(format!("report-{:?}.html", results.verdict));
    std::fs::write(&path, page(results, &inputs)).unwrap();
    path
}

fn banner_colour(browser: &mut Browser) -> String {
    browser
        .eval("getComputedStyle(document.querySelector('.banner')).backgroundColor")
        .as_str()
        .expect("a colour")
        .to_string()
}

#[test]
fn the_html_report_loads_clean_in_chromium_its_banner_shows_the_verdict_and_tests_unfold() {
    let dir = tempfile::tempdir().unwrap();
    let failure = crate::snapshots::with_symbols(all_fixtures());
    assert_eq!(failure.verdict, Verdict::Failure);
    let path = write_page(dir.path(), &failure);
    let mut browser = Browser::start();
    browser.set_dark(false);
    browser.open(&path);

    assert_eq!(
        banner_colour(&mut browser),
        "rgb(207, 34, 46)",
        "failure is red"
    );
    browser.set_dark(true);
    assert_eq!(
        banner_colour(&mut browser),
        "rgb(218, 54, 51)",
        "a darker red in dark mode"
    );
    let body = browser.eval("getComputedStyle(document.body).backgroundColor");
    assert_eq!(body, "rgb(13, 17, 23)", "a dark page in dark mode");
    browser.set_dark(false);

    let closed = "document.querySelector('details.test-file').open";
    assert_eq!(
        browser.eval(closed),
        json!(false),
        "generated tests start folded"
    );
    browser.click("details.test-file > summary");
    assert_eq!(browser.eval(closed), json!(true), "a click opens the test");
    let shown = browser
        .eval("document.querySelector('details.test-file pre').getBoundingClientRect().height");
    assert!(
        shown.as_f64().unwrap_or(0.0) > 20.0,
        "its body shows: {shown}"
    );

    // A passing run: a green banner.
    let mut success = all_fixtures();
    success.verdict = Verdict::Success;
    let green = write_page(dir.path(), &success);
    browser.open(&green);
    assert_eq!(
        banner_colour(&mut browser),
        "rgb(26, 127, 55)",
        "success is green"
    );

    // ATO_REPORT_SCREENSHOTS=<folder> keeps pictures of the page (the README's come from here).
    if let Ok(target) = std::env::var("ATO_REPORT_SCREENSHOTS") {
        browser.open(&path);
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1100, "height": 1400, "deviceScaleFactor": 1, "mobile": false }),
        );
        let top = browser
            .eval("document.getElementById('files').getBoundingClientRect().top + window.scrollY");
        for (name, y) in [
            ("report.png", 0.0),
            ("report-files.png", top.as_f64().unwrap_or(0.0)),
        ] {
            let clip = json!({ "x": 0, "y": y, "width": 1100, "height": 1000, "scale": 1 });
            let shot = browser.call(
                "Page.captureScreenshot",
                json!({ "format": "png", "clip": clip, "captureBeyondViewport": true }),
            );
            use base64::Engine as _;
            let png = base64::engine::general_purpose::STANDARD
                .decode(shot["data"].as_str().expect("png data"))
                .unwrap();
            std::fs::write(std::path::Path::new(&target).join(name), png).unwrap();
        }
    }

    // Drain what arrived meanwhile, then judge everything seen.
    while let Ok(message) = browser.events.try_recv() {
        browser.seen.push(message);
    }
    let errors: Vec<&Value> = browser
        .seen
        .iter()
        .filter(|m| {
            m["method"] == "Runtime.exceptionThrown"
                || (m["method"] == "Runtime.consoleAPICalled" && m["params"]["type"] == "error")
                || (m["method"] == "Log.entryAdded" && m["params"]["entry"]["level"] == "error")
        })
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    let requests: Vec<&str> = browser
        .seen
        .iter()
        .filter(|m| m["method"] == "Network.requestWillBeSent")
        .filter_map(|m| m["params"]["request"]["url"].as_str())
        .collect();
    assert!(!requests.is_empty(), "the page itself was requested");
    for url in &requests {
        assert!(url.starts_with("file://"), "an external request: {url}");
    }
}
