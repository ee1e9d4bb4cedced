//! What the allow-list proxy lets through, and what it said it refused. The proxy program
//! (`runners/common/proxy/allow_proxy.py`) allows `CONNECT host:port` for the HTTPS indexes, registries and
//! mirrors and a plain `GET` for the http ones; it prints each refusal as one JSON line, read back here into
//! notes and problems. Pure.

use url::Url;

/// A destination the proxy allows, `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Destination {
    pub host: String,
    pub port: u16,
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// The proxy's allow-list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    /// `CONNECT` (HTTPS) destinations.
    pub connect: Vec<Destination>,
    /// Plain-HTTP `GET` destinations.
    pub http: Vec<Destination>,
}

impl AllowList {
    /// The destinations of `urls`: an https URL allows `CONNECT` to its host and port, an http one a plain
    /// `GET`. Nothing else is ever allowed.
    pub fn of(urls: &[Url]) -> AllowList {
        let mut list = AllowList::default();
        for url in urls {
            let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
                continue;
            };
            let destination = Destination {
                host: host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase(),
                port,
            };
            let into = match url.scheme() {
                "https" => &mut list.connect,
                "http" => &mut list.http,
                _ => continue,
            };
            if !into.contains(&destination) {
                into.push(destination);
            }
        }
        list
    }

    /// Whether a request to `url` would get through.
    pub fn allows(&self, url: &Url) -> bool {
        let single = AllowList::of(std::slice::from_ref(url));
        single.connect.iter().all(|d| self.connect.contains(d))
            && single.http.iter().all(|d| self.http.contains(d))
            && !(single.connect.is_empty() && single.http.is_empty())
    }

    /// The proxy program's arguments.
    pub fn proxy_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for destination in &self.connect {
            args.push("--allow-connect".to_string());
            args.push(destination.to_string());
        }
        for destination in &self.http {
            args.push("--allow-http".to_string());
            args.push(destination.to_string());
        }
        args
    }
}

/// What the proxy said, one JSON line each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyLog {
    /// `method destination` of each refused request, each once, in order.
    pub refused: Vec<String>,
    /// Allowed destinations it could not reach, with why.
    pub unreachable: Vec<String>,
    /// The proxy said it listens.
    pub listening: bool,
}

/// Reads the proxy's stdout; lines that are not its JSON are ignored.
pub fn read_log(stdout: &str) -> ProxyLog {
    let mut log = ProxyLog::default();
    for line in stdout.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line.trim()) else {
            continue;
        };
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).unwrap_or("?");
        let entry = match value.get("event").and_then(|v| v.as_str()) {
            Some("listening") => {
                log.listening = true;
                continue;
            }
            Some("refused") => (
                &mut log.refused,
                format!("{} {}", field("method"), field("destination")),
            ),
            Some("unreachable") => (
                &mut log.unreachable,
                format!("{} ({})", field("destination"), field("error")),
            ),
            _ => continue,
        };
        if !entry.0.contains(&entry.1) {
            entry.0.push(entry.1);
        }
    }
    log
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(texts: &[&str]) -> Vec<Url> {
        texts.iter().map(|t| Url::parse(t).unwrap()).collect()
    }

    #[test]
    fn https_allows_connect_and_http_allows_get_to_exactly_that_host_and_port() {
        let list = AllowList::of(&urls(&[
            "https://pypi.org/simple/",
            "https://files.pythonhosted.org/",
            "http://172.17.0.1:8081/npm/",
            "https://PyPI.org/other/",
        ]));
        let hosts: Vec<String> = list.connect.iter().map(|d| d.to_string()).collect();
        assert_eq!(hosts, ["pypi.org:443", "files.pythonhosted.org:443"]);
        assert_eq!(list.http[0].to_string(), "172.17.0.1:8081");
        assert_eq!(
            list.proxy_args(),
            [
                "--allow-connect",
                "pypi.org:443",
                "--allow-connect",
                "files.pythonhosted.org:443",
                "--allow-http",
                "172.17.0.1:8081"
            ]
        );
        let allows = |text: &str| list.allows(&Url::parse(text).unwrap());
        assert!(allows("https://pypi.org/simple/six/"));
        assert!(allows("http://172.17.0.1:8081/other/path"));
        assert!(!allows("http://pypi.org/simple/"), "https only");
        assert!(!allows("https://pypi.org:8443/simple/"), "another port");
        assert!(!allows("https://evil.example/simple/"));
        assert!(!allows("https://172.17.0.1:8081/"), "http only");
        assert!(!allows("ftp://pypi.org/"));
    }

    #[test]
    fn refusals_and_unreachable_destinations_are_read_from_the_proxy_log() {
        let log = read_log(concat!(
            "{\"event\": \"listening\", \"port\": 3128}\n",
            "{\"destination\": \"10.0.0.5:8080\", \"event\": \"refused\", \"method\": \"CONNECT\"}\n",
            "not json\n",
            "{\"destination\": \"10.0.0.5:8080\", \"event\": \"refused\", \"method\": \"CONNECT\"}\n",
            "{\"destination\": \"http://172.17.0.1:9\", \"event\": \"refused\", \"method\": \"GET\"}\n",
            "{\"destination\": \"pypi.org:443\", \"error\": \"[Errno -2] Name or service not known\", \"event\": \"unreachable\"}\n",
        ));
        assert!(log.listening);
        assert_eq!(
            log.refused,
            ["CONNECT 10.0.0.5:8080", "GET http://172.17.0.1:9"]
        );
        assert_eq!(
            log.unreachable,
            ["pypi.org:443 ([Errno -2] Name or service not known)"]
        );
        assert_eq!(read_log(""), ProxyLog::default());
    }
}
