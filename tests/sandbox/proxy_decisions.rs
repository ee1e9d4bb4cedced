//! The allow-list proxy's decisions (`runners/common/proxy/allow_proxy.py`, run by the host's `python3`)
//! agree with ato's own [`AllowList`]: what ato configures is exactly what the proxy lets through, and
//! nothing else.

use std::process::Command;

use ato::deps::AllowList;
use url::Url;

/// `decide(method, target)` of the proxy for each request, with the allow-list's arguments.
fn proxy_decisions(list: &AllowList, requests: &[(&str, &str)]) -> Vec<String> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runners/common/proxy/allow_proxy.py"
    );
    let program = r#"
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("allow_proxy", sys.argv[1])
proxy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proxy)
args = json.loads(sys.argv[2])
connect = proxy.allow_set([a for k, a in zip(args[::2], args[1::2]) if k == "--allow-connect"])
http = proxy.allow_set([a for k, a in zip(args[::2], args[1::2]) if k == "--allow-http"])
for method, target in json.loads(sys.argv[3]):
    print(proxy.decide(method, target, connect, http)[0])
"#;
    let out = Command::new("python3")
        .args(["-c", program, script])
        .arg(serde_json::to_string(&list.proxy_args()).unwrap())
        .arg(serde_json::to_string(requests).unwrap())
        .output()
        .expect("python3 runs (the tests need it on the host)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_proxy_allows_exactly_what_the_allow_list_names() {
    let urls: Vec<Url> = [
        "https://pypi.org/simple/",
        "https://files.pythonhosted.org/",
        "http://172.17.0.1:8081/npm/",
    ]
    .iter()
    .map(|u| Url::parse(u).unwrap())
    .collect();
    let list = AllowList::of(&urls);
    let requests = [
        ("CONNECT", "pypi.org:443"),
        ("CONNECT", "PYPI.ORG:443"),
        ("CONNECT", "files.pythonhosted.org:443"),
        ("CONNECT", "pypi.org:8443"),
        ("CONNECT", "evil.example:443"),
        ("CONNECT", "172.17.0.1:8081"),
        ("GET", "http://172.17.0.1:8081/npm/tiny"),
        ("HEAD", "http://172.17.0.1:8081/"),
        ("POST", "http://172.17.0.1:8081/npm/tiny"),
        ("GET", "http://172.17.0.1:9999/"),
        ("GET", "http://pypi.org/simple/"),
        ("GET", "/relative"),
    ];
    assert_eq!(
        proxy_decisions(&list, &requests),
        [
            "connect", "connect", "connect", "refuse", "refuse", "refuse", "http", "http",
            "refuse", "refuse", "refuse", "refuse"
        ]
    );
    // The same verdicts from ato's side, for the URLs it checks itself.
    let allows = |text: &str| list.allows(&Url::parse(text).unwrap());
    assert!(allows("https://pypi.org/simple/six/"));
    assert!(!allows("https://pypi.org:8443/"));
    assert!(allows("http://172.17.0.1:8081/npm/tiny"));
    assert!(!allows("http://172.17.0.1:9999/"));
}

#[test]
fn the_proxy_serves_only_clients_of_its_internal_network() {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runners/common/proxy/allow_proxy.py"
    );
    let program = r#"
import importlib.util, ipaddress, sys
spec = importlib.util.spec_from_file_location("allow_proxy", sys.argv[1])
proxy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proxy)
internal = [ipaddress.ip_network("172.30.0.0/16")]
for client in ["172.30.0.7", "172.17.0.5", "10.0.0.1", "not-an-address"]:
    print(client, proxy.client_allowed(client, internal))
"#;
    let out = Command::new("python3")
        .args(["-c", program, script])
        .output()
        .expect("python3 runs (the tests need it on the host)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .collect::<Vec<_>>(),
        [
            "172.30.0.7 True",
            "172.17.0.5 False",
            "10.0.0.1 False",
            "not-an-address False"
        ],
        "a container on the default bridge must not borrow the proxy"
    );
}
